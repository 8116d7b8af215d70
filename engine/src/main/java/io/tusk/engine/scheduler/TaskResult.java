package io.tusk.engine.scheduler;

import java.util.Map;

/** What a successful attempt sends back: the action's result (null for map tasks) and accumulator updates. */
public record TaskResult(Object value, Map<Long, Object> accumulatorUpdates)
{
    public TaskResult
    {
        accumulatorUpdates = Map.copyOf(accumulatorUpdates);
    }
}
