package io.tusk.mr.task;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.BooleanWritable;
import org.apache.hadoop.io.DataInputBuffer;
import org.apache.hadoop.io.DataOutputBuffer;
import org.apache.hadoop.io.IntWritable;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.Writable;
import org.apache.hadoop.io.serializer.Deserializer;
import org.apache.hadoop.io.serializer.SerializationFactory;
import org.apache.hadoop.io.serializer.Serializer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordCodecsTest
{
    private static final SerializationFactory SERIALIZATION = new SerializationFactory(new Configuration(false));

    @Test
    void writesTheBytesOfHadoopsSerializerForEveryType()
            throws IOException
    {
        Random random = new Random(7);
        List<Writable> records = new ArrayList<>();
        for (int length : new int[] {0, 1, 7, 127, 128, 255, 300, 70_000}) {
            records.add(new Text(randomString(random, length)));
        }
        records.add(new Text("é日本語 tusk"));
        for (int value : new int[] {0, 1, -1, 127, -112, -113, Integer.MAX_VALUE, Integer.MIN_VALUE, random.nextInt()}) {
            records.add(new IntWritable(value));
            records.add(new LongWritable(value));
        }
        records.add(new LongWritable(Long.MAX_VALUE));
        records.add(new LongWritable(Long.MIN_VALUE));
        records.add(new BooleanWritable(true));
        for (Writable record : records) {
            assertThat(written(record)).as("%s %s", record.getClass().getSimpleName(), record).isEqualTo(hadoopsBytes(record));
        }
    }

    @Test
    void readsWhatHadoopsDeserializerReadsIntoTheSameObject()
            throws IOException
    {
        Random random = new Random(11);
        for (Writable record : new Writable[] {new Text(""), new Text("word"), new Text(randomString(random, 128)), new Text(randomString(random, 200)),
                new Text(randomString(random, 70_000)), new Text("é日本語"),
                new IntWritable(-42), new IntWritable(Integer.MIN_VALUE), new LongWritable(Long.MAX_VALUE), new LongWritable(-1), new BooleanWritable(true)}) {
            byte[] bytes = hadoopsBytes(record);
            // at an offset within a larger buffer, with bytes after the record
            byte[] buffer = new byte[bytes.length + 10];
            Arrays.fill(buffer, (byte) 0x55);
            System.arraycopy(bytes, 0, buffer, 4, bytes.length);
            RecordCodecs.Reader reader = reader(record.getClass());

            Object fresh = reader.read(null, buffer, 4, bytes.length);
            assertThat(fresh).isInstanceOf(record.getClass()).isEqualTo(record);
            // a reused object is filled, not replaced, and holds nothing of its previous value
            Writable reused = reusable(record);
            Object read = reader.read(reused, buffer, 4, bytes.length);
            assertThat(read).isSameAs(reused).isEqualTo(record);
            assertThat(hadoopsBytes((Writable) read)).isEqualTo(bytes);
        }
    }

    @Test
    void aCorruptTextLengthFailsAsInHadoop()
            throws IOException
    {
        RecordCodecs.Reader reader = reader(Text.class);
        // a length of 9 with 3 bytes after it; negative lengths of one and two bytes; a two-byte length cut off;
        // a length of 2^32, beyond an int
        for (byte[] corrupt : new byte[][] {{9, 'a', 'b', 'c'}, {-5, 'a'}, {-121, 0x7f, 'a'}, {-113}, {-117, 1, 0, 0, 0, 0, 'a'}}) {
            Class<? extends Throwable> hadoops = failure(corrupt);
            assertThat(hadoops).as("Hadoop fails on %s", Arrays.toString(corrupt)).isNotNull();
            assertThatThrownBy(() -> reader.read(new Text("x"), corrupt, 0, corrupt.length)).isExactlyInstanceOf(hadoops);
        }
        // too few bytes for a number
        assertThatThrownBy(() -> reader(IntWritable.class).read(null, new byte[] {1, 2}, 0, 2)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> reader(LongWritable.class).read(null, new byte[] {1, 2, 3, 4}, 0, 4)).isInstanceOf(IOException.class);
    }

    private static Class<? extends Throwable> failure(byte[] bytes)
    {
        DataInputBuffer in = new DataInputBuffer();
        in.reset(bytes, bytes.length);
        try {
            new Text("x").readFields(in);
            return null;
        }
        catch (Throwable e) {
            return e.getClass();
        }
    }

    @SuppressWarnings("unchecked")
    private static byte[] written(Writable record)
            throws IOException
    {
        RecordOutput out = new RecordOutput();
        RecordCodecs.Writer writer = RecordCodecs.writer(record.getClass(), (Serializer<Object>) (Serializer<?>) SERIALIZATION.getSerializer(record.getClass()), out);
        // twice, after a reset: the buffer is reused record after record
        writer.write(record);
        out.reset();
        writer.write(record);
        assertThat(out.size()).as("the stream's count of bytes written").isEqualTo(out.length());
        return Arrays.copyOf(out.data(), out.length());
    }

    @SuppressWarnings("unchecked")
    private static RecordCodecs.Reader reader(Class<?> type)
            throws IOException
    {
        return RecordCodecs.reader(type, (Deserializer<Object>) (Deserializer<?>) SERIALIZATION.getDeserializer(type));
    }

    private static byte[] hadoopsBytes(Writable record)
            throws IOException
    {
        DataOutputBuffer out = new DataOutputBuffer();
        record.write(out);
        return Arrays.copyOf(out.getData(), out.getLength());
    }

    private static Writable reusable(Writable record)
    {
        if (record instanceof Text) {
            return new Text("a previous value, longer than most");
        }
        if (record instanceof IntWritable) {
            return new IntWritable(99);
        }
        if (record instanceof LongWritable) {
            return new LongWritable(99);
        }
        return new BooleanWritable(false);
    }

    private static String randomString(Random random, int length)
    {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append((char) ('a' + random.nextInt(26)));
        }
        return text.toString();
    }
}
