package io.tusk.mr.task;

import io.tusk.engine.shuffle.MapOutput;
import io.tusk.engine.shuffle.ShuffleSorter;
import io.tusk.engine.task.ExecutorEnv;
import io.tusk.mr.counters.SegmentBytesAccumulator;
import io.tusk.engine.task.TaskContext;
import io.tusk.mr.cache.CachedInput;
import io.tusk.mr.cache.OutputCapture;
import io.tusk.mr.counters.FileSystemCounters;
import io.tusk.mr.counters.JvmCounters;
import io.tusk.mr.job.JobSpec;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.WritableComparator;
import org.apache.hadoop.io.WritableUtils;
import org.apache.hadoop.io.serializer.SerializationFactory;
import org.apache.hadoop.io.serializer.Serializer;
import org.apache.hadoop.mapred.Counters;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapred.MapRunnable;
import org.apache.hadoop.mapred.OutputCollector;
import org.apache.hadoop.mapreduce.InputFormat;
import org.apache.hadoop.mapreduce.InputSplit;
import org.apache.hadoop.mapreduce.MapContext;
import org.apache.hadoop.mapreduce.Mapper;
import org.apache.hadoop.mapreduce.OutputFormat;
import org.apache.hadoop.mapreduce.Partitioner;
import org.apache.hadoop.mapreduce.RecordReader;
import org.apache.hadoop.mapreduce.RecordWriter;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.TaskCounter;
import org.apache.hadoop.mapreduce.TaskType;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormatCounter;
import org.apache.hadoop.mapreduce.lib.map.WrappedMapper;
import org.apache.hadoop.mapreduce.task.MapContextImpl;
import org.apache.hadoop.mapreduce.task.TaskAttemptContextImpl;
import org.apache.hadoop.util.ReflectionUtils;

import java.io.IOException;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One attempt of a map task, for both APIs: reads its split with the job's input format, runs the
 * job's mapper (or the old API's {@code MapRunnable}) and either serializes each output record into
 * the engine's shuffle sorter at once ({@link #runWithShuffle}) or, in a map-only job, writes it
 * with the job's output format and commits ({@link #runMapOnly}). Confined to the task's thread.
 */
public final class MapTask
{
    private final JobSpec spec;
    private final SegmentBytesAccumulator segmentBytes;
    private final int partition;
    private final TaskAttemptID attemptId;
    private final JobConf conf;
    private final TaskReporter reporter;
    private final TaskContext context;

    public MapTask(JobSpec spec, int partition, TaskContext context, Counters counters)
    {
        this(spec, partition, context, counters, null);
    }

    /** @param segmentBytes where the lengths of the map's compressed output segments go, for the reducers' counters; null if not measured */
    public MapTask(JobSpec spec, int partition, TaskContext context, Counters counters, SegmentBytesAccumulator segmentBytes)
    {
        this.segmentBytes = segmentBytes;
        this.spec = requireNonNull(spec, "spec is null");
        this.partition = partition;
        this.context = requireNonNull(context, "context is null");
        this.attemptId = spec.attemptId(TaskType.MAP, partition, context.attemptNumber());
        this.conf = spec.taskConf(attemptId);
        this.reporter = new TaskReporter(counters, null, context.progress());
        TaskTimeout.watch(conf, attemptId, context.progress());
    }

    /** Runs the mapper, writing its output into the shuffle; returns the sorted map output. */
    public MapOutput runWithShuffle()
            throws Exception
    {
        FileSystemCounters fileSystems = new FileSystemCounters();
        JvmCounters jvm = JvmCounters.start(conf);
        TaskCommitter committer = TaskCommitter.setUp(conf, org.apache.hadoop.mapred.TaskAttemptID.downgrade(attemptId), conf.getUseNewMapper(), reporter);
        ExecutorEnv env = context.env();
        org.apache.hadoop.io.RawComparator<?> comparator = conf.getOutputKeyComparator();
        KeyPrefix prefix = KeyPrefix.of(comparator);
        io.tusk.engine.shuffle.ShuffleCombiner combiner = CombinerRunner.create(conf, attemptId, reporter, prefix);
        io.tusk.engine.shuffle.SortOrder order = KeyPrefix.longKeys(comparator)
                .map(keys -> io.tusk.engine.shuffle.SortOrder.sorted(comparator::compare, keys))
                .orElseGet(() -> io.tusk.engine.shuffle.SortOrder.sorted(comparator::compare));
        ShuffleSorter sorter = new ShuffleSorter(
                attemptId.toString(),
                spec.reduces(),
                order,
                combiner,
                env.memoryManager(),
                env.spillDirectory(),
                env.pageSize());
        context.closeOnCompletion(sorter);
        if (combiner != null && CombinerRunner.mayCombineBeforeSorting(conf)) {
            sorter.combineBeforeSorting();
        }
        else {
            HadoopMapSort.apply(conf, sorter, combiner != null);
        }
        sorter.measureOutput(IFileSizes::record);
        MapOutputBlocks.of(conf).ifPresent(sorter::storeBlocks);
        MapOutputBlocks.wire(conf).ifPresent(sorter::sendBlocks);
        MapOutput output = null;
        try {
            ShuffleCollector collector = new ShuffleCollector(sorter, prefix);
            if (conf.getUseNewMapper()) {
                runNewMapper(collector, committer);
            }
            else {
                runOldMapper(collector::collect, collector.textSink());
            }
            collector.flushCounters();
            output = sorter.finish();
            reporter.getCounter(TaskCounter.SPILLED_RECORDS).increment(sorter.spilledRecords());
            // the length Hadoop's map output file would have: a segment per partition
            long materialized = 0;
            if (CompressedSegments.measured(conf)) {
                long[] segments = CompressedSegments.lengths(conf, output, order);
                for (long segment : segments) {
                    materialized += segment;
                }
                if (segmentBytes != null) {
                    segmentBytes.add(segments);
                }
            }
            else {
                for (int reduce = 0; reduce < output.partitions(); reduce++) {
                    materialized += output.measured(reduce) + IFileSizes.SEGMENT_TRAILER;
                }
            }
            reporter.getCounter(TaskCounter.MAP_OUTPUT_MATERIALIZED_BYTES).increment(materialized);
            committer.commit();
        }
        catch (Exception | Error e) {
            if (output != null) {
                // finished but never handed over: its memory and spill files go with the attempt
                output.delete();
            }
            committer.abort();
            throw e;
        }
        fileSystems.record(reporter.counters(), null);
        jvm.record(reporter.counters());
        return output;
    }

    /** Runs the mapper of a map-only job, writing through the job's output format, and commits. */
    public void runMapOnly()
            throws Exception
    {
        FileSystemCounters fileSystems = new FileSystemCounters();
        JvmCounters jvm = JvmCounters.start(conf);
        boolean newApi = conf.getUseNewMapper();
        TaskCommitter committer = TaskCommitter.setUp(conf, org.apache.hadoop.mapred.TaskAttemptID.downgrade(attemptId), newApi, reporter);
        OutputCapture capture = null;
        try {
            if (newApi) {
                capture = runNewMapperDirect(committer);
            }
            else {
                String name = String.format("part-%05d", partition);
                org.apache.hadoop.mapred.RecordWriter<Object, Object> out = conf.getOutputFormat().getRecordWriter(FileSystem.get(conf), conf, name, reporter);
                capture = OutputCapture.start(conf, name).orElse(null);
                org.apache.hadoop.mapred.RecordWriter<Object, Object> writer = capture == null ? out : capture.wrap(out, conf);
                try {
                    runOldMapper((key, value) -> {
                        reporter.getCounter(TaskCounter.MAP_OUTPUT_RECORDS).increment(1);
                        reporter.progress();
                        writer.write(key, value);
                    }, null);
                }
                finally {
                    writer.close(reporter);
                }
            }
            committer.commit();
            if (capture != null) {
                capture.committed();
            }
        }
        catch (Exception | Error e) {
            committer.abort();
            if (capture != null) {
                capture.discard();
            }
            throw e;
        }
        fileSystems.record(reporter.counters(), FileSystemCounters.scheme(conf.get("mapreduce.output.fileoutputformat.outputdir"), conf));
        jvm.record(reporter.counters());
    }

    private void runNewMapper(ShuffleCollector collector, TaskCommitter committer)
            throws Exception
    {
        TaskAttemptContext taskContext = new TaskAttemptContextImpl(conf, attemptId, reporter);
        Mapper<Object, Object, Object, Object> mapper = newMapper(taskContext);
        InputSplit split = spec.split(partition, conf, reporter.getCounter(TaskCounter.SPLIT_RAW_BYTES));
        RecordReader<Object, Object> reader = countingReader(taskContext, split);
        runMapper(mapper, reader, new CollectorWriter(collector::collect), split, committer.committer());
    }

    /** Returns the capture of the output file, if the job's output is kept. */
    private OutputCapture runNewMapperDirect(TaskCommitter committer)
            throws Exception
    {
        TaskAttemptContext taskContext = new TaskAttemptContextImpl(conf, attemptId, reporter);
        Mapper<Object, Object, Object, Object> mapper = newMapper(taskContext);
        InputSplit split = spec.split(partition, conf, reporter.getCounter(TaskCounter.SPLIT_RAW_BYTES));
        RecordReader<Object, Object> reader = countingReader(taskContext, split);
        @SuppressWarnings("unchecked")
        OutputFormat<Object, Object> outputFormat = (OutputFormat<Object, Object>) committer.newOutputFormat();
        OutputCapture capture = OutputCapture.start(conf, OutputCapture.newApiName(taskContext)).orElse(null);
        RecordWriter<Object, Object> created = outputFormat.getRecordWriter(taskContext);
        RecordWriter<Object, Object> out = capture == null ? created : capture.wrap(created, conf);
        RecordWriter<Object, Object> writer = new RecordWriter<>()
        {
            @Override
            public void write(Object key, Object value)
                    throws IOException, InterruptedException
            {
                reporter.getCounter(TaskCounter.MAP_OUTPUT_RECORDS).increment(1);
                reporter.progress();
                out.write(key, value);
            }

            @Override
            public void close(TaskAttemptContext context)
                    throws IOException, InterruptedException
            {
                out.close(context);
            }
        };
        try {
            runMapper(mapper, reader, writer, split, committer.committer());
        }
        catch (Exception | Error e) {
            if (capture != null) {
                capture.discard();
            }
            throw e;
        }
        return capture;
    }

    private void runMapper(Mapper<Object, Object, Object, Object> mapper, RecordReader<Object, Object> reader, RecordWriter<Object, Object> writer,
            InputSplit split, org.apache.hadoop.mapreduce.OutputCommitter committer)
            throws Exception
    {
        MapContext<Object, Object, Object, Object> mapContext = new MapContextImpl<>(conf, attemptId, reader, writer, committer, reporter, split);
        Mapper<Object, Object, Object, Object>.Context mapperContext = new WrappedMapper<Object, Object, Object, Object>().getMapContext(mapContext);
        boolean closed = false;
        try {
            reader.initialize(split, mapperContext);
            mapper.run(mapperContext);
            reader.close();
            writer.close(mapperContext);
            closed = true;
        }
        finally {
            if (!closed) {
                // as Hadoop's MapTask: close both quietly after a failure
                closeQuietly(reader);
                try {
                    writer.close(mapperContext);
                }
                catch (IOException | InterruptedException | RuntimeException ignored) {
                    // already failing
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private Mapper<Object, Object, Object, Object> newMapper(TaskAttemptContext taskContext)
            throws ClassNotFoundException
    {
        return (Mapper<Object, Object, Object, Object>) ReflectionUtils.newInstance(taskContext.getMapperClass(), conf);
    }

    @SuppressWarnings("unchecked")
    private RecordReader<Object, Object> countingReader(TaskAttemptContext taskContext, InputSplit split)
            throws IOException, InterruptedException, ClassNotFoundException
    {
        InputFormat<Object, Object> inputFormat = (InputFormat<Object, Object>) ReflectionUtils.newInstance(taskContext.getInputFormatClass(), conf);
        InputBytes bytes = new InputBytes(split instanceof org.apache.hadoop.mapreduce.lib.input.FileSplit fileSplit ? fileSplit.getPath() : null,
                conf, reporter.getCounter(FileInputFormatCounter.BYTES_READ));
        long before = bytes.start();
        Optional<RecordReader<Object, Object>> cached = CachedInput.newApi(inputFormat.getClass(), split, conf, context.env().blockStore(), reporter.counters());
        RecordReader<Object, Object> real = cached.isPresent() ? cached.get() : inputFormat.createRecordReader(split, taskContext);
        bytes.end(before);
        org.apache.hadoop.mapreduce.Counter inputRecords = reporter.getCounter(TaskCounter.MAP_INPUT_RECORDS);
        reporter.startPhase(0.0f, mapPhaseWeight(), new ReaderProgress(real::getProgress));
        return new RecordReader<>()
        {
            @Override
            public void initialize(InputSplit split, TaskAttemptContext context)
                    throws IOException, InterruptedException
            {
                long before = bytes.start();
                real.initialize(split, context);
                bytes.end(before);
            }

            @Override
            public boolean nextKeyValue()
                    throws IOException, InterruptedException
            {
                long before = bytes.start();
                boolean next = real.nextKeyValue();
                bytes.end(before);
                if (next) {
                    inputRecords.increment(1);
                    reporter.progress();
                }
                return next;
            }

            @Override
            public Object getCurrentKey()
                    throws IOException, InterruptedException
            {
                return real.getCurrentKey();
            }

            @Override
            public Object getCurrentValue()
                    throws IOException, InterruptedException
            {
                return real.getCurrentValue();
            }

            @Override
            public float getProgress()
                    throws IOException, InterruptedException
            {
                return real.getProgress();
            }

            @Override
            public void close()
                    throws IOException
            {
                long before = bytes.start();
                real.close();
                bytes.end(before);
            }
        };
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    /** @param text the shuffle's sink for Text pairs given as bytes, or null */
    private void runOldMapper(OutputCollector<Object, Object> output, MapAccelerator.TextSink text)
            throws Exception
    {
        org.apache.hadoop.mapred.InputSplit split = spec.split(partition, conf, reporter.getCounter(TaskCounter.SPLIT_RAW_BYTES));
        if (split instanceof org.apache.hadoop.mapred.FileSplit fileSplit) {
            conf.set("mapreduce.map.input.file", fileSplit.getPath().toString());
            conf.setLong("mapreduce.map.input.start", fileSplit.getStart());
            conf.setLong("mapreduce.map.input.length", fileSplit.getLength());
        }
        TaskReporter splitReporter = new TaskReporter(reporter.counters(), split, context.progress());
        InputBytes bytes = new InputBytes(split instanceof org.apache.hadoop.mapred.FileSplit fileSplit ? fileSplit.getPath() : null,
                conf, reporter.getCounter(FileInputFormatCounter.BYTES_READ));
        long created = bytes.start();
        org.apache.hadoop.mapred.InputFormat<Object, Object> inputFormat = conf.getInputFormat();
        Optional<org.apache.hadoop.mapred.RecordReader<Object, Object>> cached = CachedInput.oldApi(inputFormat.getClass(), split, conf,
                context.env().blockStore(), reporter.counters(), splitReporter);
        org.apache.hadoop.mapred.RecordReader real = cached.isPresent() ? cached.get() : inputFormat.getRecordReader(split, conf, splitReporter);
        bytes.end(created);
        org.apache.hadoop.mapred.Counters.Counter inputRecords = reporter.getCounter(TaskCounter.MAP_INPUT_RECORDS);
        splitReporter.startPhase(0.0f, mapPhaseWeight(), new ReaderProgress(real::getProgress));
        org.apache.hadoop.mapred.RecordReader<Object, Object> reader = new org.apache.hadoop.mapred.RecordReader<>()
        {
            @Override
            public boolean next(Object key, Object value)
                    throws IOException
            {
                long before = bytes.start();
                boolean next = real.next(key, value);
                bytes.end(before);
                if (next) {
                    inputRecords.increment(1);
                    reporter.progress();
                }
                return next;
            }

            @Override
            public Object createKey()
            {
                return real.createKey();
            }

            @Override
            public Object createValue()
            {
                return real.createValue();
            }

            @Override
            public long getPos()
                    throws IOException
            {
                return real.getPos();
            }

            @Override
            public void close()
                    throws IOException
            {
                long before = bytes.start();
                real.close();
                bytes.end(before);
            }

            @Override
            public float getProgress()
                    throws IOException
            {
                return real.getProgress();
            }
        };
        Optional<MapAccelerator.Runner> accelerated = Accelerators.mapRunner(conf);
        if (accelerated.isPresent()) {
            try {
                accelerated.get().run(reader, output, text, splitReporter);
            }
            finally {
                closeQuietly(reader);
            }
            return;
        }
        MapRunnable<Object, Object, Object, Object> runner = ReflectionUtils.newInstance(conf.getMapRunnerClass(), conf);
        try {
            runner.run(reader, output, splitReporter);
        }
        finally {
            closeQuietly(reader);
        }
    }

    /** As Hadoop's MapTask: the map phase is all of a map-only task, else 0.667 of it before the sort. */
    private float mapPhaseWeight()
    {
        return spec.reduces() == 0 ? 1.0f : 0.667f;
    }

    /** A record reader's progress; the last value read once the reader cannot tell any more. */
    private static final class ReaderProgress
            implements TaskReporter.PhaseProgress
    {
        private final ProgressCall call;
        private float last;

        ReaderProgress(ProgressCall call)
        {
            this.call = call;
        }

        @Override
        public float progress()
        {
            try {
                last = call.progress();
            }
            catch (IOException | InterruptedException | RuntimeException e) {
                // closed or failed reader: keep the last answer
            }
            return last;
        }

        @FunctionalInterface
        interface ProgressCall
        {
            float progress()
                    throws IOException, InterruptedException;
        }
    }

    private static void closeQuietly(java.io.Closeable closeable)
    {
        try {
            closeable.close();
        }
        catch (IOException | RuntimeException ignored) {
            // already failing or already closed
        }
    }

    /**
     * Serializes map output into the sorter as it is collected: exact class check, partition, key
     * and value bytes with the job's serialization.
     */
    private final class ShuffleCollector
    {
        private final ShuffleSorter sorter;
        private final KeyPrefix prefix;
        private final Class<?> keyClass = conf.getMapOutputKeyClass();
        private final Class<?> valueClass = conf.getMapOutputValueClass();
        private final int partitions = spec.reduces();
        private final Partitioner<Object, Object> newPartitioner;
        private final org.apache.hadoop.mapred.Partitioner<Object, Object> oldPartitioner;
        private final RecordOutput keyBuffer = new RecordOutput();
        private final RecordOutput valueBuffer = new RecordOutput();
        private final Serializer<Object> keySerializer;
        private final Serializer<Object> valueSerializer;
        private final RecordCodecs.Writer keyWriter;
        private final RecordCodecs.Writer valueWriter;
        // counted here and added to the task's (synchronized) counters once at the end
        private long outputRecords;
        private long outputBytes;

        @SuppressWarnings("unchecked")
        ShuffleCollector(ShuffleSorter sorter, KeyPrefix prefix)
                throws IOException, ClassNotFoundException
        {
            this.sorter = sorter;
            this.prefix = prefix;
            SerializationFactory serialization = new SerializationFactory(conf);
            this.keySerializer = (Serializer<Object>) serialization.getSerializer(keyClass);
            this.valueSerializer = (Serializer<Object>) serialization.getSerializer(valueClass);
            if (keySerializer == null || valueSerializer == null) {
                throw new IOException("No serializer for map output " + (keySerializer == null ? keyClass : valueClass) + "; check io.serializations");
            }
            keyWriter = RecordCodecs.writer(keyClass, keySerializer, keyBuffer);
            valueWriter = RecordCodecs.writer(valueClass, valueSerializer, valueBuffer);
            if (partitions > 1) {
                if (conf.getUseNewMapper()) {
                    newPartitioner = (Partitioner<Object, Object>) ReflectionUtils.newInstance(new TaskAttemptContextImpl(conf, attemptId).getPartitionerClass(), conf);
                    oldPartitioner = null;
                }
                else {
                    oldPartitioner = ReflectionUtils.newInstance(conf.getPartitionerClass(), conf);
                    newPartitioner = null;
                }
            }
            else {
                newPartitioner = null;
                oldPartitioner = null;
            }
        }

        /** Synchronized as Hadoop's map output buffer: mappers may collect from several threads. */
        synchronized void collect(Object key, Object value)
                throws IOException
        {
            reporter.progress();
            if (key.getClass() != keyClass) {
                throw new IOException("Type mismatch in key from map: expected " + keyClass.getName() + ", received " + key.getClass().getName());
            }
            if (value.getClass() != valueClass) {
                throw new IOException("Type mismatch in value from map: expected " + valueClass.getName() + ", received " + value.getClass().getName());
            }
            int target;
            if (newPartitioner != null) {
                target = newPartitioner.getPartition(key, value, partitions);
            }
            else if (oldPartitioner != null) {
                target = oldPartitioner.getPartition(key, value, partitions);
            }
            else {
                target = partitions - 1;
            }
            if (target < 0 || target >= partitions) {
                throw new IOException("Illegal partition for " + key + " (" + target + ")");
            }
            keyBuffer.reset();
            keyWriter.write(key);
            valueBuffer.reset();
            valueWriter.write(value);
            addBuffered(target);
        }

        /**
         * A sink for Text pairs given as bytes when the map output is Text and Text with Hadoop's
         * Writable serialization and the partition follows from the key's bytes (one reduce, or
         * the default hash partitioner); else null.
         */
        MapAccelerator.TextSink textSink()
        {
            boolean text = keyClass == Text.class && valueClass == Text.class
                    && RecordCodecs.isWritableSerializer(keySerializer) && RecordCodecs.isWritableSerializer(valueSerializer);
            boolean hashed = partitions == 1
                    || (newPartitioner != null && newPartitioner.getClass() == org.apache.hadoop.mapreduce.lib.partition.HashPartitioner.class)
                    || (oldPartitioner != null && oldPartitioner.getClass() == org.apache.hadoop.mapred.lib.HashPartitioner.class);
            return text && hashed ? this::collectText : null;
        }

        /** As {@link #collect} of two Text objects holding these bytes. */
        synchronized void collectText(byte[] bytes, int keyOffset, int keyLength, int valueOffset, int valueLength)
                throws IOException
        {
            // Text.hashCode and HashPartitioner's formula; one reduce takes everything
            int target = partitions == 1 ? 0 : (WritableComparator.hashBytes(bytes, keyOffset, keyLength) & Integer.MAX_VALUE) % partitions;
            keyBuffer.reset();
            WritableUtils.writeVInt(keyBuffer, keyLength);
            keyBuffer.write(bytes, keyOffset, keyLength);
            valueBuffer.reset();
            WritableUtils.writeVInt(valueBuffer, valueLength);
            valueBuffer.write(bytes, valueOffset, valueLength);
            addBuffered(target);
        }

        /** Adds the serialized key and value in the buffers to the sorter and counts them. */
        private void addBuffered(int target)
                throws IOException
        {
            byte[] keyBytes = keyBuffer.data();
            int keyLength = keyBuffer.length();
            sorter.add(target, prefix.prefix(keyBytes, 0, keyLength), keyBytes, 0, keyLength, valueBuffer.data(), 0, valueBuffer.length());
            outputRecords++;
            outputBytes += keyLength + valueBuffer.length();
        }

        void flushCounters()
        {
            reporter.getCounter(TaskCounter.MAP_OUTPUT_RECORDS).increment(outputRecords);
            reporter.getCounter(TaskCounter.MAP_OUTPUT_BYTES).increment(outputBytes);
            outputRecords = 0;
            outputBytes = 0;
        }
    }
}
