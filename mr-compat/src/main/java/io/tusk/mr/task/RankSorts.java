package io.tusk.mr.task;

import io.tusk.engine.task.SpareCores;
import org.apache.hadoop.util.HeapSort;
import org.apache.hadoop.util.IndexedSorter;
import org.apache.hadoop.util.QuickSort;

import java.util.ArrayList;
import java.util.List;

/**
 * Hadoop's {@link QuickSort} and {@link HeapSort} over an array of longs ordered by their upper 32
 * bits (a signed int, the rank; equal ranks are equal keys): the same exchanges in the same
 * sequence, so equal ranks end in the same order as Hadoop's sorts leave equal keys in, without a
 * call through {@code IndexedSortable} per comparison and exchange. The quick sort's division of
 * larger ranges reads the ranks a block at a time ({@link #divideByBlocks}).
 */
final class RankSorts
{
    /** Ranges shorter than this are sorted by insertion, as Hadoop's quick sort sorts them. */
    private static final int INSERTION_SORT_BELOW = 13;
    /** Elements {@link #divideByBlocks} reads before it moves any. */
    private static final int BLOCK = 64;
    /** Ranges of at least this many elements are divided by {@link #divideByBlocks}. */
    private static final int BLOCKS_FROM = 32;
    /** Sides of a division of at least this many elements may be sorted on a spare core. */
    static final int FORK_FROM = 1 << 16;

    private RankSorts() {}

    /** A sort of elements {@code [from, to)} of an array. */
    interface RangeSort
    {
        void sort(long[] elements, int from, int to);
    }

    /** The copy of {@code sorter} here when it is exactly Hadoop's {@link QuickSort} or {@link HeapSort}; else null. */
    static RangeSort copyOf(IndexedSorter sorter)
    {
        if (sorter.getClass() == QuickSort.class) {
            return RankSorts::quickSort;
        }
        return sorter.getClass() == HeapSort.class ? RankSorts::heapSort : null;
    }

    /** Reverses elements {@code [from, to)}. */
    static void reverse(long[] elements, int from, int to)
    {
        for (int low = from, high = to - 1; low < high; low++, high--) {
            swap(elements, low, high);
        }
    }

    /**
     * Hadoop's {@link QuickSort#sort}: elements {@code [from, to)} of {@code elements}; an empty range
     * is left alone. Once a division leaves a side of at least {@value #FORK_FROM} elements, that
     * side may be sorted on a spare core ({@link SpareCores}): the two sides of a division are
     * sorted apart from each other, with the same exchanges in each whichever thread makes them.
     */
    static void quickSort(long[] elements, int from, int to)
    {
        if (to > from) {
            quickSortForking(elements, from, to, maxDepth(to - from));
        }
    }

    /** {@link #quickSort(long[], int, int, int)}, forking large sides while cores are spare, and joining them. */
    private static void quickSortForking(long[] elements, int from, int to, int depth)
    {
        List<SpareCores.Fork> forks = new ArrayList<>();
        Throwable failure = null;
        try {
            quickSort(elements, from, to, depth, new int[BLOCK * 2 + 3], forks);
        }
        catch (Throwable t) {
            failure = t;
        }
        // every fork joined, whatever failed: none may still write into the array once this returns
        SpareCores.joinAll(forks, failure);
    }

    /** Hadoop's recursion limit for a range of {@code length} (positive): four times the ceiling of its base-2 logarithm. */
    static int maxDepth(int length)
    {
        return (32 - Integer.numberOfLeadingZeros(length - 1)) << 2;
    }

    /** Hadoop's quick sort below {@code depth} more levels, then its heap sort. */
    static void quickSort(long[] elements, int from, int to, int depth)
    {
        quickSort(elements, from, to, depth, new int[BLOCK * 2 + 3], null);
    }

    /**
     * As {@link #quickSort(long[], int, int, int)}, with the room {@link #divideByBlocks} works in;
     * with {@code forks}, a shorter side of at least {@value #FORK_FROM} elements goes to a spare core
     * when one is free, its fork added to {@code forks} for the caller to join.
     */
    private static void quickSort(long[] elements, int from, int to, int depth, int[] work, List<SpareCores.Fork> forks)
    {
        int low = from;
        int high = to;
        while (true) {
            if (high - low < INSERTION_SORT_BELOW) {
                insertionSort(elements, low, high);
                return;
            }
            if (--depth < 0) {
                heapSort(elements, low, high);
                return;
            }
            // median of three, its median moved to the range's start
            int middle = (low + high) >>> 1;
            orderPair(elements, middle, low);
            orderPair(elements, middle, high - 1);
            orderPair(elements, low, high - 1);
            long pivot = rank(elements[low]);

            // Bentley and McIlroy's three-way division: keys equal to the pivot gather at both ends
            if (high - low >= BLOCKS_FROM) {
                divideByBlocks(elements, low, high, pivot, work);
            }
            else {
                divide(elements, low, high, pivot, work);
            }
            int left = work[BLOCK * 2];
            int equalLow = work[BLOCK * 2 + 1];
            int equalHigh = work[BLOCK * 2 + 2];
            // the keys equal to the pivot (the pivot first) into the middle
            int lessEnd = left;
            int greaterStart = left;
            while (equalLow >= low) {
                swap(elements, equalLow--, --lessEnd);
            }
            while (equalHigh < high) {
                swap(elements, equalHigh++, greaterStart++);
            }
            // the shorter side by recursion (or on a spare core), the longer by the loop
            if (lessEnd - low < high - greaterStart) {
                sortSide(elements, low, lessEnd, depth, work, forks);
                low = greaterStart;
            }
            else {
                sortSide(elements, greaterStart, high, depth, work, forks);
                high = lessEnd;
            }
        }
    }

    /** Sorts one side of a division: on a spare core if it is large and one is free, else here. */
    private static void sortSide(long[] elements, int from, int to, int depth, int[] work, List<SpareCores.Fork> forks)
    {
        if (forks != null && to - from >= FORK_FROM) {
            SpareCores.Fork fork = SpareCores.tryFork(() -> quickSortForking(elements, from, to, depth));
            if (fork != null) {
                forks.add(fork);
                return;
            }
        }
        quickSort(elements, from, to, depth, work, forks);
    }

    /**
     * Hadoop's division loop over {@code [low, high)}, the pivot at {@code low}: each scan moves keys
     * equal to the pivot to its end and stops at one on the wrong side, and the two stops are
     * exchanged. Leaves where the left scan ended, and the last places of the equal keys gathered at
     * each end, in {@code work[2·BLOCK…]}.
     */
    private static void divide(long[] elements, int low, int high, long pivot, int[] work)
    {
        int left = low;
        int right = high;
        int equalLow = low;
        int equalHigh = high;
        while (true) {
            while (++left < right) {
                long rank = rank(elements[left]);
                if (rank > pivot) {
                    break;
                }
                if (rank == pivot && ++equalLow != left) {
                    swap(elements, equalLow, left);
                }
            }
            while (--right > left) {
                long rank = rank(elements[right]);
                if (pivot > rank) {
                    break;
                }
                if (rank == pivot && --equalHigh != right) {
                    swap(elements, equalHigh, right);
                }
            }
            if (left < right) {
                swap(elements, left, right);
            }
            else {
                break;
            }
        }
        work[BLOCK * 2] = left;
        work[BLOCK * 2 + 1] = equalLow;
        work[BLOCK * 2 + 2] = equalHigh;
    }

    /**
     * {@link #divide} with the same exchanges in the same sequence, but without a hard-to-predict
     * branch per element: the scan from the left notes, a block at a time and without branching, the places of the elements
     * it would stop at or move (rank not below the pivot), the scan from the right those of rank not
     * above; the exchanges then follow those places in order. An element is noted with its rank when
     * its block is read, which is its rank when it is reached: elements change only where a scan has
     * already passed. Leaves where the left scan ended, and the last places of the equal keys
     * gathered at each end, in {@code work[2·BLOCK…]}.
     */
    private static void divideByBlocks(long[] elements, int low, int high, long pivot, int[] work)
    {
        int left = low;
        int right = high;
        int equalLow = low;
        int equalHigh = high;
        // noted places: from the left in work[0, leftNoted), from the right in work[BLOCK, BLOCK + rightNoted)
        int leftNoted = 0;
        int leftNext = 0;
        int leftRead = low + 1;
        int rightNoted = 0;
        int rightNext = 0;
        int rightRead = high - 1;
        while (true) {
            // from the left to the next rank above the pivot, moving equal ones to the left end
            int stop = -1;
            while (stop < 0) {
                if (leftNext == leftNoted) {
                    int end = Math.min(leftRead + BLOCK, right);
                    if (leftRead >= end) {
                        break;
                    }
                    leftNoted = 0;
                    leftNext = 0;
                    for (int place = leftRead; place < end; place++) {
                        work[leftNoted] = place;
                        leftNoted += 1 - (int) ((rank(elements[place]) - pivot) >>> 63);
                    }
                    leftRead = end;
                    continue;
                }
                int place = work[leftNext];
                if (place >= right) {
                    break;
                }
                leftNext++;
                if (rank(elements[place]) == pivot) {
                    if (++equalLow != place) {
                        swap(elements, equalLow, place);
                    }
                }
                else {
                    stop = place;
                }
            }
            if (stop < 0) {
                // the scan met the right one's last place
                left = right;
                break;
            }
            left = stop;
            // from the right to the next rank below the pivot, moving equal ones to the right end
            stop = -1;
            while (stop < 0) {
                if (rightNext == rightNoted) {
                    int end = Math.max(rightRead - BLOCK, left);
                    if (rightRead <= end) {
                        break;
                    }
                    rightNoted = 0;
                    rightNext = 0;
                    for (int place = rightRead; place > end; place--) {
                        work[BLOCK + rightNoted] = place;
                        rightNoted += 1 - (int) ((pivot - rank(elements[place])) >>> 63);
                    }
                    rightRead = end;
                    continue;
                }
                int place = work[BLOCK + rightNext];
                if (place <= left) {
                    break;
                }
                rightNext++;
                if (rank(elements[place]) == pivot) {
                    if (--equalHigh != place) {
                        swap(elements, equalHigh, place);
                    }
                }
                else {
                    stop = place;
                }
            }
            if (stop < 0) {
                break;
            }
            swap(elements, left, stop);
            right = stop;
        }
        work[BLOCK * 2] = left;
        work[BLOCK * 2 + 1] = equalLow;
        work[BLOCK * 2 + 2] = equalHigh;
    }

    private static void insertionSort(long[] elements, int from, int to)
    {
        for (int i = from; i < to; i++) {
            for (int j = i; j > from && rank(elements[j - 1]) > rank(elements[j]); j--) {
                swap(elements, j, j - 1);
            }
        }
    }

    /** Hadoop's {@link HeapSort#sort}: elements {@code [from, to)} of {@code elements}. */
    static void heapSort(long[] elements, int from, int to)
    {
        int length = to - from;
        // a one-based heap: node i is elements[base + i]
        int base = from - 1;
        int top = Integer.highestOneBit(length);
        for (int level = top; level > 1; level >>>= 1) {
            for (int node = level >>> 1; node < level; node++) {
                siftDown(elements, base, node, length + 1);
            }
        }
        for (int last = to - 1; last > from; last--) {
            swap(elements, from, last);
            siftDown(elements, base, 1, last - from + 1);
        }
    }

    /** Hadoop's {@code HeapSort.downHeap}: a max-heap of nodes {@code [1, size)}, the right child taken when strictly greater. */
    private static void siftDown(long[] elements, int base, int node, int size)
    {
        for (int child = node << 1; child < size; child = node << 1) {
            long parentRank = rank(elements[base + node]);
            if (child + 1 < size && rank(elements[base + child]) < rank(elements[base + child + 1])) {
                if (parentRank < rank(elements[base + child + 1])) {
                    swap(elements, base + node, base + child + 1);
                }
                else {
                    return;
                }
                node = child + 1;
            }
            else if (parentRank < rank(elements[base + child])) {
                swap(elements, base + node, base + child);
                node = child;
            }
            else {
                return;
            }
        }
    }

    /** Hadoop's {@code QuickSort.fix}: exchanges the two when the first is greater. */
    private static void orderPair(long[] elements, int first, int second)
    {
        if (rank(elements[first]) > rank(elements[second])) {
            swap(elements, first, second);
        }
    }

    private static long rank(long element)
    {
        return element >> 32;
    }

    private static void swap(long[] elements, int left, int right)
    {
        long moved = elements[left];
        elements[left] = elements[right];
        elements[right] = moved;
    }
}
