package io.tusk.engine.plan;

import com.esotericsoftware.kryo.io.Output;
import io.tusk.engine.serde.KryoSerde;
import io.tusk.engine.serde.SerdeSession;
import io.tusk.engine.shuffle.SortOrder;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class OrderedKeysTest
{
    private final KryoSerde serde = new KryoSerde();

    @Test
    void bytesSortLikeTheKeys()
    {
        Random random = new Random(7);
        List<Object> ints = new ArrayList<>(List.of(Integer.MIN_VALUE, -1, 0, 1, Integer.MAX_VALUE));
        List<Object> longs = new ArrayList<>(List.of(Long.MIN_VALUE, -5L, 0L, 5L, Long.MAX_VALUE));
        List<Object> doubles = new ArrayList<>(List.of(Double.NEGATIVE_INFINITY, -2.5, -0.0, 0.0, 1e-300, 3.5, Double.POSITIVE_INFINITY));
        List<Object> strings = new ArrayList<>(List.of("", "a", "ab", "b", "\uD83D\uDE00", "\uFFFF", "Z"));
        List<Object> dates = new ArrayList<>(List.of(LocalDate.of(2020, 1, 1), LocalDate.of(1999, 12, 31), LocalDate.of(2020, 1, 2)));
        for (int i = 0; i < 200; i++) {
            ints.add(random.nextInt());
            longs.add(random.nextLong());
            doubles.add(random.nextGaussian() * 1e6);
            strings.add(Long.toString(random.nextLong(), 36));
        }
        for (List<Object> keys : List.of(ints, longs, doubles, strings, dates)) {
            assertOrderedLikeNatural(keys, true);
            assertOrderedLikeNatural(keys, false);
        }
    }

    @Test
    void roundTripsEveryEncodedType()
    {
        OrderedKeys keys = new OrderedKeys(true, null);
        try (SerdeSession session = serde.openSession()) {
            for (Object key : Arrays.asList(null, 42, -42L, "héllo", 2.5, 1.5f, (short) -3, (byte) 7, true, 'x', LocalDate.of(2001, 2, 3))) {
                byte[] bytes = encode(keys, session, key);
                assertThat(keys.read(session, bytes, 0, bytes.length)).isEqualTo(key);
            }
        }
    }

    @Test
    void customComparatorOrdersByComparator()
    {
        Comparator<Object> byLength = Comparator.comparingInt(value -> ((String) value).length());
        List<Object> words = new ArrayList<>(List.of("ccc", "a", "bb", "dddd"));
        OrderedKeys keys = new OrderedKeys(true, byLength);
        assertThat(sortByBytes(keys, words)).containsExactly("a", "bb", "ccc", "dddd");
    }

    @SuppressWarnings("unchecked")
    private void assertOrderedLikeNatural(List<Object> keys, boolean ascending)
    {
        List<Object> expected = new ArrayList<>(keys);
        Comparator<Object> natural = (left, right) -> ((Comparable<Object>) left).compareTo(right);
        expected.sort(ascending ? natural : natural.reversed());
        assertThat(sortByBytes(new OrderedKeys(ascending, null), keys)).containsExactlyElementsOf(expected);
    }

    private List<Object> sortByBytes(OrderedKeys keys, List<Object> values)
    {
        try (SerdeSession session = serde.openSession()) {
            SortOrder order = keys.order(session);
            List<byte[]> encoded = new ArrayList<>();
            for (Object value : values) {
                encoded.add(encode(keys, session, value));
            }
            encoded.sort((left, right) -> order.compare(
                    keys.prefix(null, left, 0, left.length), left, 0, left.length,
                    keys.prefix(null, right, 0, right.length), right, 0, right.length));
            List<Object> sorted = new ArrayList<>();
            for (byte[] bytes : encoded) {
                sorted.add(keys.read(session, bytes, 0, bytes.length));
            }
            return sorted;
        }
    }

    private static byte[] encode(OrderedKeys keys, SerdeSession session, Object key)
    {
        Output output = new Output(64, -1);
        keys.write(session, output, key);
        return output.toBytes();
    }
}
