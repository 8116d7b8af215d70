package io.tusk.engine.plan;

import com.esotericsoftware.kryo.io.Output;
import io.tusk.engine.dataset.Pair;
import io.tusk.engine.serde.SerdeSession;
import io.tusk.engine.shuffle.RecordCursor;
import io.tusk.engine.shuffle.RecordSink;
import io.tusk.engine.shuffle.SortOrder;
import io.tusk.engine.task.UserCodeException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;

import static java.util.Objects.requireNonNull;

/**
 * Reads a sorted run of a dataset shuffle by key: groups equal keys (adjacent ones in a sorted
 * shuffle; in a hashed shuffle, equal keys within a run of equal hashes) and folds their values with
 * the {@link Aggregator}. Used as the map-side combiner (bytes to bytes) and on the reduce side
 * (bytes to pairs). Without an aggregator, records pass through one by one.
 * Confined to the task's thread.
 */
final class CombiningReader
{
    private final ShuffleKeys keys;
    private final Aggregator aggregator;
    private final SerdeSession session;
    private final boolean valuesAreCombiners;
    private final SortOrder order;
    private final Output scratch = new Output(256, -1);

    /**
     * @param valuesAreCombiners whether the run holds combiners (map-side combined) or plain values
     */
    CombiningReader(ShuffleKeys keys, Aggregator aggregator, SerdeSession session, boolean valuesAreCombiners)
    {
        this.keys = requireNonNull(keys, "keys is null");
        this.aggregator = aggregator;
        this.session = requireNonNull(session, "session is null");
        this.valuesAreCombiners = valuesAreCombiners;
        this.order = keys.order(session);
    }

    /** The map-side combiner: one record per key out of each run of its records. */
    void combine(int partition, RecordCursor input, RecordSink output)
            throws IOException
    {
        Groups groups = new Groups(input);
        while (groups.next()) {
            if (!groups.valueRead && valuesAreCombiners) {
                // a key with one record: its bytes are already the combiner's
                output.add(groups.prefix, groups.keyBytes, 0, groups.keyLength, groups.valueBytes, 0, groups.valueLength);
                continue;
            }
            scratch.reset();
            session.write(scratch, groups.value());
            output.add(groups.prefix, groups.keyBytes, 0, groups.keyLength, scratch.getBuffer(), 0, scratch.position());
        }
    }

    /** The reduce side: one pair per key with an aggregator, else one pair per record. */
    Iterator<Pair<Object, Object>> pairs(RecordCursor input)
    {
        if (aggregator == null) {
            return new RecordPairs(input);
        }
        Groups groups = new Groups(input);
        return new Iterator<>()
        {
            private boolean ready;
            private boolean more;

            @Override
            public boolean hasNext()
            {
                if (!ready) {
                    try {
                        more = groups.next();
                    }
                    catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    ready = true;
                }
                return more;
            }

            @Override
            public Pair<Object, Object> next()
            {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                ready = false;
                return new Pair<>(groups.key(), groups.value());
            }
        };
    }

    private Object first(RecordCursor cursor)
    {
        return first(cursor.valueBuffer(), cursor.valueOffset(), cursor.valueLength());
    }

    private Object first(byte[] buffer, int offset, int length)
    {
        Object value = session.read(buffer, offset, length);
        if (valuesAreCombiners) {
            return value;
        }
        try {
            return aggregator.createCombiner().apply(value);
        }
        catch (Exception e) {
            throw UserCodeException.wrap(e);
        }
    }

    private Object merge(Object combiner, RecordCursor cursor)
    {
        Object value = session.read(cursor.valueBuffer(), cursor.valueOffset(), cursor.valueLength());
        try {
            if (valuesAreCombiners) {
                return aggregator.mergeCombiners().apply(combiner, value);
            }
            return aggregator.mergeValue().apply(combiner, value);
        }
        catch (Exception e) {
            throw UserCodeException.wrap(e);
        }
    }

    private final class RecordPairs
            implements Iterator<Pair<Object, Object>>
    {
        private final RecordCursor input;
        private boolean ready;
        private boolean more;

        RecordPairs(RecordCursor input)
        {
            this.input = input;
        }

        @Override
        public boolean hasNext()
        {
            if (!ready) {
                try {
                    more = input.next();
                }
                catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                ready = true;
            }
            return more;
        }

        @Override
        public Pair<Object, Object> next()
        {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            ready = false;
            Object key = keys.read(session, input.keyBuffer(), input.keyOffset(), input.keyLength());
            Object value = session.read(input.valueBuffer(), input.valueOffset(), input.valueLength());
            return new Pair<>(key, value);
        }
    }

    /** Walks the input one key group at a time. */
    private final class Groups
    {
        private final RecordCursor input;
        private final ArrayDeque<Group> pending = new ArrayDeque<>();
        private boolean positioned;
        private boolean exhausted;

        int prefix;
        byte[] keyBytes = new byte[64];
        int keyLength;
        Object keyObject;
        boolean keyRead;
        /** The first value's bytes, deserialized only when a second record of the key arrives. */
        byte[] valueBytes = new byte[64];
        int valueLength;
        boolean valueRead;
        private Object value;

        Groups(RecordCursor input)
        {
            this.input = input;
        }

        Object value()
        {
            if (!valueRead) {
                value = first(valueBytes, 0, valueLength);
                valueRead = true;
            }
            return value;
        }

        Object key()
        {
            if (!keyRead) {
                keyObject = keys.read(session, keyBytes, 0, keyLength);
                keyRead = true;
            }
            return keyObject;
        }

        boolean next()
                throws IOException
        {
            Group waiting = pending.poll();
            if (waiting != null) {
                prefix = waiting.prefix;
                keyBytes = waiting.keyBytes;
                keyLength = waiting.keyBytes.length;
                keyObject = waiting.key;
                keyRead = true;
                value = waiting.value;
                valueRead = true;
                return true;
            }
            if (!positioned) {
                if (exhausted || !input.next()) {
                    exhausted = true;
                    return false;
                }
            }
            positioned = false;
            prefix = input.prefix();
            keyLength = input.keyLength();
            if (keyBytes.length < keyLength || keyBytes.length > 4096) {
                keyBytes = new byte[Math.max(64, keyLength)];
            }
            System.arraycopy(input.keyBuffer(), input.keyOffset(), keyBytes, 0, keyLength);
            keyRead = false;
            valueLength = input.valueLength();
            if (valueBytes.length < valueLength || valueBytes.length > 4096) {
                valueBytes = new byte[Math.max(64, valueLength)];
            }
            System.arraycopy(input.valueBuffer(), input.valueOffset(), valueBytes, 0, valueLength);
            valueRead = false;
            value = null;
            Map<Object, Group> others = null;
            while (input.next()) {
                if (input.prefix() != prefix) {
                    positioned = true;
                    break;
                }
                boolean sameBytes = Arrays.equals(keyBytes, 0, keyLength, input.keyBuffer(), input.keyOffset(), input.keyOffset() + input.keyLength());
                if (order.isSorted()) {
                    if (!sameBytes && order.compare(prefix, keyBytes, 0, keyLength, input.prefix(), input.keyBuffer(), input.keyOffset(), input.keyLength()) != 0) {
                        positioned = true;
                        break;
                    }
                    value = merge(value(), input);
                    continue;
                }
                if (sameBytes) {
                    value = merge(value(), input);
                    continue;
                }
                // a hashed run with a key whose bytes differ: it may still be equal
                Object key = keys.read(session, input.keyBuffer(), input.keyOffset(), input.keyLength());
                if (key == null ? key() == null : key.equals(key())) {
                    value = merge(value(), input);
                    continue;
                }
                if (others == null) {
                    others = new LinkedHashMap<>();
                }
                Group group = others.get(key);
                if (group == null) {
                    byte[] bytes = Arrays.copyOfRange(input.keyBuffer(), input.keyOffset(), input.keyOffset() + input.keyLength());
                    others.put(key, new Group(prefix, bytes, key, first(input)));
                }
                else {
                    group.value = merge(group.value, input);
                }
            }
            if (!positioned) {
                exhausted = true;
            }
            if (others != null) {
                pending.addAll(others.values());
            }
            return true;
        }
    }

    private static final class Group
    {
        final int prefix;
        final byte[] keyBytes;
        final Object key;
        Object value;

        Group(int prefix, byte[] keyBytes, Object key, Object value)
        {
            this.prefix = prefix;
            this.keyBytes = keyBytes;
            this.key = key;
            this.value = value;
        }
    }
}
