package io.tusk.samples;

import io.tusk.engine.Tusk;
import io.tusk.engine.dataset.Pair;
import io.tusk.engine.dataset.PairDataset;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Word count on the dataset API: reads text files, counts words (lower-cased runs of letters and
 * digits), and writes {@code word<TAB>count} lines sorted by word, like Hadoop's WordCount with a
 * sorted output.
 *
 * <pre>WordCount &lt;input path&gt; &lt;output directory&gt;</pre>
 */
public final class WordCount
{
    private WordCount() {}

    public static void main(String[] args)
    {
        if (args.length != 2) {
            System.err.println("Usage: WordCount <input path> <output directory>");
            System.exit(2);
        }
        long start = System.nanoTime();
        try (Tusk tusk = Tusk.local()) {
            PairDataset<String, Long> counts = count(tusk, args[0]);
            counts.map(pair -> pair.key() + "\t" + pair.value()).saveAsTextFile(args[1]);
            long words = counts.values().reduce(Long::sum);
            System.out.printf("Counted %,d words (%,d distinct) in %s into %s in %.2f s on %d threads%n",
                    words, counts.count(), args[0], args[1], (System.nanoTime() - start) / 1e9, tusk.defaultParallelism());
        }
    }

    /** Word counts of the text at {@code path}, sorted by word. */
    public static PairDataset<String, Long> count(Tusk tusk, String path)
    {
        return tusk.textFile(path)
                .flatMap(line -> words(line).iterator())
                .mapToPair(word -> Pair.of(word, 1L))
                .reduceByKey(Long::sum)
                .sortByKey()
                .cache();
    }

    /** Lower-cased runs of letters and digits. */
    public static List<String> words(String line)
    {
        List<String> words = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= line.length(); i++) {
            boolean wordChar = i < line.length() && Character.isLetterOrDigit(line.charAt(i));
            if (wordChar && start < 0) {
                start = i;
            }
            else if (!wordChar && start >= 0) {
                words.add(line.substring(start, i).toLowerCase(Locale.ROOT));
                start = -1;
            }
        }
        return words;
    }
}
