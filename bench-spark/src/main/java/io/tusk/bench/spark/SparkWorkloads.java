package io.tusk.bench.spark;

import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.BytesWritable;
import org.apache.hadoop.io.NullWritable;
import org.apache.hadoop.mapreduce.RecordWriter;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;
import org.apache.spark.HashPartitioner;
import org.apache.spark.Partitioner;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.Optional;
import org.apache.spark.serializer.KryoSerializer;
import scala.Tuple2;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.StringTokenizer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark suite's workloads written for Apache Spark, {@code local[2]}, with the RDD API and
 * the Kryo serializer, each computing what the MapReduce job of the same workload computes:
 * <pre>
 * SparkWorkloads wordcount &lt;input&gt; &lt;output&gt;                  W1, W2: "word TAB count" lines
 * SparkWorkloads grep &lt;input&gt; &lt;output&gt; &lt;regex&gt;               W3: "count TAB match" lines, by count descending
 * SparkWorkloads terasort &lt;input&gt; &lt;output&gt;                   W4: TeraGen's 100-byte records, sorted by their 10-byte keys
 * SparkWorkloads join &lt;pages&gt; &lt;visits&gt; &lt;output&gt;             W5: "pageId url rank date visitor adRevenue" lines
 * SparkWorkloads pagerank &lt;graph&gt; &lt;output&gt; &lt;iterations&gt;     W6: "vertex rank targets" lines
 * </pre>
 * Every shuffle has 2 partitions, as the MapReduce jobs have 2 reducers. Spark partitions and orders
 * records its own way, so the suite compares this output with Tusk's as sorted lines (W4: as the
 * concatenation of the globally sorted part files).
 */
public final class SparkWorkloads
{
    private static final int PARTITIONS = 2;

    private SparkWorkloads() {}

    public static void main(String[] args)
            throws Exception
    {
        if (args.length < 3) {
            usage();
        }
        SparkConf conf = new SparkConf()
                .setMaster("local[2]")
                .setAppName("tusk-bench " + args[0])
                .set("spark.serializer", KryoSerializer.class.getName())
                // a benchmark run has no one to look at the web UI
                .set("spark.ui.enabled", "false")
                .registerKryoClasses(new Class<?>[] {byte[].class, int[].class, Tuple2.class});
        try (JavaSparkContext spark = new JavaSparkContext(conf)) {
            switch (args[0]) {
                case "wordcount" -> wordCount(spark, args[1], args[2]);
                case "grep" -> grep(spark, args[1], args[2], argument(args, 3));
                case "terasort" -> teraSort(spark, args[1], args[2]);
                case "join" -> join(spark, args[1], args[2], argument(args, 3));
                case "pagerank" -> pageRank(spark, args[1], args[2], Integer.parseInt(argument(args, 3)));
                default -> usage();
            }
        }
    }

    private static String argument(String[] args, int index)
    {
        if (index >= args.length) {
            usage();
        }
        return args[index];
    }

    private static void usage()
    {
        System.err.println("Usage: SparkWorkloads wordcount <input> <output> | grep <input> <output> <regex> | terasort <input> <output>"
                + " | join <pages> <visits> <output> | pagerank <graph> <output> <iterations>");
        System.exit(2);
    }

    /** W1, W2: words split as the examples' {@code StringTokenizer} splits them (on whitespace), counted. */
    static void wordCount(JavaSparkContext spark, String input, String output)
    {
        spark.textFile(input)
                .flatMap(line -> {
                    List<String> words = new ArrayList<>();
                    StringTokenizer tokens = new StringTokenizer(line);
                    while (tokens.hasMoreTokens()) {
                        words.add(tokens.nextToken());
                    }
                    return words.iterator();
                })
                .mapToPair(word -> new Tuple2<>(word, 1))
                .reduceByKey(Integer::sum, PARTITIONS)
                .map(count -> count._1() + "\t" + count._2())
                .saveAsTextFile(output);
    }

    /**
     * W3: as the examples' Grep, every match of {@code regex} in a line (each {@code find()}, the
     * whole match) counted, then the counts sorted descending into one file.
     */
    static void grep(JavaSparkContext spark, String input, String output, String regex)
    {
        Pattern pattern = Pattern.compile(regex);
        spark.textFile(input)
                .flatMap(line -> {
                    List<String> matches = new ArrayList<>();
                    Matcher matcher = pattern.matcher(line);
                    while (matcher.find()) {
                        matches.add(matcher.group());
                    }
                    return matches.iterator();
                })
                .mapToPair(match -> new Tuple2<>(match, 1L))
                .reduceByKey(Long::sum, PARTITIONS)
                .mapToPair(Tuple2::swap)
                .sortByKey(false, 1)
                .map(count -> count._1() + "\t" + count._2())
                .saveAsTextFile(output);
    }

    /** W4: TeraGen's 100-byte records sorted by their first 10 bytes, compared as unsigned bytes as TeraSort does. */
    static void teraSort(JavaSparkContext spark, String input, String output)
    {
        spark.binaryRecords(input, TeraRecordOutputFormat.RECORD_LENGTH)
                .mapToPair(record -> new Tuple2<>(Arrays.copyOf(record, 10), record))
                .sortByKey(new UnsignedBytes(), true, PARTITIONS)
                .mapToPair(record -> new Tuple2<>(NullWritable.get(), new BytesWritable(record._2())))
                .saveAsNewAPIHadoopFile(output, NullWritable.class, BytesWritable.class, TeraRecordOutputFormat.class);
    }

    /**
     * W5: pages ({@code pageId url rank ...}) joined with their visits ({@code visitor pageId date
     * adRevenue ...}) on the page id: one line per visit of an existing page.
     */
    static void join(JavaSparkContext spark, String pages, String visits, String output)
    {
        JavaPairRDD<Integer, String> pageById = spark.textFile(pages).mapToPair(line -> {
            String[] fields = line.split("\t", 4);
            return new Tuple2<>(Integer.valueOf(fields[0]), fields[1] + "\t" + fields[2]);
        });
        JavaPairRDD<Integer, String> visitsByPage = spark.textFile(visits).mapToPair(line -> {
            String[] fields = line.split("\t", 5);
            return new Tuple2<>(Integer.valueOf(fields[1]), fields[2] + "\t" + fields[0] + "\t" + fields[3]);
        });
        pageById.join(visitsByPage, PARTITIONS)
                .map(joined -> joined._1() + "\t" + joined._2()._1() + "\t" + joined._2()._2())
                .saveAsTextFile(output);
    }

    /**
     * W6: {@code iterations} rounds of PageRank in the fixed-point arithmetic of the MapReduce job
     * ({@code io.tusk.bench.PageRank}): each vertex sends {@code rank / outDegree} along each
     * out-link; a vertex's new rank is {@code 0.15 * ONE + sum * 85 / 100}, integer arithmetic.
     */
    static void pageRank(JavaSparkContext spark, String graph, String output, int iterations)
    {
        Partitioner partitioner = new HashPartitioner(PARTITIONS);
        JavaRDD<String[]> lines = spark.textFile(graph).map(line -> line.split("\t", 3));
        JavaPairRDD<Integer, int[]> links = lines
                .mapToPair(fields -> new Tuple2<>(Integer.valueOf(fields[0]), targets(fields[2])))
                .partitionBy(partitioner)
                .cache();
        JavaPairRDD<Integer, Long> ranks = lines.mapToPair(fields -> new Tuple2<>(Integer.valueOf(fields[0]), Long.valueOf(fields[1])));
        for (int iteration = 0; iteration < iterations; iteration++) {
            JavaPairRDD<Integer, Long> received = links.join(ranks)
                    .values()
                    .flatMapToPair(vertex -> {
                        int[] targets = vertex._1();
                        List<Tuple2<Integer, Long>> contributions = new ArrayList<>(targets.length);
                        for (int target : targets) {
                            contributions.add(new Tuple2<>(target, vertex._2() / targets.length));
                        }
                        return contributions.iterator();
                    })
                    .reduceByKey(partitioner, Long::sum);
            ranks = links.leftOuterJoin(received).mapValues(vertex -> nextRank(vertex._2().orElse(0L)));
        }
        links.join(ranks)
                .map(vertex -> vertex._1() + "\t" + vertex._2()._2() + "\t" + joined(vertex._2()._1()))
                .saveAsTextFile(output);
    }

    /** As {@code io.tusk.bench.PageRank.nextRank}: ranks are fixed-point, 10^9 standing for 1.0. */
    static long nextRank(long contributions)
    {
        return 150_000_000L + Math.multiplyExact(contributions, 85L) / 100;
    }

    private static int[] targets(String list)
    {
        if (list.isEmpty()) {
            return new int[0];
        }
        return Arrays.stream(list.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    private static String joined(int[] targets)
    {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < targets.length; i++) {
            if (i > 0) {
                text.append(',');
            }
            text.append(targets[i]);
        }
        return text.toString();
    }

    /** Orders byte arrays as unsigned bytes, shorter first on a common prefix; serializable for Spark's range partitioner. */
    static final class UnsignedBytes
            implements Comparator<byte[]>, Serializable
    {
        @Override
        public int compare(byte[] left, byte[] right)
        {
            return Arrays.compareUnsigned(left, right);
        }
    }

    /** Writes each value's bytes as they are, with no separator: TeraGen's file format for its 100-byte records. */
    public static final class TeraRecordOutputFormat
            extends FileOutputFormat<NullWritable, BytesWritable>
    {
        static final int RECORD_LENGTH = 100;

        @Override
        public RecordWriter<NullWritable, BytesWritable> getRecordWriter(TaskAttemptContext context)
                throws IOException
        {
            Path file = getDefaultWorkFile(context, "");
            FSDataOutputStream out = file.getFileSystem(context.getConfiguration()).create(file, false);
            return new RecordWriter<>()
            {
                @Override
                public void write(NullWritable key, BytesWritable record)
                        throws IOException
                {
                    out.write(record.getBytes(), 0, record.getLength());
                }

                @Override
                public void close(TaskAttemptContext context)
                        throws IOException
                {
                    out.close();
                }
            };
        }
    }
}
