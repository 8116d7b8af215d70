package io.tusk.engine.plan;

import static java.util.Objects.requireNonNull;

/** Each partition of the child reads at most one partition of the parent, in the same task. */
public record NarrowDependency(DatasetNode parent)
        implements Dependency
{
    public NarrowDependency
    {
        requireNonNull(parent, "parent is null");
    }
}
