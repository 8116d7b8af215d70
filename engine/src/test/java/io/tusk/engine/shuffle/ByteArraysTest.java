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

    @Test
    void copiesWriteTheRangeAndNothingAroundIt()
    {
        Random random = new Random(5);
        for (int length = 0; length <= 70; length++) {
            for (int fromOffset : new int[] {0, 1, 6}) {
                for (int toOffset : new int[] {0, 3, 8}) {
                    byte[] from = new byte[fromOffset + length + 2];
                    random.nextBytes(from);
                    byte[] to = new byte[toOffset + length + 9];
                    random.nextBytes(to);
                    byte[] expected = to.clone();
                    System.arraycopy(from, fromOffset, expected, toOffset, length);

                    ByteArrays.copy(from, fromOffset, to, toOffset, length);

                    assertThat(to).as("length %s from %s to %s", length, fromOffset, toOffset).isEqualTo(expected);
                }
            }
        }
    }

    /** Equal ranges hash alike wherever they lie; any one changed byte, or the seed, changes the hash. */
    @Test
    void hashesDependOnEveryByteOfTheRangeAndTheSeedOnly()
    {
        Random random = new Random(5);
        for (int length = 0; length <= 40; length++) {
            byte[] a = new byte[length + 9];
            random.nextBytes(a);
            byte[] b = new byte[length + 3];
            random.nextBytes(b);
            System.arraycopy(a, 7, b, 1, length);
            int hash = ByteArrays.hash(3, a, 7, length);
            assertThat(ByteArrays.hash(3, b, 1, length)).as("length %s", length).isEqualTo(hash);
            assertThat(ByteArrays.hash(4, b, 1, length)).as("another seed, length %s", length).isNotEqualTo(hash);
            for (int at = 0; at < length; at++) {
                b[1 + at] ^= (byte) (1 << random.nextInt(8));
                assertThat(ByteArrays.hash(3, b, 1, length)).as("length %s, differing at %s", length, at).isNotEqualTo(hash);
                b[1 + at] = a[7 + at];
            }
        }
    }

    /** Short keys that differ little spread over the low bits, which index a table. */
    @Test
    void similarShortKeysSpreadOverTheLowBits()
    {
        java.util.Set<Integer> buckets = new java.util.HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            byte[] key = ("w" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            buckets.add(ByteArrays.hash(0, key, 0, key.length) & ((1 << 14) - 1));
        }
        // 10,000 keys thrown at random into 16,384 buckets fill about 7,500
        assertThat(buckets.size()).isGreaterThan(7_000);
    }
}
