package io.tusk.mr.job;

import io.tusk.engine.serde.KryoSerde;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapreduce.JobID;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

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
}
