package io.tusk.engine.plan;

import io.tusk.engine.function.CombineFunction;
import io.tusk.engine.function.MapFunction;
import io.tusk.engine.function.ReduceFunction;

import static java.util.Objects.requireNonNull;

/**
 * How values of one key are combined: the first value becomes a combiner, further values are merged
 * into it, and combiners from different map outputs are merged with each other.
 */
public record Aggregator(
        MapFunction<Object, Object> createCombiner,
        CombineFunction<Object, Object> mergeValue,
        ReduceFunction<Object> mergeCombiners)
{
    public Aggregator
    {
        requireNonNull(createCombiner, "createCombiner is null");
        requireNonNull(mergeValue, "mergeValue is null");
        requireNonNull(mergeCombiners, "mergeCombiners is null");
    }
}
