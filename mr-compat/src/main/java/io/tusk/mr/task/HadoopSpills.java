package io.tusk.mr.task;

import java.util.Arrays;

/**
 * Where Hadoop's map output buffer ({@code MapTask.MapOutputBuffer}) cuts a map's records into
 * spills: the positions of its circular buffer (serialized records growing up from an equator,
 * 16 bytes of metadata per record growing down), replayed from the records' key and value lengths
 * alone, with the buffer's own arithmetic (its soft limit, the equator it moves at every spill from
 * the average record size, keys shifted to the buffer's start when they would wrap).
 * <p>
 * Hadoop spills on a thread of its own, but where it cuts does not depend on that thread's speed
 * when the spill percent is above one half: a spill starts at the first record collected once the
 * records since the last spill fill the soft limit, and before the last spill has ended its records
 * cannot (the space it frees is what they need), so a replay in which every spill ends at once cuts
 * where Hadoop does. With a lower spill percent Hadoop's own cuts depend on its spill thread's speed. Keys and values
 * are replayed as one write each, which is what matters as long as no single write fills the free
 * space; a record larger than the buffer (which Hadoop spills on its own) ends the replay.
 */
final class HadoopSpills
{
    private static final int METASIZE = 16;
    private static final int NMETA = 4;

    private final int length;
    private final int metaCapacity;
    private final int softLimit;
    private int equator;
    private int kvindex;
    private int kvstart;
    private int kvend;
    private int bufstart;
    private int bufend;
    private int bufindex;
    private int bufmark;
    private int bufvoid;
    private int bufferRemaining;
    private long outputBytes;
    private long outputRecords;
    private int[] starts = new int[8];
    private int spills;
    private boolean tooLarge;

    /**
     * @param sortMb {@code mapreduce.task.io.sort.mb}, at most 2047
     * @param spillPercent {@code mapreduce.map.sort.spill.percent}, in (0, 1]
     */
    HadoopSpills(int sortMb, float spillPercent)
    {
        int maxMemUsage = sortMb << 20;
        maxMemUsage -= maxMemUsage % METASIZE;
        length = maxMemUsage;
        metaCapacity = length / 4;
        bufvoid = length;
        setEquator(0);
        bufstart = bufend = bufindex = equator;
        kvstart = kvend = kvindex;
        // as Hadoop computes it: an int times a float
        softLimit = (int) (length * spillPercent);
        bufferRemaining = softLimit;
    }

    /**
     * The first record of each spill of {@code records} records with these key and value lengths, in
     * the order collected (the first is 0); null when a record is larger than the buffer.
     */
    static int[] starts(int sortMb, float spillPercent, int records, RecordLengths lengths)
    {
        HadoopSpills buffer = new HadoopSpills(sortMb, spillPercent);
        for (int record = 0; record < records && !buffer.tooLarge; record++) {
            buffer.collect(record, lengths.keyLength(record), lengths.valueLength(record));
        }
        if (buffer.tooLarge) {
            return null;
        }
        // every recorded start has a record before it and one at it; the flush spills the last
        int[] starts = new int[buffer.spills + 1];
        System.arraycopy(buffer.starts, 0, starts, 1, buffer.spills);
        return starts;
    }

    /** Key and value lengths of records by their collect order. */
    interface RecordLengths
    {
        int keyLength(int record);

        int valueLength(int record);
    }

    /** Hadoop's {@code collect}: the spill check, then the key, the value and the metadata. */
    private void collect(int record, int keyLength, int valueLength)
    {
        bufferRemaining -= METASIZE;
        if (bufferRemaining <= 0) {
            int kvbidx = 4 * kvindex;
            int kvbend = 4 * kvend;
            int bUsed = distanceTo(kvbidx, bufindex);
            if ((kvbend + METASIZE) % length != equator - (equator % METASIZE)) {
                // the last spill ended: reclaim its space
                resetSpill();
                bufferRemaining = Math.min(distanceTo(bufindex, kvbidx) - 2 * METASIZE, softLimit - bUsed) - METASIZE;
            }
            else if (bUsed >= softLimit && kvindex != kvend) {
                startSpill(record);
                int averageRecord = (int) (outputBytes / outputRecords);
                int distkvi = distanceTo(bufindex, kvbidx);
                int newPos = (bufindex + Math.max(2 * METASIZE - 1, Math.min(distkvi / 2, distkvi / (METASIZE + averageRecord) * METASIZE))) % length;
                setEquator(newPos);
                bufmark = bufindex = newPos;
                int serBound = 4 * kvend;
                bufferRemaining = Math.min(distanceTo(bufend, newPos), Math.min(distanceTo(newPos, serBound), softLimit)) - 2 * METASIZE;
            }
        }
        int keystart = bufindex;
        write(record, keyLength);
        if (tooLarge) {
            return;
        }
        if (bufindex < keystart) {
            shiftBufferedKey(record);
            keystart = 0;
        }
        write(record, valueLength);
        write(record, 0);
        if (tooLarge) {
            return;
        }
        bufmark = bufindex;
        outputRecords++;
        outputBytes += distanceTo(keystart, bufmark, bufvoid);
        // Hadoop's (kvindex - NMETA + metaCapacity) % metaCapacity, without a division per record
        kvindex = kvindex >= NMETA ? kvindex - NMETA : kvindex - NMETA + metaCapacity;
    }

    /** Hadoop's {@code Buffer.write} of {@code len} bytes, spilling when they do not fit; spills end at once. */
    private void write(int record, int len)
    {
        bufferRemaining -= len;
        if (bufferRemaining <= 0) {
            boolean blockwrite;
            do {
                int kvbidx = 4 * kvindex;
                int kvbend = 4 * kvend;
                int distkvi = distanceTo(bufindex, kvbidx);
                int distkve = distanceTo(bufindex, kvbend);
                blockwrite = distkvi <= distkve
                        ? distkvi <= len + 2 * METASIZE
                        : distkve <= len || distanceTo(bufend, kvbidx) < 2 * METASIZE;
                if (blockwrite) {
                    if ((kvbend + METASIZE) % length != equator - (equator % METASIZE)) {
                        resetSpill();
                        bufferRemaining = Math.min(distkvi - 2 * METASIZE, softLimit - distanceTo(kvbidx, bufindex)) - len;
                        continue;
                    }
                    if (kvindex == kvend) {
                        // Hadoop spills this record on its own; not replayed
                        tooLarge = true;
                        return;
                    }
                    startSpill(record);
                    setEquator(bufmark);
                }
            }
            while (blockwrite);
        }
        if (bufindex + len > bufvoid) {
            len -= bufvoid - bufindex;
            bufindex = 0;
        }
        bufindex += len;
    }

    /** Hadoop's {@code shiftBufferedKey}: a key that wrapped is written again from the buffer's start. */
    private void shiftBufferedKey(int record)
    {
        int headbytelen = bufvoid - bufmark;
        bufvoid = bufmark;
        int kvbidx = 4 * kvindex;
        int kvbend = 4 * kvend;
        int avail = Math.min(distanceTo(0, kvbidx), distanceTo(0, kvbend));
        if (bufindex + headbytelen < avail) {
            bufindex += headbytelen;
            bufferRemaining -= length - bufvoid;
        }
        else {
            int tail = bufindex;
            bufindex = 0;
            write(record, headbytelen);
            write(record, tail);
        }
    }

    /** Records before {@code record} form a spill, which ends at once (what Hadoop's spill thread does at its end). */
    private void startSpill(int record)
    {
        kvend = (kvindex + NMETA) % metaCapacity;
        bufend = bufmark;
        if (spills == starts.length) {
            starts = Arrays.copyOf(starts, spills * 2);
        }
        starts[spills++] = record;
        if (bufend < bufstart) {
            bufvoid = length;
        }
        kvstart = kvend;
        bufstart = bufend;
    }

    private void setEquator(int pos)
    {
        equator = pos;
        int aligned = pos - (pos % METASIZE);
        kvindex = (int) (((long) aligned - METASIZE + length) % length) / 4;
    }

    private void resetSpill()
    {
        int e = equator;
        bufstart = bufend = e;
        int aligned = e - (e % METASIZE);
        kvstart = kvend = (int) (((long) aligned - METASIZE + length) % length) / 4;
    }

    private int distanceTo(int i, int j)
    {
        return distanceTo(i, j, length);
    }

    private static int distanceTo(int i, int j, int mod)
    {
        return i <= j ? j - i : mod - i + j;
    }
}
