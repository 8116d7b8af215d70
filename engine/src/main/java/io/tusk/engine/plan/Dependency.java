package io.tusk.engine.plan;

/** How a dataset depends on a parent: partition by partition (narrow) or through a shuffle (wide). */
public sealed interface Dependency
        permits NarrowDependency, ShuffleDependency
{
    /** The parent dataset; null on the task side of a shuffle dependency. */
    DatasetNode parent();
}
