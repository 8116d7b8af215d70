package io.tusk.engine.shuffle;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class ByteArraysTest
{
    @Test
    void equalRangesAreThoseArraysEqualsCallsEqual()
    {
        Random random = new Random(3);
        for (int length = 0; length <= 70; length++) {
            for (int aFrom : new int[] {0, 1, 5}) {
                for (int bFrom : new int[] {0, 3, 8}) {
                    byte[] a = new byte[aFrom + length + 9];
                    random.nextBytes(a);
                    byte[] b = new byte[bFrom + length + 2];
                    random.nextBytes(b);
                    System.arraycopy(a, aFrom, b, bFrom, length);
                    assertThat(ByteArrays.equal(a, aFrom, b, bFrom, length)).isTrue();
                    // a difference at each position, bytes around the ranges aside
                    for (int at = 0; at < length; at++) {
                        b[bFrom + at] ^= (byte) (1 << random.nextInt(8));
                        assertThat(ByteArrays.equal(a, aFrom, b, bFrom, length)).as("length %s, differing at %s", length, at).isFalse();
                        assertThat(Arrays.equals(a, aFrom, aFrom + length, b, bFrom, bFrom + length)).isFalse();
                        b[bFrom + at] = a[aFrom + at];
                    }
                    assertThat(ByteArrays.equal(a, aFrom, b, bFrom, length)).isTrue();
                }
            }
        }
    }
}
