package io.tusk.engine.plan;

import com.esotericsoftware.kryo.io.Output;
import io.tusk.engine.serde.SerdeSession;
import io.tusk.engine.shuffle.SortOrder;

/**
 * Keys in their Kryo form, ordered by {@code hashCode()} only: equal keys end up in one run of
 * records with the same hash, which readers group with {@code equals}.
 */
public final class HashedKeys
        implements ShuffleKeys
{
    public static final HashedKeys INSTANCE = new HashedKeys();

    @Override
    public void write(SerdeSession session, Output output, Object key)
    {
        session.write(output, key);
    }

    @Override
    public Object read(SerdeSession session, byte[] buffer, int offset, int length)
    {
        return session.read(buffer, offset, length);
    }

    @Override
    public int prefix(Object key, byte[] bytes, int offset, int length)
    {
        return key == null ? 0 : key.hashCode();
    }

    @Override
    public SortOrder order(SerdeSession session)
    {
        return SortOrder.hashed();
    }

    @Override
    public boolean sorted()
    {
        return false;
    }

    @Override
    public String describe()
    {
        return "hashed";
    }
}
