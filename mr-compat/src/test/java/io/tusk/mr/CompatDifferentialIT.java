package io.tusk.mr;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.IntWritable;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.compress.GzipCodec;
import org.apache.hadoop.mapred.FileAlreadyExistsException;
import org.apache.hadoop.mapred.JobClient;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.MRJobConfig;
import org.apache.hadoop.mapreduce.Mapper;
import org.apache.hadoop.mapreduce.lib.chain.ChainMapper;
import org.apache.hadoop.mapreduce.lib.chain.ChainReducer;
import org.apache.hadoop.mapreduce.lib.input.CombineTextInputFormat;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.input.KeyValueTextInputFormat;
import org.apache.hadoop.mapreduce.lib.input.MultipleInputs;
import org.apache.hadoop.mapreduce.lib.input.NLineInputFormat;
import org.apache.hadoop.mapreduce.lib.input.SequenceFileInputFormat;
import org.apache.hadoop.mapreduce.lib.input.TextInputFormat;
import org.apache.hadoop.mapreduce.lib.jobcontrol.ControlledJob;
import org.apache.hadoop.mapreduce.lib.jobcontrol.JobControl;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;
import org.apache.hadoop.mapreduce.lib.output.LazyOutputFormat;
import org.apache.hadoop.mapreduce.lib.output.MultipleOutputs;
import org.apache.hadoop.mapreduce.lib.output.SequenceFileOutputFormat;
import org.apache.hadoop.mapreduce.lib.output.TextOutputFormat;
import org.apache.hadoop.mapreduce.lib.partition.InputSampler;
import org.apache.hadoop.mapreduce.lib.partition.TotalOrderPartitioner;
import org.apache.hadoop.util.HeapSort;
import org.apache.hadoop.util.IndexedSortable;
import org.apache.hadoop.util.IndexedSorter;
import org.apache.hadoop.util.Progressable;
import org.apache.hadoop.util.QuickSort;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Jobs written for the tests, one per point of the compatibility contract, run on Hadoop's
 * LocalJobRunner and on Tusk with their outputs compared byte for byte; where the local runner
 * cannot do something (retries), Tusk's result is checked against the expected one.
 */
class CompatDifferentialIT
{
    @TempDir
    java.nio.file.Path work;
    private java.nio.file.Path text;

    @BeforeEach
    void writeText()
            throws IOException
    {
        text = work.resolve("text");
        Differential.writeWords(text, 17, 3, 400, 7, 6, 30);
    }

    @Test
    void countersReachTheDriver()
            throws Exception
    {
        Job tusk = Differential.runBoth(work, text, TestJobs::wordCount);

        assertThat(tusk.getCounters().findCounter(TestJobs.Records.LINES).getValue()).isEqualTo(1_200);
        assertThat(tusk.getCounters().findCounter("dynamic", "empty lines").getValue()).isPositive();
        assertThat(tusk.getCounters().getGroup(TestJobs.Records.class.getName()).size()).isEqualTo(1);
    }

    @Test
    void frameworkCountersAgreeWithLocalJobRunner()
            throws Exception
    {
        frameworkCountersAgreeWithLocalJobRunner(null);
    }

    /** With map output compressed, the materialized and shuffled bytes are the compressed segments' lengths, as Hadoop's. */
    @Test
    void frameworkCountersAgreeWithLocalJobRunnerWhenMapOutputIsCompressed()
            throws Exception
    {
        for (Class<?> codec : List.of(org.apache.hadoop.io.compress.DefaultCodec.class, GzipCodec.class, org.apache.hadoop.io.compress.SnappyCodec.class)) {
            frameworkCountersAgreeWithLocalJobRunner(codec);
        }
    }

    private void frameworkCountersAgreeWithLocalJobRunner(Class<?> codec)
            throws Exception
    {
        Map<String, org.apache.hadoop.mapreduce.Counters> counters = new HashMap<>();
        for (String framework : List.of("local", "tusk")) {
            Configuration conf = Differential.conf(framework);
            if (codec != null) {
                conf.setBoolean(MRJobConfig.MAP_OUTPUT_COMPRESS, true);
                conf.setClass(MRJobConfig.MAP_OUTPUT_COMPRESS_CODEC, codec, org.apache.hadoop.io.compress.CompressionCodec.class);
            }
            String name = "counters-" + framework + (codec == null ? "" : "-" + codec.getSimpleName());
            Job job = TestJobs.wordCount(conf, text, work.resolve(name));
            assertThat(job.waitForCompletion(false)).isTrue();
            counters.put(framework, job.getCounters());
        }
        List<Enum<?>> compared = List.of(
                org.apache.hadoop.mapreduce.TaskCounter.MAP_INPUT_RECORDS,
                org.apache.hadoop.mapreduce.TaskCounter.MAP_OUTPUT_RECORDS,
                org.apache.hadoop.mapreduce.TaskCounter.MAP_OUTPUT_BYTES,
                org.apache.hadoop.mapreduce.TaskCounter.MAP_OUTPUT_MATERIALIZED_BYTES,
                org.apache.hadoop.mapreduce.TaskCounter.REDUCE_SHUFFLE_BYTES,
                org.apache.hadoop.mapreduce.TaskCounter.SPLIT_RAW_BYTES,
                org.apache.hadoop.mapreduce.TaskCounter.REDUCE_INPUT_GROUPS,
                org.apache.hadoop.mapreduce.TaskCounter.REDUCE_OUTPUT_RECORDS,
                org.apache.hadoop.mapreduce.TaskCounter.SHUFFLED_MAPS,
                org.apache.hadoop.mapreduce.TaskCounter.FAILED_SHUFFLE,
                org.apache.hadoop.mapreduce.TaskCounter.MERGED_MAP_OUTPUTS,
                org.apache.hadoop.mapreduce.lib.input.FileInputFormatCounter.BYTES_READ,
                org.apache.hadoop.mapreduce.lib.output.FileOutputFormatCounter.BYTES_WRITTEN);
        for (Enum<?> counter : compared) {
            assertThat(counters.get("tusk").findCounter(counter).getValue()).as("%s with %s", counter.name(), codec)
                    .isEqualTo(counters.get("local").findCounter(counter).getValue());
        }
        List<String> shuffleErrors = new ArrayList<>();
        counters.get("local").getGroup("Shuffle Errors").forEach(counter -> shuffleErrors.add(counter.getName()));
        assertThat(shuffleErrors).isNotEmpty();
        for (String name : shuffleErrors) {
            assertThat(counters.get("tusk").getGroup("Shuffle Errors").findCounter(name, false)).as(name).isNotNull();
        }
        assertThat(counters.get("tusk").findCounter(org.apache.hadoop.mapreduce.TaskCounter.COMMITTED_HEAP_BYTES).getValue()).isPositive();
    }

    @Test
    void oldApiJobWithCombinerThroughJobClient()
            throws Exception
    {
        java.nio.file.Path local = work.resolve("old-local");
        java.nio.file.Path tusk = work.resolve("old-tusk");
        for (String framework : List.of("local", "tusk")) {
            JobConf conf = new JobConf(Differential.conf(framework));
            conf.setJobName("old word count");
            conf.setMapperClass(TestJobs.OldWordMapper.class);
            conf.setCombinerClass(TestJobs.OldSumReducer.class);
            conf.setReducerClass(TestJobs.OldSumReducer.class);
            conf.setOutputKeyClass(Text.class);
            conf.setOutputValueClass(IntWritable.class);
            conf.setNumReduceTasks(2);
            org.apache.hadoop.mapred.FileInputFormat.addInputPath(conf, new Path(text.toString()));
            org.apache.hadoop.mapred.FileOutputFormat.setOutputPath(conf, new Path((framework.equals("local") ? local : tusk).toString()));
            assertThat(JobClient.runJob(conf).isSuccessful()).isTrue();
        }
        Differential.assertSameOutput(local, tusk);
        assertThat(Differential.files(tusk)).containsKeys("part-00000", "part-00001", "_SUCCESS");
    }

    @Test
    void oldApiGroupsWithTheComparatorsObjectComparison()
            throws Exception
    {
        java.nio.file.Path local = work.resolve("old-grouping-local");
        java.nio.file.Path tusk = work.resolve("old-grouping-tusk");
        for (String framework : List.of("local", "tusk")) {
            JobConf conf = new JobConf(Differential.conf(framework));
            conf.setMapperClass(TestJobs.OldWordMapper.class);
            conf.setReducerClass(TestJobs.OldSumReducer.class);
            conf.setOutputValueGroupingComparator(TestJobs.FirstByteRawGrouping.class);
            conf.setOutputKeyClass(Text.class);
            conf.setOutputValueClass(IntWritable.class);
            org.apache.hadoop.mapred.FileInputFormat.addInputPath(conf, new Path(text.toString()));
            org.apache.hadoop.mapred.FileOutputFormat.setOutputPath(conf, new Path((framework.equals("local") ? local : tusk).toString()));
            assertThat(JobClient.runJob(conf).isSuccessful()).isTrue();
        }
        Differential.assertSameOutput(local, tusk);
    }

    @Test
    void secondarySortSeesTheKeyChangeAsValuesAreRead()
            throws Exception
    {
        java.nio.file.Path pairs = work.resolve("pairs");
        Random random = new Random(23);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            lines.add(random.nextInt(40) + " " + random.nextInt(500));
        }
        Differential.writeLines(pairs.resolve("pairs.txt"), lines);

        Differential.runBoth(work, pairs, (conf, in, out) -> {
            Job job = Job.getInstance(conf, "secondary sort");
            job.setMapperClass(TestJobs.PairMapper.class);
            job.setReducerClass(TestJobs.KeyTrackingReducer.class);
            job.setPartitionerClass(TestJobs.FirstPartitioner.class);
            job.setGroupingComparatorClass(TestJobs.FirstGrouping.class);
            job.setMapOutputKeyClass(TestJobs.PairKey.class);
            job.setMapOutputValueClass(IntWritable.class);
            job.setOutputKeyClass(Text.class);
            job.setOutputValueClass(Text.class);
            job.setNumReduceTasks(3);
            FileInputFormat.addInputPath(job, new Path(in.toString()));
            FileOutputFormat.setOutputPath(job, new Path(out.toString()));
            return job;
        });
    }

    /**
     * The reducer keeps the first value of each key of three maps' outputs: the same values as
     * Hadoop's only if each map sorts equal keys as Hadoop's map buffer does and the reducer merges
     * the maps' outputs as Hadoop's does.
     */
    @Test
    void firstValueOfEachKeyFromSeveralMapsIsHadoops()
            throws Exception
    {
        Differential.runBoth(work, text, (conf, in, out) -> {
            Job job = Job.getInstance(conf, "first value");
            job.setMapperClass(TestJobs.WordPlaceMapper.class);
            job.setReducerClass(TestJobs.FirstValueReducer.class);
            job.setOutputKeyClass(Text.class);
            job.setOutputValueClass(Text.class);
            job.setNumReduceTasks(2);
            FileInputFormat.addInputPath(job, new Path(in.toString()));
            FileOutputFormat.setOutputPath(job, new Path(out.toString()));
            return job;
        });
    }

    /**
     * Maps whose output Hadoop spills several times (a 1 MiB sort buffer; values of many lengths, so
     * that keys wrap around the buffer's end) and an identity reducer: every record comes out in the
     * order Hadoop's spills, their sorts and their merge leave equal keys in. The same job with
     * Hadoop's default buffer writes another order, so the spills are what the bytes depend on.
     */
    @Test
    void mapsThatSpillSeveralTimesLeaveEqualKeysInHadoopsOrder()
            throws Exception
    {
        java.nio.file.Path input = work.resolve("spilling");
        Differential.writeWords(input, 97, 2, 9_000, 12, 6, 40);
        // above one half, where Hadoop's own cuts do not depend on its spill thread's speed; with a merge
        // factor below the spill count, Hadoop merges each partition's spills in several passes
        float[][] settings = {{0.8f, MRJobConfig.DEFAULT_IO_SORT_FACTOR}, {0.6f, MRJobConfig.DEFAULT_IO_SORT_FACTOR}, {0.8f, 3}, {0.6f, 2}};
        for (float[] setting : settings) {
            float spillPercent = setting[0];
            int mergeFactor = (int) setting[1];
            Differential.JobFactory identity = (conf, in, out) -> {
                Job job = everyValue(conf, in, out);
                job.getConfiguration().setFloat(MRJobConfig.MAP_SORT_SPILL_PERCENT, spillPercent);
                return job;
            };
            java.nio.file.Path run = work.resolve("spill-" + spillPercent + "-" + mergeFactor);
            Differential.runBoth(run, input, (conf, in, out) -> {
                conf.setInt(MRJobConfig.IO_SORT_MB, 1);
                conf.setInt(MRJobConfig.IO_SORT_FACTOR, mergeFactor);
                return identity.create(conf, in, out);
            });
            java.nio.file.Path oneSpill = run.resolve("one-spill");
            assertThat(identity.create(Differential.conf("local"), input, oneSpill).waitForCompletion(false)).isTrue();
            assertThat(texts(oneSpill)).as("one spill per map").isNotEqualTo(texts(run.resolve("out-local")));
        }
    }

    /**
     * The same spilling maps sorted by the sorter a job names ({@code map.sort.class}): Hadoop's heap
     * sort, and a sorter of the job's own (here one that hands over to Hadoop's quick sort), which
     * Tusk runs through Hadoop's interface instead of its copies of Hadoop's sorts.
     */
    @Test
    void mapsSortedByTheJobsSorterLeaveEqualKeysInHadoopsOrder()
            throws Exception
    {
        java.nio.file.Path input = work.resolve("sorters");
        Differential.writeWords(input, 97, 2, 9_000, 12, 6, 40);
        for (Class<? extends IndexedSorter> sorter : List.of(HeapSort.class, QuickSortOfTheJob.class)) {
            Differential.runBoth(work.resolve("sorter-" + sorter.getSimpleName()), input, (conf, in, out) -> {
                conf.setInt(MRJobConfig.IO_SORT_MB, 1);
                conf.setClass(MRJobConfig.MAP_SORT_CLASS, sorter, IndexedSorter.class);
                return everyValue(conf, in, out);
            });
        }
    }

    /**
     * The same spilling maps with int and long keys, which Tusk ranks by their own values for Hadoop's
     * sort (negative keys among them), and long keys too far apart for that, which it ranks by sorting
     * first: every place comes out in Hadoop's order.
     */
    @Test
    void mapsWithNumberKeysLeaveEqualKeysInHadoopsOrder()
            throws Exception
    {
        java.nio.file.Path input = work.resolve("numbers");
        Differential.writeWords(input, 97, 2, 9_000, 12, 6, 40);
        Object[][] keys = {{false, 1000L}, {true, 1000L}, {true, 1L << 40}};
        for (Object[] key : keys) {
            boolean longKeys = (Boolean) key[0];
            long scale = (Long) key[1];
            Differential.runBoth(work.resolve("numbers-" + longKeys + "-" + scale), input, (conf, in, out) -> {
                conf.setInt(MRJobConfig.IO_SORT_MB, 1);
                conf.setBoolean("test.number.long", longKeys);
                conf.setLong("test.number.scale", scale);
                Job job = everyValue(conf, in, out);
                job.setMapperClass(TestJobs.NumberPlaceMapper.class);
                job.setMapOutputKeyClass(longKeys ? LongWritable.class : IntWritable.class);
                job.setMapOutputValueClass(Text.class);
                return job;
            });
        }
    }

    /**
     * Spilling maps whose records of a key are copies of one record ("word 1", a streaming word
     * count's map output), which Tusk does not replay Hadoop's sort for, and the same with one value
     * in 500 that differs, which it does: both write Hadoop's bytes through an identity reducer.
     */
    @Test
    void mapsWhoseEqualKeysAreCopiesLeaveHadoopsBytes()
            throws Exception
    {
        java.nio.file.Path input = work.resolve("copies");
        Differential.writeWords(input, 97, 2, 9_000, 12, 6, 40);
        for (int differingEvery : new int[] {0, 500}) {
            Differential.runBoth(work.resolve("copies-" + differingEvery), input, (conf, in, out) -> {
                conf.setInt(MRJobConfig.IO_SORT_MB, 1);
                conf.setInt("test.differing.every", differingEvery);
                Job job = everyValue(conf, in, out);
                job.setMapperClass(WordOneMapper.class);
                return job;
            });
        }
    }

    /** Each word with "1", but every {@code test.differing.every}-th word (0: none) with its place. */
    public static final class WordOneMapper
            extends Mapper<LongWritable, Text, Text, Text>
    {
        private final Text word = new Text();
        private final Text one = new Text("1");
        private final Text place = new Text();
        private long words;

        @Override
        protected void map(LongWritable offset, Text line, Context context)
                throws IOException, InterruptedException
        {
            int every = context.getConfiguration().getInt("test.differing.every", 0);
            java.util.StringTokenizer tokens = new java.util.StringTokenizer(line.toString());
            for (int position = 0; tokens.hasMoreTokens(); position++) {
                word.set(tokens.nextToken());
                if (every > 0 && ++words % every == 0) {
                    place.set(offset.get() + ":" + position);
                    context.write(word, place);
                }
                else {
                    context.write(word, one);
                }
            }
        }
    }

    /** Every word's places through an identity reducer: its output is the order equal keys leave the maps in. */
    private static Job everyValue(Configuration conf, java.nio.file.Path in, java.nio.file.Path out)
            throws IOException
    {
        Job job = Job.getInstance(conf, "every value");
        job.setMapperClass(TestJobs.WordPlaceMapper.class);
        job.setReducerClass(org.apache.hadoop.mapreduce.Reducer.class);
        job.setOutputKeyClass(Text.class);
        job.setOutputValueClass(Text.class);
        job.setNumReduceTasks(3);
        FileInputFormat.addInputPath(job, new Path(in.toString()));
        FileOutputFormat.setOutputPath(job, new Path(out.toString()));
        return job;
    }

    /** A job's own map output sorter: Hadoop's quick sort behind another class. */
    public static final class QuickSortOfTheJob
            implements IndexedSorter
    {
        private final QuickSort quickSort = new QuickSort();

        @Override
        public void sort(IndexedSortable sortable, int from, int to)
        {
            quickSort.sort(sortable, from, to);
        }

        @Override
        public void sort(IndexedSortable sortable, int from, int to, Progressable progress)
        {
            quickSort.sort(sortable, from, to, progress);
        }
    }

    private static Map<String, String> texts(java.nio.file.Path output)
            throws IOException
    {
        Map<String, String> texts = new java.util.TreeMap<>();
        Differential.files(output).forEach((name, bytes) -> texts.put(name, new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1)));
        return texts;
    }

    /**
     * An Avro job (avro-mapred's formats, Avro keys and values through the shuffle with Avro's
     * serialization and raw comparator): the same records in the same files. Avro container files
     * start with a random sync marker, so their records are compared, not their bytes.
     */
    @Test
    void avroJobWritesTheRecordsTheLocalJobRunnerWrites()
            throws Exception
    {
        org.apache.avro.Schema schema = org.apache.avro.SchemaBuilder.record("Entry").fields().requiredString("word").requiredInt("count").endRecord();
        java.nio.file.Path avro = work.resolve("avro");
        Files.createDirectories(avro);
        Random random = new Random(41);
        for (int file = 0; file < 3; file++) {
            try (org.apache.avro.file.DataFileWriter<org.apache.avro.generic.GenericRecord> writer =
                    new org.apache.avro.file.DataFileWriter<>(new org.apache.avro.generic.GenericDatumWriter<>(schema))) {
                writer.create(schema, avro.resolve("part-" + file + ".avro").toFile());
                for (int i = 0; i < 2_000; i++) {
                    org.apache.avro.generic.GenericRecord record = new org.apache.avro.generic.GenericData.Record(schema);
                    record.put("word", "w" + random.nextInt(300));
                    record.put("count", random.nextInt(1_000));
                    writer.append(record);
                }
            }
        }
        Map<String, List<String>> outputs = new HashMap<>();
        for (String framework : List.of("local", "tusk")) {
            Job job = Job.getInstance(Differential.conf(framework), "avro words");
            job.setInputFormatClass(org.apache.avro.mapreduce.AvroKeyInputFormat.class);
            org.apache.avro.mapreduce.AvroJob.setInputKeySchema(job, schema);
            job.setMapperClass(TestJobs.AvroWordMapper.class);
            org.apache.avro.mapreduce.AvroJob.setMapOutputKeySchema(job, org.apache.avro.Schema.create(org.apache.avro.Schema.Type.STRING));
            org.apache.avro.mapreduce.AvroJob.setMapOutputValueSchema(job, org.apache.avro.Schema.create(org.apache.avro.Schema.Type.INT));
            job.setReducerClass(TestJobs.AvroSumReducer.class);
            job.setOutputFormatClass(org.apache.avro.mapreduce.AvroKeyValueOutputFormat.class);
            org.apache.avro.mapreduce.AvroJob.setOutputKeySchema(job, org.apache.avro.Schema.create(org.apache.avro.Schema.Type.STRING));
            org.apache.avro.mapreduce.AvroJob.setOutputValueSchema(job, org.apache.avro.Schema.create(org.apache.avro.Schema.Type.INT));
            job.setNumReduceTasks(2);
            FileInputFormat.addInputPath(job, new Path(avro.toString()));
            java.nio.file.Path output = work.resolve("avro-out-" + framework);
            FileOutputFormat.setOutputPath(job, new Path(output.toString()));
            assertThat(job.waitForCompletion(false)).as("job succeeds on %s", framework).isTrue();
            List<String> files = new ArrayList<>();
            try (java.util.stream.Stream<java.nio.file.Path> listed = Files.list(output)) {
                listed.map(path -> path.getFileName().toString()).filter(name -> !name.startsWith(".")).sorted().forEach(files::add);
            }
            for (String name : files) {
                List<String> records = new ArrayList<>();
                if (name.endsWith(".avro")) {
                    try (org.apache.avro.file.DataFileReader<org.apache.avro.generic.GenericRecord> reader =
                            new org.apache.avro.file.DataFileReader<>(output.resolve(name).toFile(), new org.apache.avro.generic.GenericDatumReader<>())) {
                        records.add(reader.getSchema().toString());
                        reader.forEach(record -> records.add(record.toString()));
                    }
                }
                outputs.put(framework + "/" + name, records);
            }
        }
        assertThat(outputs.keySet()).contains("local/_SUCCESS", "local/part-r-00000.avro", "local/part-r-00001.avro");
        for (Map.Entry<String, List<String>> local : outputs.entrySet()) {
            if (local.getKey().startsWith("local/")) {
                String name = local.getKey().substring("local/".length());
                assertThat(outputs.get("tusk/" + name)).as(name).isEqualTo(local.getValue());
            }
        }
        assertThat(outputs).hasSize(2 * 3);
        assertThat(outputs.get("local/part-r-00000.avro")).hasSizeGreaterThan(100);
    }

    @Test
    void mapOnlyJobsNameFilesByApi()
            throws Exception
    {
        Job tusk = Differential.runBoth(work, text, (conf, in, out) -> {
            Job job = Job.getInstance(conf, "map only");
            job.setMapperClass(Mapper.class);
            job.setNumReduceTasks(0);
            job.setOutputKeyClass(LongWritable.class);
            job.setOutputValueClass(Text.class);
            FileInputFormat.addInputPath(job, new Path(in.toString()));
            FileOutputFormat.setOutputPath(job, new Path(out.toString()));
            return job;
        });
        assertThat(Differential.files(work.resolve("out-tusk"))).containsKeys("part-m-00000", "part-m-00001", "part-m-00002");
        assertThat(tusk.getCounters().findCounter(org.apache.hadoop.mapreduce.TaskCounter.MAP_OUTPUT_RECORDS).getValue()).isEqualTo(1_200);
    }

    @Test
    void oldApiMapOnlyJob()
            throws Exception
    {
        java.nio.file.Path local = work.resolve("old-local");
        java.nio.file.Path tusk = work.resolve("old-tusk");
        for (String framework : List.of("local", "tusk")) {
            JobConf conf = new JobConf(Differential.conf(framework));
            conf.setMapperClass(org.apache.hadoop.mapred.lib.IdentityMapper.class);
            conf.setNumReduceTasks(0);
            conf.setOutputKeyClass(LongWritable.class);
            conf.setOutputValueClass(Text.class);
            org.apache.hadoop.mapred.FileInputFormat.addInputPath(conf, new Path(text.toString()));
            org.apache.hadoop.mapred.FileOutputFormat.setOutputPath(conf, new Path((framework.equals("local") ? local : tusk).toString()));
            JobClient.runJob(conf);
        }
        Differential.assertSameOutput(local, tusk);
        assertThat(Differential.files(tusk)).containsKeys("part-00000", "part-00001", "part-00002");
    }

    @Test
    void multipleOutputsAndLazyOutput()
            throws Exception
    {
        Differential.runBoth(work, text, (conf, in, out) -> {
            Job job = TestJobs.wordCount(conf, in, out);
            job.getConfiguration().unset("mapreduce.job.combine.class");
            job.setReducerClass(TestJobs.MultipleOutputsReducer.class);
            job.setNumReduceTasks(4);
            MultipleOutputs.addNamedOutput(job, "letters", TextOutputFormat.class, Text.class, IntWritable.class);
            LazyOutputFormat.setOutputFormatClass(job, TextOutputFormat.class);
            return job;
        });
        assertThat(Differential.files(work.resolve("out-tusk")).keySet()).anyMatch(name -> name.startsWith("letter-a-r-"));
    }

    @Test
    void multipleInputsNLineAndKeyValueInputs()
            throws Exception
    {
        java.nio.file.Path keyValues = work.resolve("kv");
        Differential.writeLines(keyValues.resolve("kv.txt"), List.of("a1\tx", "b2\ty", "a1\tz"));
        Differential.runBoth(work, text, (conf, in, out) -> {
            Job job = Job.getInstance(conf, "multiple inputs");
            MultipleInputs.addInputPath(job, new Path(in.toString()), NLineInputFormat.class, TestJobs.WordMapper.class);
            MultipleInputs.addInputPath(job, new Path(keyValues.toString()), KeyValueTextInputFormat.class, KeyValueWordMapper.class);
            NLineInputFormat.setNumLinesPerSplit(job, 150);
            job.setReducerClass(TestJobs.SumReducer.class);
            job.setOutputKeyClass(Text.class);
            job.setOutputValueClass(IntWritable.class);
            FileOutputFormat.setOutputPath(job, new Path(out.toString()));
            return job;
        });
    }

    public static class KeyValueWordMapper
            extends Mapper<Text, Text, Text, IntWritable>
    {
        @Override
        protected void map(Text key, Text value, Context context)
                throws IOException, InterruptedException
        {
            context.write(key, new IntWritable(100));
        }
    }

    @Test
    void combineFileInputAndCompressedSequenceFileOutput()
            throws Exception
    {
        Differential.runBoth(work, text, (conf, in, out) -> {
            Job job = TestJobs.wordCount(conf, in, out);
            job.setInputFormatClass(CombineTextInputFormat.class);
            CombineTextInputFormat.setMaxInputSplitSize(job, 4096);
            job.setOutputFormatClass(TextOutputFormat.class);
            FileOutputFormat.setCompressOutput(job, true);
            FileOutputFormat.setOutputCompressorClass(job, GzipCodec.class);
            return job;
        });
        assertThat(Differential.files(work.resolve("out-tusk"))).containsKey("part-r-00000.gz");
    }

    @Test
    void totalOrderPartitionerOverSequenceFiles()
            throws Exception
    {
        java.nio.file.Path sequence = work.resolve("seq");
        Job writer = TestJobs.wordCount(Differential.conf("tusk"), text, sequence);
        writer.setOutputFormatClass(SequenceFileOutputFormat.class);
        assertThat(writer.waitForCompletion(false)).isTrue();

        Differential.runBoth(work, sequence, (conf, in, out) -> {
            Job job = Job.getInstance(conf, "total order");
            job.setInputFormatClass(SequenceFileInputFormat.class);
            job.setMapperClass(Mapper.class);
            job.setNumReduceTasks(3);
            job.setMapOutputKeyClass(Text.class);
            job.setMapOutputValueClass(IntWritable.class);
            job.setOutputKeyClass(Text.class);
            job.setOutputValueClass(IntWritable.class);
            job.setPartitionerClass(TotalOrderPartitioner.class);
            FileInputFormat.addInputPath(job, new Path(in.toString()));
            FileOutputFormat.setOutputPath(job, new Path(out.toString()));
            Path partitions = new Path(out.getParent().resolve(out.getFileName() + "-partitions").toString());
            TotalOrderPartitioner.setPartitionFile(job.getConfiguration(), partitions);
            InputSampler.writePartitionFile(job, new InputSampler.SplitSampler<Text, IntWritable>(1000, 3));
            return job;
        });
    }

    @Test
    void chainMapperAndChainReducer()
            throws Exception
    {
        Differential.runBoth(work, text, (conf, in, out) -> {
            Job job = Job.getInstance(conf, "chain");
            ChainMapper.addMapper(job, TestJobs.WordMapper.class, LongWritable.class, Text.class, Text.class, IntWritable.class, new Configuration(false));
            ChainMapper.addMapper(job, Mapper.class, Text.class, IntWritable.class, Text.class, IntWritable.class, new Configuration(false));
            ChainReducer.setReducer(job, TestJobs.SumReducer.class, Text.class, IntWritable.class, Text.class, IntWritable.class, new Configuration(false));
            ChainReducer.addMapper(job, Mapper.class, Text.class, IntWritable.class, Text.class, IntWritable.class, new Configuration(false));
            FileInputFormat.addInputPath(job, new Path(in.toString()));
            FileOutputFormat.setOutputPath(job, new Path(out.toString()));
            return job;
        });
    }

    @Test
    void jobControlRunsDependentJobs()
            throws Exception
    {
        for (String framework : List.of("local", "tusk")) {
            java.nio.file.Path first = work.resolve(framework + "-first");
            java.nio.file.Path second = work.resolve(framework + "-second");
            Job count = TestJobs.wordCount(Differential.conf(framework), text, first);
            Job mapOnly = Job.getInstance(Differential.conf(framework), "second");
            mapOnly.setMapperClass(Mapper.class);
            mapOnly.setNumReduceTasks(0);
            mapOnly.setInputFormatClass(KeyValueTextInputFormat.class);
            mapOnly.setOutputKeyClass(Text.class);
            mapOnly.setOutputValueClass(Text.class);
            FileInputFormat.addInputPath(mapOnly, new Path(first.toString()));
            FileOutputFormat.setOutputPath(mapOnly, new Path(second.toString()));
            ControlledJob controlledFirst = new ControlledJob(count, null);
            ControlledJob controlledSecond = new ControlledJob(mapOnly, List.of(controlledFirst));
            JobControl control = new JobControl("chain of two");
            control.addJob(controlledFirst);
            control.addJob(controlledSecond);
            Thread runner = new Thread(control);
            runner.start();
            while (!control.allFinished()) {
                Thread.sleep(50);
            }
            control.stop();
            assertThat(control.getFailedJobList()).as("failed jobs on %s", framework).isEmpty();
        }
        Differential.assertSameOutput(work.resolve("local-second"), work.resolve("tusk-second"));
    }

    @Test
    void taskLocalizedConfiguration()
            throws Exception
    {
        Differential.runBoth(work, text, (conf, in, out) -> {
            Job job = Job.getInstance(conf, "localized");
            job.setMapperClass(TestJobs.TaskConfMapper.class);
            job.setOutputKeyClass(Text.class);
            job.setOutputValueClass(Text.class);
            FileInputFormat.addInputPath(job, new Path(in.toString()));
            FileOutputFormat.setOutputPath(job, new Path(out.toString()));
            return job;
        });
    }

    @Test
    void tasksSeeTheSecretKeysAndTokensTheDriverAddedToTheJobsCredentials()
            throws Exception
    {
        // a credentials file named by mapreduce.job.credentials.binary is read into the job's credentials at submission
        org.apache.hadoop.security.Credentials binary = new org.apache.hadoop.security.Credentials();
        binary.addSecretKey(new Text("test.from.file"), "file secret".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        java.nio.file.Path tokens = work.resolve("job.tokens");
        binary.writeTokenStorageFile(new Path(tokens.toUri()), new Configuration());
        Differential.runBoth(work, text, (conf, in, out) -> {
            conf.set("mapreduce.job.credentials.binary", tokens.toString());
            Job job = Job.getInstance(conf, "credentials");
            job.getCredentials().addSecretKey(new Text("test.password"), "s3cr3t".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            job.getCredentials().addToken(new Text("test-service"), new org.apache.hadoop.security.token.Token<>(
                    "id".getBytes(java.nio.charset.StandardCharsets.UTF_8), new byte[0], new Text("TEST_KIND"), new Text("test-service")));
            job.setMapperClass(TestJobs.CredentialsMapper.class);
            job.setNumReduceTasks(1);
            job.setOutputKeyClass(Text.class);
            job.setOutputValueClass(Text.class);
            FileInputFormat.addInputPath(job, new Path(in.toString()));
            FileOutputFormat.setOutputPath(job, new Path(out.toString()));
            return job;
        });
        assertThat(Files.readString(work.resolve("out-tusk").resolve("part-r-00000")))
                .contains("secret test.password\ts3cr3t", "secret test.from.file\tfile secret", "token test-service\tTEST_KIND id");
    }

    @Test
    void cacheFileIsLinkedIntoTheWorkingDirectory()
            throws Exception
    {
        java.nio.file.Path dictionary = work.resolve("words.txt");
        Files.write(dictionary, List.of("a1", "b2", "c3"));
        Differential.runBoth(work, text, (conf, in, out) -> {
            Job job = Job.getInstance(conf, "cache");
            job.setMapperClass(TestJobs.CacheMapper.class);
            job.setNumReduceTasks(1);
            job.setOutputKeyClass(Text.class);
            job.setOutputValueClass(Text.class);
            job.addCacheFile(new java.net.URI(dictionary.toUri() + "#dictionary"));
            FileInputFormat.addInputPath(job, new Path(in.toString()));
            FileOutputFormat.setOutputPath(job, new Path(out.toString()));
            return job;
        });
        assertThat(java.nio.file.Path.of("dictionary")).as("link removed after the job").doesNotExist();
    }

    @Test
    void existingOutputFailsAtSubmitAsInHadoop()
            throws Exception
    {
        java.nio.file.Path out = work.resolve("exists");
        Files.createDirectories(out);
        for (String framework : List.of("local", "tusk")) {
            Job job = TestJobs.wordCount(Differential.conf(framework), text, out);
            assertThatThrownBy(() -> job.waitForCompletion(false))
                    .isInstanceOf(FileAlreadyExistsException.class)
                    .hasMessageContaining("already exists");
        }
    }

    @Test
    void failingTaskFailsTheJobAndLeavesNoOutput()
            throws Exception
    {
        Differential.writeLines(work.resolve("bad/bad.txt"), List.of("fine", "boom", "fine"));
        for (String framework : List.of("local", "tusk")) {
            java.nio.file.Path out = work.resolve("failed-" + framework);
            Job job = TestJobs.wordCount(Differential.conf(framework), work.resolve("bad"), out);
            job.setMapperClass(TestJobs.FailingMapper.class);
            job.getConfiguration().unset("mapreduce.job.combine.class");
            assertThat(job.waitForCompletion(false)).as("job on %s", framework).isFalse();
            assertThat(out.resolve("_SUCCESS")).doesNotExist();
            if (Files.exists(out)) {
                try (var files = Files.list(out)) {
                    assertThat(files.map(path -> path.getFileName().toString())).noneMatch(name -> name.startsWith("part-"));
                }
            }
        }
        Job tusk = TestJobs.wordCount(Differential.conf("tusk"), work.resolve("bad"), work.resolve("failed-again"));
        tusk.setMapperClass(TestJobs.FailingMapper.class);
        tusk.getConfiguration().unset("mapreduce.job.combine.class");
        tusk.getConfiguration().setInt("mapreduce.map.maxattempts", 3);
        assertThat(tusk.waitForCompletion(false)).isFalse();
        assertThat(tusk.getStatus().getFailureInfo()).contains("cannot map the line boom").contains("_m_000000");
        var events = tusk.getTaskCompletionEvents(0, 100);
        assertThat(events).as("mapreduce.map.maxattempts attempts").hasSize(3).allSatisfy(event -> assertThat(event.getStatus()).isEqualTo(org.apache.hadoop.mapreduce.TaskCompletionEvent.Status.FAILED));
        assertThat(tusk.getTaskDiagnostics(events[2].getTaskAttemptId())[0]).contains("IllegalStateException: cannot map the line boom");
    }

    @Test
    void oldApiFailedJobThrowsJobFailed()
    {
        JobConf conf = new JobConf(Differential.conf("tusk"));
        conf.setMapperClass(ThrowingOldMapper.class);
        conf.setNumReduceTasks(0);
        org.apache.hadoop.mapred.FileInputFormat.addInputPath(conf, new Path(text.toString()));
        org.apache.hadoop.mapred.FileOutputFormat.setOutputPath(conf, new Path(work.resolve("old-failed").toString()));

        assertThatThrownBy(() -> JobClient.runJob(conf)).isInstanceOf(IOException.class).hasMessage("Job failed!");
    }

    public static class ThrowingOldMapper
            extends org.apache.hadoop.mapred.MapReduceBase
            implements org.apache.hadoop.mapred.Mapper<LongWritable, Text, LongWritable, Text>
    {
        @Override
        public void map(LongWritable key, Text value, org.apache.hadoop.mapred.OutputCollector<LongWritable, Text> output, org.apache.hadoop.mapred.Reporter reporter)
        {
            throw new IllegalStateException("old mapper fails");
        }
    }

    @Test
    void failedFirstAttemptsAreRetriedOnTusk()
            throws Exception
    {
        java.nio.file.Path out = work.resolve("retried");
        Job job = TestJobs.wordCount(Differential.conf("tusk"), text, out);
        job.setMapperClass(TestJobs.FlakyMapper.class);
        job.getConfiguration().unset("mapreduce.job.combine.class");

        assertThat(job.waitForCompletion(false)).isTrue();
        assertThat(job.getCounters().findCounter(org.apache.hadoop.mapreduce.JobCounter.NUM_FAILED_MAPS).getValue()).isEqualTo(3);
        assertThat(job.getCounters().findCounter(org.apache.hadoop.mapreduce.JobCounter.TOTAL_LAUNCHED_MAPS).getValue()).isEqualTo(6);
        assertThat(job.getCounters().findCounter(org.apache.hadoop.mapreduce.TaskCounter.MAP_INPUT_RECORDS).getValue())
                .as("failed attempts do not count").isEqualTo(1_200);
        assertThat(out.resolve("_SUCCESS")).exists();

        assertThat(job.getTaskReports(org.apache.hadoop.mapreduce.TaskType.MAP)).hasSize(3).allSatisfy(report -> {
            assertThat(report.getCurrentStatus()).isEqualTo(org.apache.hadoop.mapred.TIPStatus.COMPLETE);
            assertThat(report.getSuccessfulTaskAttemptId().getId()).as("the second attempt succeeded").isEqualTo(1);
            assertThat(report.getDiagnostics()).hasSize(1);
            assertThat(report.getDiagnostics()[0]).contains("attempt_").contains(report.getTaskId().toString().substring("task_".length()));
            assertThat(report.getStartTime()).isPositive();
            assertThat(report.getFinishTime()).isGreaterThanOrEqualTo(report.getStartTime());
        });
        assertThat(job.getTaskReports(org.apache.hadoop.mapreduce.TaskType.REDUCE)).hasSize(job.getNumReduceTasks())
                .allSatisfy(report -> assertThat(report.getCurrentStatus()).isEqualTo(org.apache.hadoop.mapred.TIPStatus.COMPLETE));
    }

    /**
     * Reducers whose first attempts report no progress for mapreduce.task.timeout fail with
     * Hadoop's diagnostic and run again, as on a cluster (the LocalJobRunner would wait for ever):
     * one ends at the interrupt, one ignores it and is abandoned; the output is whole.
     */
    @Test
    void reducersThatStopMakingProgressTimeOutAndRunAgain()
            throws Exception
    {
        TestJobs.HangingFirstReducer.RELEASED.set(false);
        try {
            java.nio.file.Path out = work.resolve("timed-out");
            Job job = TestJobs.wordCount(Differential.conf("tusk"), text, out);
            job.setReducerClass(TestJobs.HangingFirstReducer.class);
            job.setNumReduceTasks(2);
            job.getConfiguration().setLong("mapreduce.task.timeout", 1_000);

            assertThat(job.waitForCompletion(false)).isTrue();
            assertThat(job.getCounters().findCounter(org.apache.hadoop.mapreduce.JobCounter.NUM_FAILED_REDUCES).getValue()).isEqualTo(2);
            assertThat(job.getTaskReports(org.apache.hadoop.mapreduce.TaskType.REDUCE)).hasSize(2).allSatisfy(report -> {
                assertThat(report.getSuccessfulTaskAttemptId().getId()).as("the second attempt succeeded").isEqualTo(1);
                assertThat(report.getDiagnostics()).hasSize(1);
                assertThat(report.getDiagnostics()[0]).contains("AttemptID:attempt_").contains("Timed out after 1 secs");
            });
            java.nio.file.Path expected = work.resolve("timed-out-expected");
            Job local = TestJobs.wordCount(Differential.conf("local"), text, expected);
            local.setNumReduceTasks(2);
            assertThat(local.waitForCompletion(false)).isTrue();
            Differential.assertSameOutput(expected, out);
        }
        finally {
            TestJobs.HangingFirstReducer.RELEASED.set(true);
        }
    }

    @Test
    void typeMismatchInMapOutputIsReported()
            throws Exception
    {
        Job job = TestJobs.wordCount(Differential.conf("tusk"), text, work.resolve("mismatch"));
        job.setMapperClass(TestJobs.WrongKeyMapper.class);
        job.getConfiguration().unset("mapreduce.job.combine.class");
        job.getConfiguration().setInt("mapreduce.map.maxattempts", 1);

        assertThat(job.waitForCompletion(false)).isFalse();
        assertThat(job.getStatus().getFailureInfo())
                .contains("Type mismatch in key from map: expected org.apache.hadoop.io.Text, received org.apache.hadoop.io.IntWritable");
    }

    @Test
    void markableIteratorReplaysAGroup()
            throws Exception
    {
        Differential.runBoth(work, text, (conf, in, out) -> {
            Job job = TestJobs.wordCount(conf, in, out);
            job.setReducerClass(TestJobs.MarkResetReducer.class);
            job.setMapOutputValueClass(IntWritable.class);
            job.setOutputValueClass(Text.class);
            job.getConfiguration().unset("mapreduce.job.combine.class");
            return job;
        });
    }

    @Test
    void oldApiMapperSeesItsInputFile()
            throws Exception
    {
        java.nio.file.Path local = work.resolve("old-local");
        java.nio.file.Path tusk = work.resolve("old-tusk");
        for (String framework : List.of("local", "tusk")) {
            JobConf conf = new JobConf(Differential.conf(framework));
            conf.setMapperClass(TestJobs.InputFileMapper.class);
            conf.setReducerClass(org.apache.hadoop.mapred.lib.IdentityReducer.class);
            conf.setOutputKeyClass(Text.class);
            conf.setOutputValueClass(Text.class);
            org.apache.hadoop.mapred.FileInputFormat.addInputPath(conf, new Path(text.toString()));
            org.apache.hadoop.mapred.FileOutputFormat.setOutputPath(conf, new Path((framework.equals("local") ? local : tusk).toString()));
            JobClient.runJob(conf);
        }
        Differential.assertSameOutput(local, tusk);
    }

    @Test
    void compressedInputGzipWholeAndBzip2Split()
            throws Exception
    {
        java.nio.file.Path compressed = work.resolve("compressed");
        Files.createDirectories(compressed);
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            lines.append("w").append(i % 113).append(' ').append("v").append(i % 7).append('\n');
        }
        byte[] bytes = lines.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(compressed.resolve("a.txt.gz")))) {
            out.write(bytes);
        }
        Configuration plain = new Configuration();
        org.apache.hadoop.io.compress.BZip2Codec bzip2 = new org.apache.hadoop.io.compress.BZip2Codec();
        bzip2.setConf(plain);
        try (var out = bzip2.createOutputStream(Files.newOutputStream(compressed.resolve("b.txt.bz2")))) {
            out.write(bytes);
        }
        Differential.runBoth(work, compressed, (conf, in, out) -> {
            Job job = TestJobs.wordCount(conf, in, out);
            FileInputFormat.setMaxInputSplitSize(job, 20_000);
            return job;
        });
    }

    @Test
    void partitionOutOfRangeFailsTheJob()
            throws Exception
    {
        Job job = TestJobs.wordCount(Differential.conf("tusk"), text, work.resolve("bad-partition"));
        job.setPartitionerClass(TestJobs.BadPartitioner.class);
        job.setNumReduceTasks(2);
        job.getConfiguration().setInt("mapreduce.map.maxattempts", 1);

        assertThat(job.waitForCompletion(false)).isFalse();
        assertThat(job.getStatus().getFailureInfo()).contains("Illegal partition for");
    }

    @Test
    void failedJobLeavesNoOutputOfTasksThatCommittedBeforeTheFailure()
            throws Exception
    {
        Differential.writeLines(work.resolve("mixed/bad.txt"), List.of("x"));
        Differential.writeLines(work.resolve("mixed/good.txt"), List.of("y"));
        java.nio.file.Path out = work.resolve("mixed-out");
        Job job = Job.getInstance(Differential.conf("tusk"), "one task fails late");
        job.setMapperClass(TestJobs.SlowFailingMapper.class);
        job.setNumReduceTasks(0);
        job.getConfiguration().setInt("mapreduce.map.maxattempts", 1);
        FileInputFormat.addInputPath(job, new Path(work.resolve("mixed").toString()));
        FileOutputFormat.setOutputPath(job, new Path(out.toString()));

        assertThat(job.waitForCompletion(false)).isFalse();
        if (Files.exists(out)) {
            try (var files = Files.list(out)) {
                assertThat(files.map(path -> path.getFileName().toString())).noneMatch(name -> name.startsWith("part-"));
            }
        }
    }
}
