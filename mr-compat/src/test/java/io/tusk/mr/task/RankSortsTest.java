package io.tusk.mr.task;

import io.tusk.engine.task.SpareCores;
import org.apache.hadoop.util.HeapSort;
import org.apache.hadoop.util.IndexedSortable;
import org.apache.hadoop.util.IndexedSorter;
import org.apache.hadoop.util.QuickSort;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.IntUnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RankSorts} leaves equal ranks in the order Hadoop's {@link QuickSort} and {@link HeapSort}
 * leave them in: each element is a rank above its starting place, so any difference in the sequence
 * of exchanges shows as a different order of equal ranks.
 */
class RankSortsTest
{
    private static final int[] SIZES = {0, 1, 2, 3, 12, 13, 14, 15, 31, 32, 33, 100, 1_000, 4_097, 30_000, 70_000};

    @Test
    void quickSortLeavesEqualRanksWhereHadoopsDoes()
    {
        // Hadoop's quick sort refuses an empty range (its recursion limit is undefined for it)
        assertSortsAsHadoop(new QuickSort(), RankSorts::quickSort, inputs().stream().filter(input -> input.length > 0).toList());
    }

    /**
     * Ranges large enough that the sides of a division are sorted on spare cores (the test's JVM runs
     * no task: its other cores are spare): equal ranks still end where Hadoop's quick sort leaves
     * them, a range inside the array included.
     */
    @Test
    void quickSortOnSpareCoresLeavesEqualRanksWhereHadoopsDoes()
    {
        Random random = new Random(17);
        int size = 4 * RankSorts.FORK_FROM;
        // as an executor with a slot per processor (another test's may have had one)
        SpareCores.limitTo(Runtime.getRuntime().availableProcessors());
        long forksBefore = SpareCores.forks();
        boolean spare = SpareCores.spare() > 0;
        for (int distinct : new int[] {3, 1_000, size}) {
            long[] input = elements(size, position -> random.nextInt(distinct));
            long[] expected = sortedByHadoop(new QuickSort(), input, 0, size);
            long[] actual = input.clone();
            RankSorts.quickSort(actual, 0, size);
            assertThat(Arrays.equals(actual, expected)).as("%s distinct ranks sorted as Hadoop sorts them", distinct).isTrue();
            // a range inside the array
            expected = sortedByHadoop(new QuickSort(), input, 1_234, size - 4_321);
            actual = input.clone();
            RankSorts.quickSort(actual, 1_234, size - 4_321);
            assertThat(Arrays.equals(actual, expected)).as("%s distinct ranks, a range sorted as Hadoop sorts it", distinct).isTrue();
        }
        if (spare) {
            assertThat(SpareCores.forks()).as("sides sorted on spare cores").isGreaterThan(forksBefore);
        }
    }

    @Test
    void heapSortLeavesEqualRanksWhereHadoopsDoes()
    {
        assertSortsAsHadoop(new HeapSort(), RankSorts::heapSort, inputs());
    }

    private static void assertSortsAsHadoop(IndexedSorter hadoop, RankSorts.RangeSort ours, List<long[]> inputs)
    {
        for (long[] input : inputs) {
            long[] expected = sortedByHadoop(hadoop, input, 0, input.length);
            long[] actual = input.clone();
            ours.sort(actual, 0, actual.length);
            assertThat(actual).as("%s ranks %s", input.length, describe(input)).containsExactly(expected);
        }
    }

    @Test
    void sortsARangeInsideTheArrayOnly()
    {
        Random random = new Random(7);
        long[] input = elements(5_000, position -> random.nextInt(40));
        for (IndexedSorter hadoop : List.of(new QuickSort(), new HeapSort())) {
            long[] expected = sortedByHadoop(hadoop, input, 1_000, 4_321);
            long[] actual = input.clone();
            RankSorts.RangeSort ours = hadoop instanceof QuickSort ? RankSorts::quickSort : RankSorts::heapSort;
            ours.sort(actual, 1_000, 4_321);
            assertThat(actual).containsExactly(expected);
        }
    }

    /**
     * An input that drives Hadoop's quick sort past its recursion limit (found by McIlroy's adversary
     * against it), so that it finishes ranges with its heap sort: the same order here, and one that a
     * quick sort without the limit would not leave.
     */
    @Test
    void givesUpOnTheQuickSortWhereHadoopsDoes()
    {
        long[] input = adversary(20_000);
        long[] expected = sortedByHadoop(new QuickSort(), input, 0, input.length);
        long[] actual = input.clone();
        RankSorts.quickSort(actual, 0, actual.length);
        assertThat(actual).containsExactly(expected);

        long[] unlimited = input.clone();
        RankSorts.quickSort(unlimited, 0, unlimited.length, Integer.MAX_VALUE);
        assertThat(unlimited).as("the heap sort was reached").isNotEqualTo(expected);
    }

    private static List<long[]> inputs()
    {
        Random random = new Random(42);
        List<long[]> inputs = new ArrayList<>();
        for (int size : SIZES) {
            for (int distinct : new int[] {1, 2, 5, Math.max(1, size / 11), Math.max(1, size)}) {
                inputs.add(elements(size, position -> random.nextInt(distinct)));
                // ranks below zero too: the upper 32 bits are a signed int
                inputs.add(elements(size, position -> random.nextInt(distinct) - distinct / 2));
            }
            int blocks = Math.max(1, size / 10);
            inputs.add(elements(size, position -> position / 10));
            inputs.add(elements(size, position -> (size - position) / 10));
            inputs.add(elements(size, position -> Math.min(position, size - position) / 3));
            inputs.add(elements(size, position -> position % blocks));
            inputs.add(elements(size, position -> position % 2 == 0 ? Integer.MIN_VALUE : Integer.MAX_VALUE));
        }
        return inputs;
    }

    /** Elements of {@code size} positions: the rank a position is given above the position. */
    private static long[] elements(int size, IntUnaryOperator rankAt)
    {
        long[] elements = new long[size];
        for (int position = 0; position < size; position++) {
            elements[position] = ((long) rankAt.applyAsInt(position) << 32) | position;
        }
        return elements;
    }

    private static long[] sortedByHadoop(IndexedSorter sorter, long[] input, int from, int to)
    {
        long[] elements = input.clone();
        sorter.sort(new IndexedSortable()
        {
            @Override
            public int compare(int left, int right)
            {
                return Integer.compare((int) (elements[left] >>> 32), (int) (elements[right] >>> 32));
            }

            @Override
            public void swap(int left, int right)
            {
                long moved = elements[left];
                elements[left] = elements[right];
                elements[right] = moved;
            }
        }, from, to);
        return elements;
    }

    /**
     * McIlroy's "killer adversary" against Hadoop's quick sort: every element starts undecided (gas);
     * when two undecided ones are compared, one of them is given the next value, preferring the one
     * the sort seems to use as its pivot. The values so decided, pairs of them made equal, are an
     * input the sort handles as badly as it can.
     */
    private static long[] adversary(int size)
    {
        int gas = size;
        int[] value = new int[size];
        Arrays.fill(value, gas);
        int[] itemAt = new int[size];
        Arrays.setAll(itemAt, position -> position);
        int[] state = new int[2]; // the next decided value, the current pivot candidate
        new QuickSort().sort(new IndexedSortable()
        {
            @Override
            public int compare(int left, int right)
            {
                int x = itemAt[left];
                int y = itemAt[right];
                if (value[x] == gas && value[y] == gas) {
                    value[x == state[1] ? x : y] = state[0]++;
                }
                if (value[x] == gas) {
                    state[1] = x;
                }
                else if (value[y] == gas) {
                    state[1] = y;
                }
                return Integer.compare(value[x], value[y]);
            }

            @Override
            public void swap(int left, int right)
            {
                int moved = itemAt[left];
                itemAt[left] = itemAt[right];
                itemAt[right] = moved;
            }
        }, 0, size);
        return elements(size, position -> value[position] / 2);
    }

    private static String describe(long[] elements)
    {
        return Arrays.stream(elements).limit(20).map(element -> element >> 32).boxed().toList() + (elements.length > 20 ? "..." : "");
    }
}
