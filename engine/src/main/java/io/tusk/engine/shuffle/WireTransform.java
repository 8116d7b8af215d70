package io.tusk.engine.shuffle;

import static java.util.Objects.requireNonNull;

/**
 * How a map output's records travel to reducers in other processes, for example compressed with
 * the job's map output codec: {@code transform} encodes each chunk sent; the receiver finds its
 * decoder by {@code name}, which is all that travels with the chunks.
 */
public record WireTransform(String name, BlockTransform transform)
{
    public WireTransform
    {
        requireNonNull(name, "name is null");
        requireNonNull(transform, "transform is null");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a wire transform needs a name");
        }
    }
}
