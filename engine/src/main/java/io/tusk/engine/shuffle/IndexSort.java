package io.tusk.engine.shuffle;

import java.util.BitSet;

/**
 * A sorting algorithm given to a {@link ShuffleSorter} from outside the engine, for consumers whose
 * users depend on the exact order another system leaves records with equal keys in: the order of
 * equal keys is a property of the algorithm and of the input sequence, so the only way to reproduce
 * it is to run the same algorithm over the same sequence. The sorter's own sorts stay faster.
 */
public interface IndexSort
{
    /**
     * Sorts positions {@code [from, to)} of {@code positions} by its {@link Positions#compare},
     * moving records only through {@link Positions#swap} and {@link Positions#permute}.
     */
    void sort(Positions positions, int from, int to);

    /** Records at positions, initially in the order they were added. Confined to the sorting thread. */
    interface Positions
    {
        /** Orders the records at two positions as the sorter's order does: negative, zero or positive. */
        int compare(int left, int right);

        void swap(int left, int right);

        /** The partition of the record at a position. */
        int partition(int position);

        /** The bytes of the serialized key of the record at a position. */
        int keyLength(int position);

        /** The bytes of the serialized value of the record at a position. */
        int valueLength(int position);

        /**
         * The array the positions live in when an algorithm may move them there itself, or null: the
         * record at a position is the element {@link Ranks#offset()} further, {@link #compare} orders
         * elements by their upper 32 bits as a signed int, and {@link #swap} exchanges elements.
         */
        default Ranks ranks()
        {
            return null;
        }

        /**
         * Puts the record now at position {@code order[k]} at position {@code from + k}, for every k;
         * {@code order} holds each position of {@code [from, from + order.length)} once. By default
         * through {@link #swap}, following each cycle of the permutation.
         */
        default void permute(int from, int[] order)
        {
            BitSet placed = new BitSet(order.length);
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
                    swap(from + at, from + source);
                    at = source;
                }
            }
        }
    }

    /** Positions as elements of {@code elements}: position p is {@code elements[offset + p]}. */
    record Ranks(long[] elements, int offset) {}
}
