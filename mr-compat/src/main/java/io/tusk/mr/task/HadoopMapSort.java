package io.tusk.mr.task;

import io.tusk.engine.shuffle.IndexSort;
import io.tusk.engine.shuffle.IndexSort.Ranks;
import io.tusk.engine.shuffle.ShuffleSorter;
import io.tusk.engine.task.SpareCores;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapreduce.MRJobConfig;
import org.apache.hadoop.util.IndexedSortable;
import org.apache.hadoop.util.IndexedSorter;
import org.apache.hadoop.util.QuickSort;
import org.apache.hadoop.util.ReflectionUtils;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

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
 * More spills than {@code mapreduce.task.io.sort.factor} are merged in several passes as Hadoop
 * merges them, ordered by the lengths of their segments in Hadoop's files.
 * <p>
 * Not replayed: more spills than the merge factor when map output is compressed or encrypted (the
 * lengths that order Hadoop's passes are then those of its compressed or encrypted files), a record
 * larger than the buffer, and jobs with a combiner (Hadoop combines each spill, so its combiner sees
 * other groups of values); their records are sorted as one spill.
 */
final class HadoopMapSort
        implements IndexSort
{
    /** Whether a job's maps sort as Hadoop's do when they can; false: Tusk's own faster sorts only. */
    static final String HADOOP_ORDER = "tusk.map.sort.hadoop-order";
    /** Bytes of metadata Hadoop's map output buffer keeps per record. */
    private static final int METADATA_BYTES = 16;

    private final IndexedSorter sorter;
    /** Tusk's copy of the sorter over an array of ranks ({@link RankSorts}) when it is one of Hadoop's; else null. */
    private final RankSorts.RangeSort rankSort;
    private final int sortMb;
    private final float spillPercent;
    /** Spills merged in one pass; 0 when the output is sorted as one spill whatever its size. */
    private final int mergeFactor;
    /** Whether a segment's length in Hadoop's file follows from its records (neither compressed nor encrypted). */
    private final boolean plainSegments;

    private HadoopMapSort(IndexedSorter sorter, int sortMb, float spillPercent, int mergeFactor, boolean plainSegments)
    {
        this.sorter = requireNonNull(sorter, "sorter is null");
        this.rankSort = RankSorts.copyOf(sorter);
        this.sortMb = sortMb;
        this.spillPercent = spillPercent;
        this.mergeFactor = mergeFactor;
        this.plainSegments = plainSegments;
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
            shuffleSorter.sortEqualKeysAs(new HadoopMapSort(sorter, sortMb, spillPercent, 0, false), softLimit, METADATA_BYTES);
            return;
        }
        int mergeFactor = conf.getInt(MRJobConfig.IO_SORT_FACTOR, MRJobConfig.DEFAULT_IO_SORT_FACTOR);
        // Hadoop orders the segments of a merge in several passes by their lengths in its files, known here when they are neither compressed nor encrypted
        boolean plainSegments = !conf.getCompressMapOutput()
                && !conf.getBoolean(MRJobConfig.MR_ENCRYPTED_INTERMEDIATE_DATA, MRJobConfig.DEFAULT_MR_ENCRYPTED_INTERMEDIATE_DATA);
        shuffleSorter.sortEqualKeysAs(new HadoopMapSort(sorter, sortMb, spillPercent, Math.max(mergeFactor, 1), plainSegments), Long.MAX_VALUE,
                METADATA_BYTES);
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
        if (starts == null || starts.length == 1 || (starts.length > mergeFactor && (!plainSegments || mergeFactor < 2))) {
            sortSpill(positions, from, to);
            return;
        }
        int[] ends = new int[starts.length];
        for (int spill = 0; spill < starts.length; spill++) {
            starts[spill] += from;
            ends[spill] = spill + 1 < starts.length ? starts[spill + 1] + from : to;
        }
        if (rankSort != null && positions.ranks() != null) {
            // Hadoop's own sorts over separate ranges of one array: the spills may be sorted on spare cores
            List<Runnable> spills = new ArrayList<>(starts.length);
            for (int spill = 0; spill < starts.length; spill++) {
                int start = starts[spill];
                int end = ends[spill];
                spills.add(() -> sortSpill(positions, start, end));
            }
            SpareCores.runAll(spills);
        }
        else {
            for (int spill = 0; spill < starts.length; spill++) {
                sortSpill(positions, starts[spill], ends[spill]);
            }
        }
        int[] merged = merge(positions, starts, ends, to - from);
        positions.permute(from, merged);
    }

    /**
     * Hadoop's sort of one spill: the job's sorter over its records last to first; Hadoop's own
     * sorters over the positions' array directly when they live in one ({@link RankSorts}).
     */
    private void sortSpill(Positions positions, int from, int to)
    {
        Ranks ranks = rankSort == null ? null : positions.ranks();
        if (ranks != null) {
            int start = ranks.offset() + from;
            int end = ranks.offset() + to;
            RankSorts.reverse(ranks.elements(), start, end);
            rankSort.sort(ranks.elements(), start, end);
            return;
        }
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
     * each partition's spills reads them: partition by partition, the segment of every spill (empty
     * ones too); up to {@link #mergeFactor} spills, a heap of the spills that have records of the
     * partition, inserted in spill order; beyond, {@link #mergeInPasses}.
     */
    private int[] merge(Positions positions, int[] starts, int[] ends, int records)
    {
        int spills = starts.length;
        int[] next = starts.clone();
        int[] merged = new int[records];
        int written = 0;
        while (written < records) {
            int partition = Integer.MAX_VALUE;
            for (int spill = 0; spill < spills; spill++) {
                if (next[spill] < ends[spill]) {
                    partition = Math.min(partition, positions.partition(next[spill]));
                }
            }
            List<Segment> segments = new ArrayList<>(spills);
            // only a merge in several passes orders segments by their lengths
            boolean measure = spills > mergeFactor;
            for (int spill = 0; spill < spills; spill++) {
                int end = next[spill];
                long length = IFileSizes.SEGMENT_TRAILER;
                while (end < ends[spill] && positions.partition(end) == partition) {
                    if (measure) {
                        length += IFileSizes.record(positions.keyLength(end), positions.valueLength(end));
                    }
                    end++;
                }
                segments.add(new Segment(null, next[spill], end, length));
                next[spill] = end;
            }
            if (spills > mergeFactor) {
                written = mergeInPasses(positions, segments, mergeFactor, merged, written);
            }
            else {
                written = mergeOnce(positions, segments, merged, written);
            }
        }
        return merged;
    }

    /**
     * One partition's segment as Hadoop's {@code Merger} sees it: its records' positions in order (a
     * spill's: the range {@code [next, end)}; a merge's: {@code records[next, end)}), and its length
     * in Hadoop's file.
     */
    private static final class Segment
    {
        final int[] records;
        final int end;
        final long length;
        int next;

        Segment(int[] records, int start, int end, long length)
        {
            this.records = records;
            this.next = start;
            this.end = end;
            this.length = length;
        }

        boolean isEmpty()
        {
            return next >= end;
        }

        int size()
        {
            return end - next;
        }

        int current()
        {
            return records == null ? next : records[next];
        }
    }

    /** Hadoop's {@code Merger} orders segments by length only: equal lengths compare equal. */
    private static final Comparator<Segment> BY_LENGTH = (left, right) -> Long.compare(left.length, right.length);

    /**
     * Hadoop's merge of more segments than {@code factor}: the segments sorted by length (stably),
     * the first pass merging just enough of the shortest that every later pass merges
     * {@code factor}; each pass takes the next segments that have records (dropping empty ones),
     * writes their merge as a new segment and puts it back where a binary search by length puts it;
     * the last pass, once no more than a pass's factor remain, is the partition's order.
     */
    private static int mergeInPasses(Positions positions, List<Segment> spillOrder, int factor, int[] merged, int written)
    {
        List<Segment> segments = new ArrayList<>(spillOrder);
        segments.sort(BY_LENGTH);
        int count = segments.size();
        for (int pass = 1; ; pass++) {
            int passFactor = pass > 1 || count <= factor ? factor : passFactor(factor, count);
            List<Segment> merging = new ArrayList<>();
            int considered = 0;
            int toConsider = passFactor;
            while (true) {
                List<Segment> taken = segments.subList(0, Math.min(toConsider, segments.size()));
                for (Segment segment : taken) {
                    if (!segment.isEmpty()) {
                        merging.add(segment);
                        considered++;
                    }
                    else {
                        count--;
                    }
                }
                taken.clear();
                if (considered == passFactor || segments.isEmpty()) {
                    break;
                }
                toConsider = passFactor - considered;
            }
            if (count <= passFactor) {
                return mergeOnce(positions, merging, merged, written);
            }
            long length = IFileSizes.SEGMENT_TRAILER;
            int records = 0;
            for (Segment segment : merging) {
                length += segment.length - IFileSizes.SEGMENT_TRAILER;
                records += segment.size();
            }
            int[] order = new int[records];
            mergeOnce(positions, merging, order, 0);
            Segment intermediate = new Segment(order, 0, records, length);
            int at = Collections.binarySearch(segments, intermediate, BY_LENGTH);
            segments.add(at < 0 ? -at - 1 : at, intermediate);
            count = segments.size();
        }
    }

    /** Hadoop's {@code Merger.getPassFactor} for a first pass over {@code segments} (more than {@code factor}, which is at least 2). */
    private static int passFactor(int factor, int segments)
    {
        int mod = (segments - 1) % (factor - 1);
        return mod == 0 ? factor : mod + 1;
    }

    /**
     * One merge: a heap of the segments that have records, inserted in their order, read to the end
     * into {@code out} from {@code offset}; returns the offset after the last record written.
     */
    private static int mergeOnce(Positions positions, List<Segment> segments, int[] out, int offset)
    {
        Segment[] heap = new Segment[segments.size()];
        int size = 0;
        for (Segment segment : segments) {
            if (!segment.isEmpty()) {
                heap[size] = segment;
                siftUp(positions, heap, size++);
            }
        }
        int written = offset;
        while (size > 0) {
            Segment top = heap[0];
            out[written++] = top.current();
            top.next++;
            if (!top.isEmpty()) {
                siftDown(positions, heap, size);
            }
            else if (--size > 0) {
                heap[0] = heap[size];
                siftDown(positions, heap, size);
            }
        }
        return written;
    }

    /** Hadoop's {@code PriorityQueue.upHeap}: an entry moves up past strictly greater ones. */
    private static void siftUp(Positions positions, Segment[] heap, int i)
    {
        Segment moving = heap[i];
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (positions.compare(moving.current(), heap[parent].current()) >= 0) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = moving;
    }

    /** Hadoop's {@code PriorityQueue.downHeap}: the top moves down past strictly smaller ones, the smaller child first (the left on ties). */
    private static void siftDown(Positions positions, Segment[] heap, int size)
    {
        int i = 0;
        Segment moving = heap[0];
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && positions.compare(heap[child + 1].current(), heap[child].current()) < 0) {
                child++;
            }
            if (positions.compare(heap[child].current(), moving.current()) >= 0) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = moving;
    }
}
