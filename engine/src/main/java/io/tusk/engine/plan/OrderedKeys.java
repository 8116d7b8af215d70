package io.tusk.engine.plan;

import com.esotericsoftware.kryo.io.Output;
import io.tusk.engine.serde.SerdeSession;
import io.tusk.engine.shuffle.RawComparator;
import io.tusk.engine.shuffle.SortOrder;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;

/**
 * Keys written so that their bytes sort in the keys' order, compared without deserializing:
 * a type tag, then an order-preserving encoding of {@code Integer}, {@code Long}, {@code Short},
 * {@code Byte}, {@code Double}, {@code Float}, {@code Boolean}, {@code Character} and {@code String}
 * (as UTF-16 code units, which is {@code String.compareTo} order). Other keys, and all keys when a
 * comparator is given, are written in their Kryo form and compared after deserializing.
 */
public final class OrderedKeys
        implements ShuffleKeys
{
    private static final byte NULL = 0x01;
    private static final byte BOOLEAN = 0x10;
    private static final byte BYTE = 0x20;
    private static final byte SHORT = 0x21;
    private static final byte INT = 0x22;
    private static final byte LONG = 0x23;
    private static final byte FLOAT = 0x30;
    private static final byte DOUBLE = 0x31;
    private static final byte CHAR = 0x40;
    private static final byte STRING = 0x41;
    private static final byte OTHER = 0x7F;

    private final boolean ascending;
    private final Comparator<Object> comparator;

    /** @param comparator the order of keys; null for their natural order */
    public OrderedKeys(boolean ascending, Comparator<Object> comparator)
    {
        this.ascending = ascending;
        this.comparator = comparator;
    }

    @Override
    public void write(SerdeSession session, Output output, Object key)
    {
        if (comparator != null) {
            output.writeByte(OTHER);
            session.write(output, key);
            return;
        }
        if (key == null) {
            output.writeByte(NULL);
        }
        else if (key instanceof Integer value) {
            output.writeByte(INT);
            writeInt(output, value ^ Integer.MIN_VALUE);
        }
        else if (key instanceof Long value) {
            output.writeByte(LONG);
            writeLong(output, value ^ Long.MIN_VALUE);
        }
        else if (key instanceof String value) {
            output.writeByte(STRING);
            int length = value.length();
            for (int i = 0; i < length; i++) {
                writeChar(output, value.charAt(i));
            }
        }
        else if (key instanceof Double value) {
            output.writeByte(DOUBLE);
            writeLong(output, sortableBits(Double.doubleToLongBits(value)));
        }
        else if (key instanceof Float value) {
            output.writeByte(FLOAT);
            int bits = Float.floatToIntBits(value);
            writeInt(output, bits < 0 ? ~bits : bits ^ Integer.MIN_VALUE);
        }
        else if (key instanceof Short value) {
            output.writeByte(SHORT);
            writeChar(output, (char) (value ^ Short.MIN_VALUE));
        }
        else if (key instanceof Byte value) {
            output.writeByte(BYTE);
            output.writeByte(value ^ Byte.MIN_VALUE);
        }
        else if (key instanceof Boolean value) {
            output.writeByte(BOOLEAN);
            output.writeByte(value ? 1 : 0);
        }
        else if (key instanceof Character value) {
            output.writeByte(CHAR);
            writeChar(output, value);
        }
        else {
            output.writeByte(OTHER);
            session.write(output, key);
        }
    }

    // Kryo's Output writes little-endian; order-preserving encodings need big-endian

    private static void writeInt(Output output, int value)
    {
        output.writeByte(value >>> 24);
        output.writeByte(value >>> 16);
        output.writeByte(value >>> 8);
        output.writeByte(value);
    }

    private static void writeLong(Output output, long value)
    {
        writeInt(output, (int) (value >>> 32));
        writeInt(output, (int) value);
    }

    private static void writeChar(Output output, char value)
    {
        output.writeByte(value >>> 8);
        output.writeByte(value);
    }

    private static long sortableBits(long bits)
    {
        return bits < 0 ? ~bits : bits ^ Long.MIN_VALUE;
    }

    private static long unsortableBits(long sortable)
    {
        return sortable < 0 ? sortable ^ Long.MIN_VALUE : ~sortable;
    }

    @Override
    public Object read(SerdeSession session, byte[] buffer, int offset, int length)
    {
        byte tag = buffer[offset];
        int at = offset + 1;
        return switch (tag) {
            case NULL -> null;
            case INT -> readInt(buffer, at) ^ Integer.MIN_VALUE;
            case LONG -> readLong(buffer, at) ^ Long.MIN_VALUE;
            case STRING -> {
                char[] chars = new char[(length - 1) / 2];
                for (int i = 0; i < chars.length; i++) {
                    chars[i] = (char) (((buffer[at + 2 * i] & 0xFF) << 8) | (buffer[at + 2 * i + 1] & 0xFF));
                }
                yield new String(chars);
            }
            case DOUBLE -> Double.longBitsToDouble(unsortableBits(readLong(buffer, at)));
            case FLOAT -> {
                int sortable = readInt(buffer, at);
                yield Float.intBitsToFloat(sortable < 0 ? sortable ^ Integer.MIN_VALUE : ~sortable);
            }
            case SHORT -> (short) ((((buffer[at] & 0xFF) << 8) | (buffer[at + 1] & 0xFF)) ^ Short.MIN_VALUE);
            case BYTE -> (byte) (buffer[at] ^ Byte.MIN_VALUE);
            case BOOLEAN -> buffer[at] != 0;
            case CHAR -> (char) (((buffer[at] & 0xFF) << 8) | (buffer[at + 1] & 0xFF));
            case OTHER -> session.read(buffer, at, length - 1);
            default -> throw new IllegalStateException("Unknown key tag " + tag + "; the shuffle data is corrupt");
        };
    }

    private static int readInt(byte[] buffer, int at)
    {
        return ((buffer[at] & 0xFF) << 24) | ((buffer[at + 1] & 0xFF) << 16) | ((buffer[at + 2] & 0xFF) << 8) | (buffer[at + 3] & 0xFF);
    }

    private static long readLong(byte[] buffer, int at)
    {
        return ((long) readInt(buffer, at) << 32) | (readInt(buffer, at + 4) & 0xFFFF_FFFFL);
    }

    @Override
    public int prefix(Object key, byte[] bytes, int offset, int length)
    {
        int prefix;
        if (comparator != null || bytes[offset] == OTHER) {
            prefix = OTHER << 24;
        }
        else {
            prefix = 0;
            for (int i = 0; i < 4; i++) {
                prefix <<= 8;
                if (i < length) {
                    prefix |= bytes[offset + i] & 0xFF;
                }
            }
        }
        return ascending ? prefix : ~prefix;
    }

    @Override
    public SortOrder order(SerdeSession session)
    {
        RawComparator raw = ascending
                ? (left, leftOffset, leftLength, right, rightOffset, rightLength) -> compareKeys(session, left, leftOffset, leftLength, right, rightOffset, rightLength)
                : (left, leftOffset, leftLength, right, rightOffset, rightLength) -> compareKeys(session, right, rightOffset, rightLength, left, leftOffset, leftLength);
        return SortOrder.sorted(raw);
    }

    @SuppressWarnings("unchecked")
    private int compareKeys(SerdeSession session, byte[] left, int leftOffset, int leftLength, byte[] right, int rightOffset, int rightLength)
    {
        byte leftTag = left[leftOffset];
        byte rightTag = right[rightOffset];
        if (leftTag != OTHER || rightTag != OTHER) {
            if (leftTag != rightTag) {
                return Byte.compare(leftTag, rightTag);
            }
            return RawComparator.compareBytes(left, leftOffset + 1, leftLength - 1, right, rightOffset + 1, rightLength - 1);
        }
        Object leftKey = session.read(left, leftOffset + 1, leftLength - 1);
        Object rightKey = session.read(right, rightOffset + 1, rightLength - 1);
        if (comparator != null) {
            return comparator.compare(leftKey, rightKey);
        }
        return ((Comparable<Object>) leftKey).compareTo(rightKey);
    }

    @Override
    public boolean sorted()
    {
        return true;
    }

    @Override
    public String describe()
    {
        return (ascending ? "ascending" : "descending") + (comparator == null ? "" : " by " + comparator.getClass().getSimpleName());
    }
}
