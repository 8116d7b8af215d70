package io.tusk.engine.plan;

import io.tusk.engine.task.TaskContext;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static io.tusk.engine.TuskException.checkArgument;

/** The elements of a driver-side list, cut into contiguous slices. */
public final class CollectionSource
        implements Source
{
    private final List<List<Object>> slices;

    public CollectionSource(List<?> data, int slices)
    {
        checkArgument(slices > 0, "slices must be positive: %s", slices);
        this.slices = new ArrayList<>(slices);
        int size = data.size();
        for (int slice = 0; slice < slices; slice++) {
            int from = (int) ((long) slice * size / slices);
            int to = (int) ((long) (slice + 1) * size / slices);
            this.slices.add(new ArrayList<>(data.subList(from, to)));
        }
    }

    @Override
    public int partitions()
    {
        return slices.size();
    }

    @Override
    public Iterator<?> read(int partition, TaskContext context)
    {
        return slices.get(partition).iterator();
    }

    @Override
    public String describe()
    {
        return "parallelize (" + slices.size() + " slices)";
    }
}
