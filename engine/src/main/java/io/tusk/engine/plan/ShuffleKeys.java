package io.tusk.engine.plan;

import com.esotericsoftware.kryo.io.Output;
import io.tusk.engine.serde.SerdeSession;
import io.tusk.engine.shuffle.SortOrder;

/**
 * How a dataset shuffle writes, orders and reads its keys. Immutable; travels to tasks through the
 * serde. The methods are called on the task's thread with the task's serde session.
 */
public interface ShuffleKeys
{
    void write(SerdeSession session, Output output, Object key);

    Object read(SerdeSession session, byte[] buffer, int offset, int length);

    /** The 32-bit sort prefix of a key, from the key or its bytes. */
    int prefix(Object key, byte[] bytes, int offset, int length);

    SortOrder order(SerdeSession session);

    /** True when records come out ordered by key and equal keys are adjacent. */
    boolean sorted();

    String describe();
}
