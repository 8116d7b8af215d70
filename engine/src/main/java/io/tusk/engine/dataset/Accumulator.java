package io.tusk.engine.dataset;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoSerializable;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.tusk.engine.task.TaskContext;

/**
 * A value that tasks add to and the driver reads. Inside a task, the accumulator a function
 * captured is a task-local copy starting from zero; the copies of successful attempts are merged
 * into the driver's accumulator when their tasks end, so failed attempts never count.
 * Driver-side methods are thread-safe.
 */
public abstract class Accumulator<T>
        implements KryoSerializable, TaskContext.TaskAccumulator
{
    private long id;
    private String name;

    protected Accumulator(long id, String name)
    {
        this.id = id;
        this.name = name;
    }

    public final long id()
    {
        return id;
    }

    public final String name()
    {
        return name;
    }

    public abstract void add(T value);

    /** On the driver, the merged value of all successful tasks so far; in a task, this task's part. */
    public abstract T value();

    /** Adds a task's part; on the driver. */
    public abstract void merge(Object taskValue);

    /** Sets the value to zero, for a new task-side copy. */
    protected abstract void reset();

    protected void writeState(Kryo kryo, Output output) {}

    protected void readState(Kryo kryo, Input input) {}

    @Override
    public Object taskValue()
    {
        return value();
    }

    @Override
    public final void write(Kryo kryo, Output output)
    {
        output.writeVarLong(id, true);
        output.writeString(name);
        writeState(kryo, output);
    }

    @Override
    public final void read(Kryo kryo, Input input)
    {
        id = input.readVarLong(true);
        name = input.readString();
        readState(kryo, input);
        reset();
        TaskContext.current().ifPresent(context -> context.registerAccumulator(id, this));
    }

    @Override
    public String toString()
    {
        return "Accumulator(" + name + "=" + value() + ")";
    }
}
