package io.tusk.io.history;

import io.tusk.engine.status.StatusStore;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tusk's event log in Avro: one record per ended job, with its stages, their task attempts and the
 * job's counters, in an Avro container file per context.
 */
final class JobLogFormat
{
    private JobLogFormat() {}

    /** The end of a complete log's name; a log still written ends with {@link #IN_PROGRESS} after it. */
    static final String SUFFIX = ".events.avro";
    static final String IN_PROGRESS = ".inprogress";

    static final Schema ATTEMPT = SchemaBuilder.record("Attempt").namespace("io.tusk.history").fields()
            .requiredInt("partition")
            .requiredInt("attempt")
            .requiredString("state")
            .requiredLong("started")
            .requiredLong("ended")
            .optionalString("executor")
            .optionalString("host")
            .optionalString("locality")
            .optionalString("error")
            .name("shuffleRecords").type().longType().longDefault(0)
            .name("shuffleBytes").type().longType().longDefault(0)
            .name("spilledBytes").type().longType().longDefault(0)
            .endRecord();

    static final Schema STAGE = SchemaBuilder.record("Stage").namespace("io.tusk.history").fields()
            .requiredInt("id")
            .requiredString("name")
            .requiredBoolean("mapStage")
            .requiredInt("partitions")
            .name("parents").type().array().items().intType().noDefault()
            .name("cached").type().array().items().stringType().arrayDefault(List.of())
            .requiredString("state")
            .requiredLong("submitted")
            .requiredLong("completed")
            .name("attempts").type().array().items(ATTEMPT).noDefault()
            .endRecord();

    static final Schema JOB = SchemaBuilder.record("Job").namespace("io.tusk.history").fields()
            .requiredInt("id")
            .requiredString("description")
            .requiredString("kind")
            .requiredString("name")
            .optionalString("user")
            .requiredString("state")
            .requiredLong("submitted")
            .requiredLong("completed")
            .optionalString("error")
            .name("stages").type().array().items(STAGE).noDefault()
            .name("counters").type().map().values().map().values().longType().noDefault()
            .endRecord();

    static GenericRecord toAvro(StatusStore.JobRecord job)
    {
        GenericRecord record = new GenericData.Record(JOB);
        record.put("id", job.id());
        record.put("description", job.description());
        record.put("kind", job.kind());
        record.put("name", job.name() == null ? "" : job.name());
        record.put("user", job.user());
        record.put("state", job.state().name());
        record.put("submitted", job.submitted());
        record.put("completed", job.completed());
        record.put("error", job.error());
        List<GenericRecord> stages = new ArrayList<>();
        for (StatusStore.StageRecord stage : job.stages()) {
            GenericRecord stageRecord = new GenericData.Record(STAGE);
            stageRecord.put("id", stage.id());
            stageRecord.put("name", stage.name());
            stageRecord.put("mapStage", stage.mapStage());
            stageRecord.put("partitions", stage.partitions());
            stageRecord.put("parents", stage.parents());
            stageRecord.put("cached", stage.cached());
            stageRecord.put("state", stage.state().name());
            stageRecord.put("submitted", stage.submitted());
            stageRecord.put("completed", stage.completed());
            List<GenericRecord> attempts = new ArrayList<>();
            for (StatusStore.AttemptRecord attempt : stage.attempts()) {
                GenericRecord attemptRecord = new GenericData.Record(ATTEMPT);
                attemptRecord.put("partition", attempt.partition());
                attemptRecord.put("attempt", attempt.attempt());
                attemptRecord.put("state", attempt.state().name());
                attemptRecord.put("started", attempt.started());
                attemptRecord.put("ended", attempt.ended());
                attemptRecord.put("executor", attempt.executor());
                attemptRecord.put("host", attempt.host());
                attemptRecord.put("locality", attempt.locality());
                attemptRecord.put("error", attempt.error());
                attemptRecord.put("shuffleRecords", attempt.shuffleRecords());
                attemptRecord.put("shuffleBytes", attempt.shuffleBytes());
                attemptRecord.put("spilledBytes", attempt.spilledBytes());
                attempts.add(attemptRecord);
            }
            stageRecord.put("attempts", attempts);
            stages.add(stageRecord);
        }
        record.put("stages", stages);
        record.put("counters", job.counters());
        return record;
    }

    static StatusStore.JobRecord fromAvro(GenericRecord record)
    {
        List<StatusStore.StageRecord> stages = new ArrayList<>();
        for (Object stageObject : (List<?>) record.get("stages")) {
            GenericRecord stage = (GenericRecord) stageObject;
            List<StatusStore.AttemptRecord> attempts = new ArrayList<>();
            for (Object attemptObject : (List<?>) stage.get("attempts")) {
                GenericRecord attempt = (GenericRecord) attemptObject;
                attempts.add(new StatusStore.AttemptRecord((Integer) attempt.get("partition"), (Integer) attempt.get("attempt"),
                        StatusStore.State.valueOf(text(attempt, "state")), (Long) attempt.get("started"), (Long) attempt.get("ended"),
                        text(attempt, "executor"), text(attempt, "host"), text(attempt, "locality"), text(attempt, "error"),
                        (Long) attempt.get("shuffleRecords"), (Long) attempt.get("shuffleBytes"), (Long) attempt.get("spilledBytes")));
            }
            List<Integer> parents = new ArrayList<>();
            for (Object parent : (List<?>) stage.get("parents")) {
                parents.add((Integer) parent);
            }
            List<String> cached = new ArrayList<>();
            for (Object dataset : (List<?>) stage.get("cached")) {
                cached.add(dataset.toString());
            }
            stages.add(new StatusStore.StageRecord((Integer) stage.get("id"), text(stage, "name"), (Boolean) stage.get("mapStage"),
                    (Integer) stage.get("partitions"), parents, cached, StatusStore.State.valueOf(text(stage, "state")), (Long) stage.get("submitted"),
                    (Long) stage.get("completed"), attempts));
        }
        Map<String, Map<String, Long>> counters = new LinkedHashMap<>();
        ((Map<?, ?>) record.get("counters")).forEach((group, values) -> {
            Map<String, Long> counts = new LinkedHashMap<>();
            ((Map<?, ?>) values).forEach((name, value) -> counts.put(name.toString(), (Long) value));
            counters.put(group.toString(), counts);
        });
        return new StatusStore.JobRecord((Integer) record.get("id"), text(record, "description"), text(record, "kind"), text(record, "name"),
                text(record, "user"), StatusStore.State.valueOf(text(record, "state")), (Long) record.get("submitted"), (Long) record.get("completed"),
                text(record, "error"), stages, counters);
    }

    /** Avro reads strings as its own {@code Utf8}. */
    private static String text(GenericRecord record, String field)
    {
        Object value = record.get(field);
        return value == null ? null : value.toString();
    }
}
