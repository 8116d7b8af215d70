package io.tusk.engine.shuffle;

import io.tusk.engine.memory.MemoryConsumer;
import io.tusk.engine.memory.MemoryManager;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a combiner sees of the records a {@link CombineBuffer} gathered, against a model that keeps
 * every record: each key of a partition once, with all its values in the order they came, over
 * many pages, after drains that keep or give back the memory, and when memory runs out midway.
 */
class CombineBufferTest
{
    private static final MemoryConsumer OWNER = () -> "test";

    /** A record as the model keeps it. */
    private record Record(int partition, String key, String value) {}

    /** One key as the combiner saw it. */
    private record Seen(int partition, String key, int prefix, List<String> values, boolean sameKeyFlagsRight) {}

    @Test
    void eachKeysValuesComeTogetherInTheOrderTheyCame()
            throws IOException
    {
        for (boolean keepsMemory : new boolean[] {true, false}) {
            MemoryManager memory = new MemoryManager(64 << 20);
            CombineBuffer buffer = new CombineBuffer(3, memory, OWNER, 4096, 64, keepsMemory);
            Random random = new Random(keepsMemory ? 1 : 2);
            for (int round = 0; round < 4; round++) {
                // fewer records in later rounds: what an earlier, longer fill left in kept pages must not come back
                int count = 3000 - round * 700;
                List<Record> added = fill(buffer, random, count);
                assertThat(buffer.records()).isEqualTo(count);
                assertThat(drained(buffer)).as("round %s, keeps memory %s", round, keepsMemory).isEqualTo(expected(added));
                assertThat(buffer.isEmpty()).isTrue();
            }
            buffer.clear();
            assertThat(memory.used()).isZero();
        }
    }

    @Test
    void movedRecordsComeKeyByKeyInTheOrderKeysFirstCame()
            throws IOException
    {
        MemoryManager memory = new MemoryManager(64 << 20);
        CombineBuffer buffer = new CombineBuffer(3, memory, OWNER, 1024, 4096, true);
        List<Record> added = fill(buffer, new Random(3), 2000);
        List<Record> moved = new ArrayList<>();
        buffer.moveTo(partition -> (prefix, key, keyOffset, keyLength, value, valueOffset, valueLength) -> moved.add(
                new Record(partition, string(key, keyOffset, keyLength), string(value, valueOffset, valueLength))));

        Map<Record, List<Record>> byKey = new LinkedHashMap<>();
        for (Record record : added) {
            byKey.computeIfAbsent(new Record(record.partition(), record.key(), ""), ignored -> new ArrayList<>()).add(record);
        }
        assertThat(moved).isEqualTo(byKey.values().stream().flatMap(List::stream).toList());
        assertThat(buffer.isEmpty()).isTrue();
        assertThat(memory.used()).as("moving gives the memory back").isZero();
    }

    @Test
    void aRecordRefusedForWantOfMemoryIsNotAddedAndTheRestDrainWhole()
            throws IOException
    {
        // room for a few pages beside the arrays
        MemoryManager memory = new MemoryManager(32 << 10);
        CombineBuffer buffer = new CombineBuffer(1, memory, OWNER, 4096, 64, false);
        Random random = new Random(4);
        List<Record> added = new ArrayList<>();
        boolean refused = false;
        for (int i = 0; i < 5000 && !refused; i++) {
            Record record = record(random);
            byte[] key = bytes(record.key());
            byte[] value = bytes(record.value());
            if (buffer.add(0, prefix(record.key()), key, 0, key.length, value, 0, value.length)) {
                added.add(new Record(0, record.key(), record.value()));
            }
            else {
                refused = true;
            }
        }
        assertThat(refused).isTrue();
        assertThat(added).hasSizeGreaterThan(100);
        assertThat(buffer.records()).isEqualTo(added.size());
        assertThat(drained(buffer)).isEqualTo(expected(added));
        assertThat(memory.used()).isZero();
    }

    /** Adds {@code count} records, each taken. */
    private static List<Record> fill(CombineBuffer buffer, Random random, int count)
    {
        List<Record> added = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Record record = record(random);
            byte[] key = bytes(record.key());
            assertThat(buffer.add(record.partition(), prefix(record.key()), key, 0, key.length, padded(record.value()), 3, bytes(record.value()).length)).isTrue();
            added.add(record);
        }
        return added;
    }

    private static Record record(Random random)
    {
        // keys of several lengths, the empty key among them; values of 0 to 300 bytes
        int key = random.nextInt(random.nextInt(10) == 0 ? 400 : 40);
        String value = "v" + random.nextInt(1_000_000) + "x".repeat(random.nextInt(8) == 0 ? random.nextInt(300) : random.nextInt(4));
        return new Record(random.nextInt(3), key == 0 ? "" : "k" + key + "-".repeat(key % 7), random.nextInt(20) == 0 ? "" : value);
    }

    private static List<Seen> drained(CombineBuffer buffer)
            throws IOException
    {
        List<Seen> seen = new ArrayList<>();
        buffer.drain((partition, input, output) -> {
            Seen key = null;
            while (input.next()) {
                String name = string(input.keyBuffer(), input.keyOffset(), input.keyLength());
                String value = string(input.valueBuffer(), input.valueOffset(), input.valueLength());
                if (key != null && key.key().equals(name)) {
                    key.values().add(value);
                    if (!input.sameKeyAsPrevious()) {
                        key = new Seen(key.partition(), key.key(), key.prefix(), key.values(), false);
                        seen.set(seen.size() - 1, key);
                    }
                }
                else {
                    key = new Seen(partition, name, input.prefix(), new ArrayList<>(List.of(value)), !input.sameKeyAsPrevious());
                    seen.add(key);
                }
            }
        }, true, true, partition -> (prefix, key, keyOffset, keyLength, value, valueOffset, valueLength) -> {});
        // keys come in no particular order within a partition
        seen.sort((a, b) -> a.partition() != b.partition() ? Integer.compare(a.partition(), b.partition()) : a.key().compareTo(b.key()));
        return seen;
    }

    private static List<Seen> expected(List<Record> added)
    {
        Map<Record, Seen> keys = new LinkedHashMap<>();
        for (Record record : added) {
            keys.computeIfAbsent(new Record(record.partition(), record.key(), ""),
                    ignored -> new Seen(record.partition(), record.key(), prefix(record.key()), new ArrayList<>(), true)).values().add(record.value());
        }
        List<Seen> seen = new ArrayList<>(keys.values());
        seen.sort((a, b) -> a.partition() != b.partition() ? Integer.compare(a.partition(), b.partition()) : a.key().compareTo(b.key()));
        return seen;
    }

    private static int prefix(String key)
    {
        return key.hashCode();
    }

    private static byte[] bytes(String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The value's bytes at offset 3 of a larger array. */
    private static byte[] padded(String value)
    {
        byte[] bytes = bytes(value);
        byte[] padded = new byte[bytes.length + 5];
        Arrays.fill(padded, (byte) '#');
        System.arraycopy(bytes, 0, padded, 3, bytes.length);
        return padded;
    }

    private static String string(byte[] bytes, int offset, int length)
    {
        return new String(bytes, offset, length, StandardCharsets.UTF_8);
    }
}
