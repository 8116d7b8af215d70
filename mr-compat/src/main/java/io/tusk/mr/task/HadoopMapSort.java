package io.tusk.mr.task;

import io.tusk.engine.shuffle.IndexSort;
import io.tusk.engine.shuffle.ShuffleSorter;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapreduce.MRJobConfig;
import org.apache.hadoop.util.IndexedSortable;
import org.apache.hadoop.util.IndexedSorter;
import org.apache.hadoop.util.QuickSort;
import org.apache.hadoop.util.ReflectionUtils;

import static java.util.Objects.requireNonNull;

/**
 * The sort of Hadoop's map output buffer, so that a map's records with equal keys leave it in the
 * order they leave a Hadoop map in. Hadoop cuts a map's output into spills where its buffer
 * ({@code mapreduce.task.io.sort.mb}, {@code mapreduce.map.sort.spill.percent}) fills
 * ({@link HadoopSpills} replays where), sorts each spill with the job's {@code map.sort.class}
 * (Hadoop's {@link QuickSort} by default, which does not keep the order of equal keys) over its
 * records last to first, as the buffer lays their metadata from its end downwards, and merges the
 * spills of each partition with its {@code Merger}: a heap built by inserting the spills in order,
 * moving a spill only past strictly smaller keys. This does the same over the records' positions.
 * <p>
 * Not replayed: more spills than {@code mapreduce.task.io.sort.factor} (Hadoop merges them in
 * several passes), a record larger than the buffer, and jobs with a combiner (Hadoop combines each
 * spill, so its combiner sees other groups of values); their records are sorted as one spill.
 */
final class HadoopMapSort
        implements IndexSort
{
    /** Whether a job's maps sort as Hadoop's do when they can; false: Tusk's own faster sorts only. */
    static final String HADOOP_ORDER = "tusk.map.sort.hadoop-order";
    /** Bytes of metadata Hadoop's map output buffer keeps per record. */
    private static final int METADATA_BYTES = 16;

    private final IndexedSorter sorter;
    private final int sortMb;
    private final float spillPercent;
    /** Spills merged in one pass; 0 when the output is sorted as one spill whatever its size. */
    private final int mergeFactor;

    private HadoopMapSort(IndexedSorter sorter, int sortMb, float spillPercent, int mergeFactor)
    {
        this.sorter = requireNonNull(sorter, "sorter is null");
        this.sortMb = sortMb;
        this.spillPercent = spillPercent;
        this.mergeFactor = mergeFactor;
    }

    /**
     * Makes {@code shuffleSorter} sort as a Hadoop map with {@code conf} sorts; with a combiner
     * ({@code combines}) only an output that Hadoop sorts in one spill. Nothing if the job's buffer
     * settings are invalid or it sets {@value #HADOOP_ORDER} to false.
     */
    static void apply(JobConf conf, ShuffleSorter shuffleSorter, boolean combines)
    {
        if (!conf.getBoolean(HADOOP_ORDER, true)) {
            return;
        }
        int sortMb = conf.getInt(MRJobConfig.IO_SORT_MB, MRJobConfig.DEFAULT_IO_SORT_MB);
        float spillPercent = conf.getFloat(MRJobConfig.MAP_SORT_SPILL_PERCENT, 0.8f);
        if ((sortMb & 0x7FF) != sortMb || spillPercent <= 0 || spillPercent > 1) {
            return;
        }
        IndexedSorter sorter = ReflectionUtils.newInstance(conf.getClass(MRJobConfig.MAP_SORT_CLASS, QuickSort.class, IndexedSorter.class), conf);
        if (combines) {
            // as Hadoop computes its soft limit: an int times a float
            int softLimit = (int) ((sortMb << 20) * spillPercent);
            shuffleSorter.sortEqualKeysAs(new HadoopMapSort(sorter, sortMb, spillPercent, 0), softLimit, METADATA_BYTES);
            return;
        }
        int mergeFactor = conf.getInt(MRJobConfig.IO_SORT_FACTOR, MRJobConfig.DEFAULT_IO_SORT_FACTOR);
        shuffleSorter.sortEqualKeysAs(new HadoopMapSort(sorter, sortMb, spillPercent, Math.max(mergeFactor, 1)), Long.MAX_VALUE, METADATA_BYTES);
    }

    @Override
    public void sort(Positions positions, int from, int to)
    {
        int[] starts = mergeFactor == 0 ? null : HadoopSpills.starts(sortMb, spillPercent, to - from, new HadoopSpills.RecordLengths()
        {
            @Override
            public int keyLength(int record)
            {
                return positions.keyLength(from + record);
            }

            @Override
            public int valueLength(int record)
            {
                return positions.valueLength(from + record);
            }
        });
        if (starts == null || starts.length == 1 || starts.length > mergeFactor) {
            sortSpill(positions, from, to);
            return;
        }
        int[] ends = new int[starts.length];
        for (int spill = 0; spill < starts.length; spill++) {
            starts[spill] += from;
            ends[spill] = spill + 1 < starts.length ? starts[spill + 1] + from : to;
            sortSpill(positions, starts[spill], ends[spill]);
        }
        int[] merged = merge(positions, starts, ends, to - from);
        permute(positions, from, merged);
    }

    /** Hadoop's sort of one spill: the job's sorter over its records last to first. */
    private void sortSpill(Positions positions, int from, int to)
    {
        for (int low = from, high = to - 1; low < high; low++, high--) {
            positions.swap(low, high);
        }
        sorter.sort(new IndexedSortable()
        {
            @Override
            public int compare(int left, int right)
            {
                return positions.compare(left, right);
            }

            @Override
            public void swap(int left, int right)
            {
                positions.swap(left, right);
            }
        }, from, to);
    }

    /**
     * The positions of the sorted spills {@code [starts[i], ends[i])} in the order Hadoop's merge of
     * each partition's spills reads them: partition by partition, a heap of the spills that have
     * records of the partition, inserted in spill order.
     */
    private static int[] merge(Positions positions, int[] starts, int[] ends, int records)
    {
        int spills = starts.length;
        int[] next = starts.clone();
        int[] partitionEnds = new int[spills];
        int[] heap = new int[spills];
        int[] merged = new int[records];
        int written = 0;
        while (written < records) {
            int partition = Integer.MAX_VALUE;
            for (int spill = 0; spill < spills; spill++) {
                if (next[spill] < ends[spill]) {
                    partition = Math.min(partition, positions.partition(next[spill]));
                }
            }
            int size = 0;
            for (int spill = 0; spill < spills; spill++) {
                int end = next[spill];
                while (end < ends[spill] && positions.partition(end) == partition) {
                    end++;
                }
                partitionEnds[spill] = end;
                if (end > next[spill]) {
                    heap[size] = spill;
                    siftUp(positions, next, heap, size++);
                }
            }
            while (size > 0) {
                int top = heap[0];
                merged[written++] = next[top]++;
                if (next[top] < partitionEnds[top]) {
                    siftDown(positions, next, heap, size);
                }
                else if (--size > 0) {
                    heap[0] = heap[size];
                    siftDown(positions, next, heap, size);
                }
            }
        }
        return merged;
    }

    /** Hadoop's {@code PriorityQueue.upHeap}: an entry moves up past strictly greater ones. */
    private static void siftUp(Positions positions, int[] next, int[] heap, int i)
    {
        int moving = heap[i];
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (positions.compare(next[moving], next[heap[parent]]) >= 0) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = moving;
    }

    /** Hadoop's {@code PriorityQueue.downHeap}: the top moves down past strictly smaller ones, the smaller child first (the left on ties). */
    private static void siftDown(Positions positions, int[] next, int[] heap, int size)
    {
        int i = 0;
        int moving = heap[0];
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && positions.compare(next[heap[child + 1]], next[heap[child]]) < 0) {
                child++;
            }
            if (positions.compare(next[heap[child]], next[moving]) >= 0) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = moving;
    }

    /**
     * Moves the record at {@code from + order[k]} to {@code from + k} for every k, following each
     * cycle of the permutation with swaps.
     */
    private static void permute(Positions positions, int from, int[] order)
    {
        java.util.BitSet placed = new java.util.BitSet(order.length);
        for (int start = 0; start < order.length; start++) {
            if (placed.get(start)) {
                continue;
            }
            int at = start;
            while (true) {
                placed.set(at);
                int source = order[at] - from;
                if (source == start) {
                    break;
                }
                positions.swap(from + at, from + source);
                at = source;
            }
        }
    }
}
