package io.tusk.mr.task;

import io.tusk.engine.shuffle.SortOrder;
import org.apache.hadoop.io.DataOutputBuffer;
import org.apache.hadoop.io.IntWritable;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.WritableComparable;
import org.apache.hadoop.io.WritableComparator;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class KeyPrefixTest
{
    /**
     * The longs of int and long keys order them as Hadoop's registered comparators do, extremes and
     * signs included, and are equal only for equal keys; other comparators, the decreasing one among
     * them, have none.
     */
    @Test
    void intAndLongKeysAreOrderedByTheirLongsAsByHadoopsComparators()
            throws IOException
    {
        Random random = new Random(5);
        long[] extremes = {Long.MIN_VALUE, Long.MIN_VALUE + 1, Integer.MIN_VALUE, -1, 0, 1, Integer.MAX_VALUE, Long.MAX_VALUE};
        for (int i = 0; i < 2_000; i++) {
            long left = i < 64 ? extremes[i % 8] : random.nextLong() >> random.nextInt(64);
            long right = i < 64 ? extremes[i / 8] : random.nextInt(4) == 0 ? left : random.nextLong() >> random.nextInt(64);
            assertSameOrder(new IntWritable((int) left), new IntWritable((int) right));
            assertSameOrder(new LongWritable(left), new LongWritable(right));
        }
        assertThat(KeyPrefix.longKeys(WritableComparator.get(Text.class))).isEmpty();
        assertThat(KeyPrefix.longKeys(new LongWritable.DecreasingComparator())).isEmpty();
    }

    private static void assertSameOrder(WritableComparable<?> left, WritableComparable<?> right)
            throws IOException
    {
        WritableComparator comparator = WritableComparator.get(left.getClass().asSubclass(WritableComparable.class));
        SortOrder.LongKeys keys = KeyPrefix.longKeys(comparator).orElseThrow();
        byte[] leftBytes = bytes(left);
        byte[] rightBytes = bytes(right);
        assertThat(leftBytes).hasSize(keys.keyLength());
        // keys at an offset in a larger buffer, as in a page
        byte[] page = new byte[3 + leftBytes.length + rightBytes.length];
        System.arraycopy(leftBytes, 0, page, 3, leftBytes.length);
        System.arraycopy(rightBytes, 0, page, 3 + leftBytes.length, rightBytes.length);
        int expected = Integer.signum(comparator.compare(page, 3, leftBytes.length, page, 3 + leftBytes.length, rightBytes.length));
        assertThat(Integer.signum(Long.compare(keys.read(page, 3), keys.read(page, 3 + leftBytes.length)))).as("%s against %s", left, right).isEqualTo(expected);
    }

    private static byte[] bytes(WritableComparable<?> key)
            throws IOException
    {
        DataOutputBuffer out = new DataOutputBuffer();
        key.write(out);
        return java.util.Arrays.copyOf(out.getData(), out.getLength());
    }
}
