package io.tusk.samples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bin/tusk jar} on a terminal (a pseudo-terminal made by {@code script}) draws a progress
 * bar in place of Hadoop's progress lines; with its output in a file it prints Hadoop's lines only.
 */
class ConsoleProgressIT
{
    private static final Path EXAMPLES = Path.of("target/lib/hadoop-mapreduce-examples-3.4.2.jar").toAbsolutePath();

    @TempDir
    Path work;

    private List<String> wordCount(String output)
    {
        List<String> command = new ArrayList<>(TestProcesses.tusk("jar"));
        command.addAll(List.of(EXAMPLES.toString(), "wordcount", TestProcesses.HOME.resolve("samples/data/words").toString(), work.resolve(output).toString()));
        return command;
    }

    @Test
    void aTerminalGetsAProgressBarAndAFileHadoopsLines()
            throws Exception
    {
        TestProcesses.Result file = TestProcesses.run(wordCount("out-file"), work, work.resolve("file.txt"));
        assertThat(file.exitCode()).as(file.log()).isZero();
        assertThat(file.log()).contains(" map 100% reduce 100%").doesNotContain("[Stage");

        // script gives the command a terminal and writes what it shows into the log
        String command = String.join(" ", wordCount("out-terminal").stream().map(argument -> "'" + argument + "'").toList());
        TestProcesses.Result terminal = TestProcesses.run(List.of("script", "-qec", command, "/dev/null"), work, work.resolve("terminal.txt"));
        assertThat(terminal.exitCode()).as(terminal.log()).isZero();
        assertThat(terminal.log()).contains("\r[Stage 0 map:").contains("\u001b[K").doesNotContain(" map 100% reduce")
                .contains("completed successfully").contains("Map input records=");
    }
}
