package io.tusk.mr.task;

import org.apache.hadoop.conf.Configurable;
import org.apache.hadoop.io.IntWritable;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.WritableComparator;
import org.apache.hadoop.io.WritableUtils;
import org.apache.hadoop.io.serializer.Deserializer;
import org.apache.hadoop.io.serializer.Serializer;
import org.apache.hadoop.util.ReflectionUtils;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * How map output keys and values become bytes and back. Hadoop's serialization, through its
 * streams; for the commonest types under Hadoop's {@code WritableSerialization} — exactly
 * {@code Text}, {@code IntWritable} and {@code LongWritable} — the same work done on the buffers
 * directly: the bytes its serializer writes, and the state its deserializer leaves in the object it
 * fills ({@code Text.readFields} is {@code Text.set} of the bytes after the length), without a
 * stream call per byte on the way. Bytes that the direct path cannot read whole (a corrupt length)
 * go to Hadoop's deserializer, which fails on them as it would anyway. Confined to one thread.
 */
final class RecordCodecs
{
    private static final String WRITABLE_SERIALIZER = "org.apache.hadoop.io.serializer.WritableSerialization$WritableSerializer";
    private static final String WRITABLE_DESERIALIZER = "org.apache.hadoop.io.serializer.WritableSerialization$WritableDeserializer";
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private RecordCodecs() {}

    /** Writes one record into the buffer it was made for. */
    @FunctionalInterface
    interface Writer
    {
        void write(Object record)
                throws IOException;
    }

    /** Fills {@code reuse} (a new object when null) from one record's bytes and returns it. */
    @FunctionalInterface
    interface Reader
    {
        Object read(Object reuse, byte[] buffer, int offset, int length)
                throws IOException;
    }

    /** Whether {@code serializer} is Hadoop's {@code WritableSerialization}'s, which calls {@code Writable.write}. */
    static boolean isWritableSerializer(Serializer<?> serializer)
    {
        return serializer.getClass().getName().equals(WRITABLE_SERIALIZER);
    }

    /** Writes records of {@code type} into {@code out} as {@code serializer} does; opens the serializer on {@code out}. */
    static Writer writer(Class<?> type, Serializer<Object> serializer, RecordOutput out)
            throws IOException
    {
        serializer.open(out);
        if (!isWritableSerializer(serializer)) {
            return serializer::serialize;
        }
        if (type == Text.class) {
            return record -> {
                Text text = (Text) record;
                int length = text.getLength();
                out.writeVInt(length);
                out.write(text.getBytes(), 0, length);
            };
        }
        if (type == IntWritable.class) {
            return record -> out.writeIntBigEndian(((IntWritable) record).get());
        }
        if (type == LongWritable.class) {
            return record -> out.writeLongBigEndian(((LongWritable) record).get());
        }
        return serializer::serialize;
    }

    /** Reads records of {@code type} as {@code deserializer} does; opens the deserializer on a stream of its own. */
    static Reader reader(Class<?> type, Deserializer<Object> deserializer)
            throws IOException
    {
        RecordInput input = new RecordInput();
        deserializer.open(input);
        Reader hadoops = (reuse, buffer, offset, length) -> {
            input.reset(buffer, offset, length);
            return deserializer.deserialize(reuse);
        };
        if (!deserializer.getClass().getName().equals(WRITABLE_DESERIALIZER) || !(deserializer instanceof Configurable configurable)) {
            return hadoops;
        }
        if (type == Text.class) {
            return (reuse, buffer, offset, length) -> {
                int size = length > 0 ? WritableUtils.decodeVIntSize(buffer[offset]) : Integer.MAX_VALUE;
                if (size <= length) {
                    long textLength = size == 1 ? buffer[offset] : WritableComparator.readVLong(buffer, offset);
                    if (textLength >= 0 && textLength <= length - size) {
                        Text text = reuse == null ? (Text) ReflectionUtils.newInstance(type, configurable.getConf()) : (Text) reuse;
                        text.set(buffer, offset + size, (int) textLength);
                        return text;
                    }
                }
                // bytes that are not one Text: Hadoop's own reading fails on them
                return hadoops.read(reuse, buffer, offset, length);
            };
        }
        if (type == IntWritable.class) {
            return (reuse, buffer, offset, length) -> {
                if (length < Integer.BYTES) {
                    return hadoops.read(reuse, buffer, offset, length);
                }
                IntWritable writable = reuse == null ? (IntWritable) ReflectionUtils.newInstance(type, configurable.getConf()) : (IntWritable) reuse;
                writable.set((int) INT.get(buffer, offset));
                return writable;
            };
        }
        if (type == LongWritable.class) {
            return (reuse, buffer, offset, length) -> {
                if (length < Long.BYTES) {
                    return hadoops.read(reuse, buffer, offset, length);
                }
                LongWritable writable = reuse == null ? (LongWritable) ReflectionUtils.newInstance(type, configurable.getConf()) : (LongWritable) reuse;
                writable.set((long) LONG.get(buffer, offset));
                return writable;
            };
        }
        return hadoops;
    }
}
