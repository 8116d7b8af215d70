package io.tusk.engine.shuffle;

/**
 * The size a shuffle record takes in some other format, from the lengths of its key and value: a
 * map output can be measured in it (for example to report the counters a compatibility layer's
 * users expect), record by record as its runs are written.
 */
@FunctionalInterface
public interface RecordSize
{
    long of(int keyLength, int valueLength);
}
