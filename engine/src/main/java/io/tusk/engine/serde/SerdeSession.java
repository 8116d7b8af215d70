package io.tusk.engine.serde;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

/**
 * A Kryo instance with reusable input and output, borrowed from a {@link Serde} by one thread for
 * the duration of a task. Not thread-safe.
 */
public final class SerdeSession
        implements AutoCloseable
{
    private final KryoSerde owner;
    private final Kryo kryo;
    private final Input input = new Input();

    SerdeSession(KryoSerde owner, Kryo kryo)
    {
        this.owner = owner;
        this.kryo = kryo;
    }

    public Kryo kryo()
    {
        return kryo;
    }

    /** Writes the object with its class. */
    public void write(Output output, Object value)
    {
        kryo.writeClassAndObject(output, value);
    }

    /** Reads an object written by {@link #write} from {@code length} bytes of {@code buffer} at {@code offset}. */
    public Object read(byte[] buffer, int offset, int length)
    {
        input.setBuffer(buffer, offset, length);
        return kryo.readClassAndObject(input);
    }

    public Object read(Input input)
    {
        return kryo.readClassAndObject(input);
    }

    @Override
    public void close()
    {
        owner.release(kryo);
    }
}
