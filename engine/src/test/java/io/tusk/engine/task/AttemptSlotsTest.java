package io.tusk.engine.task;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AttemptSlotsTest
{
    @Test
    void anAttemptAloneWaitsForEverySlotAndLaterOnesWaitForIt()
            throws Exception
    {
        AttemptSlots slots = new AttemptSlots(2);
        AttemptSlots.Held first = slots.take("a", false, () -> false);
        CompletableFuture<AttemptSlots.Held> alone = CompletableFuture.supplyAsync(() -> take(slots, "alone", true));
        assertThatThrownBy(() -> alone.get(300, TimeUnit.MILLISECONDS)).as("one slot is still taken").isInstanceOf(TimeoutException.class);
        assertThat(first.release()).isTrue();
        AttemptSlots.Held held = alone.get(5, TimeUnit.SECONDS);
        CompletableFuture<AttemptSlots.Held> later = CompletableFuture.supplyAsync(() -> take(slots, "later", false));
        assertThatThrownBy(() -> later.get(300, TimeUnit.MILLISECONDS)).as("the attempt alone holds every slot").isInstanceOf(TimeoutException.class);
        assertThat(held.release()).isTrue();
        assertThat(later.get(5, TimeUnit.SECONDS)).isNotNull();
    }

    @Test
    void slotsAreReleasedOnceWhoeverReleasesThem()
            throws Exception
    {
        AttemptSlots slots = new AttemptSlots(1);
        AttemptSlots.Held held = slots.take("a", false, () -> false);
        // given up by its backend, then ended on its own: the slot is back once, not twice
        assertThat(held.release()).isTrue();
        assertThat(held.release()).isFalse();
        AttemptSlots.Held next = slots.take("b", false, () -> false);
        CompletableFuture<AttemptSlots.Held> third = CompletableFuture.supplyAsync(() -> take(slots, "c", false));
        assertThatThrownBy(() -> third.get(300, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        next.release();
        assertThat(third.get(5, TimeUnit.SECONDS)).isNotNull();
    }

    @Test
    void anAttemptAloneThatWaitedTooLongRunsBesideTheOthers()
            throws Exception
    {
        AttemptSlots slots = new AttemptSlots(2, 200);
        AttemptSlots.Held other = slots.take("waiting for a job of its own", false, () -> false);
        AttemptSlots.Held alone = slots.take("alone", true, () -> false);
        assertThat(alone).as("one slot, after the wait").isNotNull();
        other.release();
        alone.release();
    }

    @Test
    void takingStopsWhenTheBackendCloses()
            throws Exception
    {
        AttemptSlots slots = new AttemptSlots(1);
        slots.take("a", false, () -> false);
        assertThat(slots.take("b", false, () -> true)).isNull();
        assertThat(slots.take("c", true, () -> true)).isNull();
    }

    private static AttemptSlots.Held take(AttemptSlots slots, String attempt, boolean alone)
    {
        try {
            return slots.take(attempt, alone, () -> false);
        }
        catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
