package io.tusk.engine.serde;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;

/** Checks on what serializers read before they size anything by it. */
public final class KryoInputs
{
    private KryoInputs() {}

    /**
     * Reads a count of items that each take at least a byte: a negative count, or one larger than the
     * bytes left of an input read from an array (task binaries, results), fails with a
     * {@link KryoException} instead of sizing an array by a corrupt number.
     */
    public static int readCount(Input input, String what)
    {
        int count = input.readVarInt(true);
        if (count < 0 || (input.getInputStream() == null && count > input.limit() - input.position())) {
            throw new KryoException("Corrupt serialized data: " + count + " " + what + " where " + (input.limit() - input.position()) + " bytes are left");
        }
        return count;
    }
}
