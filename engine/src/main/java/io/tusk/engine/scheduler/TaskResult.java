package io.tusk.engine.scheduler;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/** What a successful attempt sends back: the action's result (null for map tasks), accumulator updates and what it wrote into the shuffle. */
public record TaskResult(Object value, Map<Long, Object> accumulatorUpdates, TaskMetrics metrics)
{
    public TaskResult
    {
        accumulatorUpdates = Map.copyOf(accumulatorUpdates);
        requireNonNull(metrics, "metrics is null");
    }
}
