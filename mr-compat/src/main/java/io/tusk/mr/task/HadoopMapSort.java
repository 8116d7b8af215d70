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
 * order they leave a Hadoop map in: the job's {@code map.sort.class} (Hadoop's {@link QuickSort} by
 * default, which does not keep the order of equal keys), run over the records last to first, as
 * Hadoop's buffer lays their metadata from its end downwards. Hadoop sorts each spill on its own and
 * merges the spills, so this holds for a map whose output Hadoop sorts in one spill: records and
 * 16 bytes of metadata each within {@code mapreduce.task.io.sort.mb} times
 * {@code mapreduce.map.sort.spill.percent}; beyond that the sorter's own sorts run.
 */
final class HadoopMapSort
        implements IndexSort
{
    /** Whether a job's maps sort as Hadoop's do when they can; false: Tusk's own faster sorts only. */
    static final String HADOOP_ORDER = "tusk.map.sort.hadoop-order";
    /** Bytes of metadata Hadoop's map output buffer keeps per record. */
    private static final int METADATA_BYTES = 16;

    private final IndexedSorter sorter;

    private HadoopMapSort(IndexedSorter sorter)
    {
        this.sorter = requireNonNull(sorter, "sorter is null");
    }

    /**
     * Makes {@code shuffleSorter} sort as a Hadoop map with {@code conf} sorts a one-spill output;
     * nothing if the job's buffer settings are invalid or it sets {@value #HADOOP_ORDER} to false.
     */
    static void apply(JobConf conf, ShuffleSorter shuffleSorter)
    {
        if (!conf.getBoolean(HADOOP_ORDER, true)) {
            return;
        }
        int sortMb = conf.getInt(MRJobConfig.IO_SORT_MB, MRJobConfig.DEFAULT_IO_SORT_MB);
        float spillPercent = conf.getFloat(MRJobConfig.MAP_SORT_SPILL_PERCENT, 0.8f);
        if ((sortMb & 0x7FF) != sortMb || spillPercent <= 0 || spillPercent > 1) {
            return;
        }
        int bufferBytes = sortMb << 20;
        // as Hadoop computes its soft limit: an int times a float
        int softLimit = (int) (bufferBytes * spillPercent);
        IndexedSorter sorter = ReflectionUtils.newInstance(conf.getClass(MRJobConfig.MAP_SORT_CLASS, QuickSort.class, IndexedSorter.class), conf);
        shuffleSorter.sortEqualKeysAs(new HadoopMapSort(sorter), softLimit, METADATA_BYTES);
    }

    @Override
    public void sort(Positions positions, int from, int to)
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
}
