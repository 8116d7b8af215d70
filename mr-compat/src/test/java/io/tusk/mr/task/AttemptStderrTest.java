package io.tusk.mr.task;

import org.junit.jupiter.api.Test;

import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AttemptStderrTest
{
    @Test
    void failureCarriesTheLastLinesTheAttemptAndItsThreadsWrote()
    {
        assertThatThrownBy(() -> AttemptStderr.run(() -> {
            Thread child = new Thread(() -> {
                for (int i = 0; i < 30; i++) {
                    System.err.println("line " + i);
                }
            });
            child.start();
            child.join();
            System.err.print("no newline at the end");
            throw new IllegalStateException("boom");
        })).isInstanceOf(IllegalStateException.class).satisfies(failure -> {
            AttemptStderr.StderrTail tail = AttemptStderr.tailOf(failure);
            assertThat(tail).isNotNull();
            String expected = IntStream.range(11, 30).mapToObj(i -> "line " + i).collect(Collectors.joining("\n")) + "\nno newline at the end";
            assertThat(tail.getMessage()).isEqualTo(expected);
            assertThat(tail.toString()).startsWith("Last lines of the attempt's stderr:\nline 11\n");
        });
    }

    @Test
    void otherThreadsAndSuccessfulAttemptsLeaveNothing()
            throws Exception
    {
        Thread outsider = new Thread(() -> System.err.println("not the attempt's"));
        assertThatThrownBy(() -> AttemptStderr.run(() -> {
            outsider.start();
            outsider.join();
            throw new IllegalStateException("quiet attempt");
        })).satisfies(failure -> assertThat(AttemptStderr.tailOf(failure)).isNull());

        assertThat(AttemptStderr.run(() -> {
            System.err.println("fine");
            return 42;
        })).isEqualTo(42);
    }
}
