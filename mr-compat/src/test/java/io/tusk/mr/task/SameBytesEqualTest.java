package io.tusk.mr.task;

import org.apache.hadoop.io.RawComparator;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.WritableComparator;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class SameBytesEqualTest
{
    /** Calls keys equal by their first byte (a grouping comparator coarser than the bytes), counting its calls. */
    private static final class FirstByte
            implements RawComparator<Object>
    {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public int compare(byte[] b1, int s1, int l1, byte[] b2, int s2, int l2)
        {
            calls.incrementAndGet();
            return Byte.compare(b1[s1], b2[s2]);
        }

        @Override
        public int compare(Object first, Object second)
        {
            return 0;
        }
    }

    @Test
    void sameBytesAreEqualWithoutTheJobsComparatorAndOtherPairsAskIt()
    {
        FirstByte job = new FirstByte();
        RawComparator<Object> grouping = SameBytesEqual.wrap(job);
        byte[] a = "xxabcyy".getBytes(StandardCharsets.UTF_8);
        byte[] b = "abc".getBytes(StandardCharsets.UTF_8);
        byte[] c = "abd".getBytes(StandardCharsets.UTF_8);
        byte[] d = "bbc".getBytes(StandardCharsets.UTF_8);

        assertThat(grouping.compare(a, 2, 3, b, 0, 3)).isZero();
        assertThat(job.calls).hasValue(0);
        // other bytes: the job's comparator decides, even to call them equal
        assertThat(grouping.compare(b, 0, 3, c, 0, 3)).isZero();
        assertThat(grouping.compare(b, 0, 3, d, 0, 3)).isNegative();
        assertThat(grouping.compare(b, 0, 2, b, 0, 3)).isZero();
        assertThat(job.calls).hasValue(3);
    }

    @Test
    void ordersAsTheWrappedComparator()
    {
        RawComparator<Object> grouping = SameBytesEqual.wrap(WritableComparator.get(Text.class));
        byte[] apple = serialized("apple");
        byte[] pear = serialized("pear");
        assertThat(grouping.compare(apple, 0, apple.length, pear, 0, pear.length)).isNegative();
        assertThat(grouping.compare(pear, 0, pear.length, apple, 0, apple.length)).isPositive();
        assertThat(grouping.compare(new Text("b"), new Text("a"))).isPositive();
    }

    private static byte[] serialized(String text)
    {
        org.apache.hadoop.io.DataOutputBuffer out = new org.apache.hadoop.io.DataOutputBuffer();
        try {
            new Text(text).write(out);
        }
        catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return java.util.Arrays.copyOf(out.getData(), out.getLength());
    }
}
