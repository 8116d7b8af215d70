package io.tusk.mr.job;

import io.tusk.engine.serde.KryoSerde;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.DataOutputBuffer;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapred.Counters;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapreduce.JobID;
import org.apache.hadoop.mapreduce.TaskCounter;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobSpecTest
{
    private static final List<JobSpec.SplitRef> SPLITS = List.of(
            new JobSpec.SplitRef("file:/staging/job.split", 7, List.of("host-a", "host-b")),
            new JobSpec.SplitRef("file:/staging/job.split", 1 << 40, List.of()));

    @Test
    void keepsTheConfigurationAsSubmittedWhateverTheJobChangesLater()
    {
        JobConf conf = new JobConf(false);
        conf.set("tusk.test.key", "submitted");
        conf.setNumReduceTasks(3);
        JobSpec spec = new JobSpec(new JobID("spec", 1), conf, SPLITS);

        conf.set("tusk.test.key", "changed");
        conf.set("tusk.test.other", "added");

        assertThat(spec.jobConf().get("tusk.test.key")).isEqualTo("submitted");
        assertThat(spec.jobConf().get("tusk.test.other")).isNull();
        assertThat(spec.reduces()).isEqualTo(3);
    }

    @Test
    void travelsThroughTheEngineSerdeWithItsConfigurationSplitsAndReduces()
    {
        JobConf conf = new JobConf(false);
        conf.set("tusk.test.key", "value", "tusk-test-source");
        conf.setNumReduceTasks(2);
        JobSpec spec = new JobSpec(new JobID("spec", 2), conf, SPLITS);
        KryoSerde serde = new KryoSerde();

        JobSpec copy = (JobSpec) serde.deserialize(serde.serialize(spec));

        assertThat(copy.jobId().toString()).isEqualTo("job_spec_0002");
        assertThat(copy.maps()).isEqualTo(2);
        assertThat(copy.reduces()).isEqualTo(2);
        assertThat(copy.hosts(0)).containsExactly("host-a", "host-b");
        assertThat(copy.hosts(1)).isEmpty();
        // in the submitting process the tasks' copies share the spec's configuration
        assertThat(copy.jobConf()).isSameAs(spec.jobConf());

        // elsewhere (here: once the job is over) a copy parses the configuration it carries
        spec.release();
        copy = (JobSpec) serde.deserialize(serde.serialize(spec));
        assertThat(copy.jobConf()).isNotSameAs(spec.jobConf());
        assertThat(copy.jobConf().get("tusk.test.key")).isEqualTo("value");
        assertThat(copy.jobConf().getPropertySources("tusk.test.key")).containsExactly("tusk-test-source");
        assertThat(copy.jobConf().getNumReduceTasks()).isEqualTo(2);
        // a copy that has not parsed its configuration passes on the bytes it got
        Object unparsed = serde.deserialize(serde.serialize(spec));
        assertThat(serde.serialize(unparsed)).isEqualTo(serde.serialize(spec));
    }

    @Test
    void splitsAnExecutorKeepsArePlacedOnItAndItsHostOnTheDriverOnly()
    {
        JobSpec spec = new JobSpec(new JobID("spec", 3), new JobConf(false), SPLITS)
                .preferring(java.util.Map.of(1, new io.tusk.io.cache.KeptLocations.Keeper("node-c", "executor-5@node-c")));
        assertThat(spec.hosts(0)).containsExactly("host-a", "host-b");
        assertThat(spec.executors(0)).isEmpty();
        assertThat(spec.hosts(1)).containsExactly("node-c");
        assertThat(spec.executors(1)).containsExactly("executor-5@node-c");
        SplitSource source = new SplitSource(spec);
        assertThat(source.preferredExecutors(1)).containsExactly("executor-5@node-c");

        KryoSerde serde = new KryoSerde();
        JobSpec copy = (JobSpec) serde.deserialize(serde.serialize(spec));
        assertThat(copy.hosts(1)).containsExactly("node-c");
        assertThat(copy.executors(1)).as("a task has no placement to choose").isEmpty();
    }

    /**
     * A job's split file is read once in a process and each map's split deserialized from memory,
     * with the serialized size counted as {@code SPLIT_RAW_BYTES}; the job's end forgets it.
     */
    @Test
    void readsTheSplitFileOnceAndEachSplitFromMemory(@TempDir java.nio.file.Path directory)
            throws Exception
    {
        java.nio.file.Path file = directory.resolve("job.split");
        DataOutputBuffer out = new DataOutputBuffer();
        out.write(new byte[] {'S', 'P', 'L'});
        List<FileSplit> written = List.of(new FileSplit(new Path("file:/data/a.txt"), 0, 100, new String[] {"host-a"}),
                new FileSplit(new Path("file:/data/b.txt"), 50, 70, new String[0]));
        List<Long> offsets = new java.util.ArrayList<>();
        List<Long> sizes = new java.util.ArrayList<>();
        for (FileSplit split : written) {
            offsets.add((long) out.getLength());
            Text.writeString(out, FileSplit.class.getName());
            split.write(out);
            sizes.add(out.getLength() - offsets.get(offsets.size() - 1));
        }
        Files.write(file, java.util.Arrays.copyOf(out.getData(), out.getLength()));
        String name = file.toUri().toString();
        JobConf conf = new JobConf();
        JobSpec spec = new JobSpec(new JobID("splits", 1), conf, List.of(new JobSpec.SplitRef(name, offsets.get(0), List.of()),
                new JobSpec.SplitRef(name, offsets.get(1), List.of())));
        Counters counters = new Counters();
        Counters.Counter rawBytes = counters.findCounter(TaskCounter.SPLIT_RAW_BYTES);

        FileSplit first = spec.split(0, conf, rawBytes);
        assertThat(first.getPath()).isEqualTo(written.get(0).getPath());
        assertThat(first.getStart()).isZero();
        assertThat(first.getLength()).isEqualTo(100);
        assertThat(rawBytes.getValue()).isEqualTo(sizes.get(0));
        // from memory: the file is not read again
        Files.delete(file);
        FileSplit second = spec.split(1, conf, rawBytes);
        assertThat(second.getPath()).isEqualTo(written.get(1).getPath());
        assertThat(second.getStart()).isEqualTo(50);
        assertThat(second.getLength()).isEqualTo(70);
        assertThat(rawBytes.getValue()).isEqualTo(sizes.get(0) + sizes.get(1));

        spec.release();
        assertThatThrownBy(() -> spec.split(0, conf, rawBytes)).isInstanceOf(FileNotFoundException.class);
    }
}
