package io.tusk.io;

import io.tusk.engine.Tusk;
import io.tusk.engine.TuskConfig;
import io.tusk.engine.dataset.Dataset;
import io.tusk.engine.dataset.Pair;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Avro datasets: what {@code saveAsAvroFile} writes is an Avro container file that Avro itself
 * reads, {@code avroFile} reads it back as generic records, in a reader schema, or as specific
 * records, through shuffles too, and from memory while the files are unchanged.
 */
class AvroDatasetsIT
{
    private static final Schema USER = new Schema.Parser().parse("""
            {"type": "record", "name": "User", "namespace": "test", "fields": [
              {"name": "name", "type": "string"},
              {"name": "age", "type": "int"},
              {"name": "email", "type": ["null", "string"], "default": null}
            ]}""");

    @TempDir
    Path temp;
    private Tusk tusk;

    @BeforeEach
    void setUp()
    {
        tusk = Tusk.create(TuskConfig.fromProperties(Map.of(FileSplitter.MAX_SIZE, "8000"))
                .withThreads(2)
                .withMemoryBudget(32 << 20)
                .withLocalDir(temp.resolve("local")));
    }

    @AfterEach
    void tearDown()
    {
        tusk.close();
    }

    private static List<GenericRecord> users(int count)
    {
        List<GenericRecord> users = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            GenericData.Record user = new GenericData.Record(USER);
            user.put("name", "user " + i);
            user.put("age", i % 90);
            user.put("email", i % 3 == 0 ? null : "u" + i + "@example.org");
            users.add(user);
        }
        return users;
    }


    private static List<String> strings(List<?> records)
    {
        return records.stream().map(Object::toString).toList();
    }

    @Test
    void genericRecordsRoundTripThroughAvroFilesAndMemory()
            throws IOException
    {
        List<GenericRecord> users = users(20_000);
        Path output = temp.resolve("users");
        tusk.parallelize(users, 3).saveAsAvroFile(output.toString(), USER.toString());

        List<String> parts;
        try (var files = Files.list(output)) {
            parts = files.map(file -> file.getFileName().toString()).filter(name -> !name.startsWith(".")).sorted().toList();
        }
        assertThat(parts).containsExactly("_SUCCESS", "part-00000.avro", "part-00001.avro", "part-00002.avro");
        // Avro itself reads what was written
        List<GenericRecord> first = new ArrayList<>();
        try (DataFileReader<GenericRecord> reader = new DataFileReader<>(output.resolve("part-00000.avro").toFile(), new GenericDatumReader<>())) {
            assertThat(reader.getSchema()).isEqualTo(USER);
            reader.forEach(first::add);
        }
        assertThat(strings(first)).isEqualTo(strings(users.subList(0, first.size())));
        long size = 0;
        for (String part : parts.subList(1, 4)) {
            size += Files.size(output.resolve(part));
        }

        long before = LocalReads.bytesRead();
        Dataset<GenericRecord> read = tusk.avroFile(output.toString());
        assertThat(read.numPartitions()).as("splits of parts of files").isGreaterThan(3);
        assertThat(strings(read.collect())).isEqualTo(strings(users));
        assertThat(LocalReads.bytesRead() - before).as("bytes read from the files").isLessThan(size / 10);

        // through a shuffle: records of each age, grouped
        Map<Integer, Integer> byAge = new TreeMap<>(tusk.<GenericRecord>avroFile(output.toString())
                .mapToPair(user -> Pair.of((Integer) user.get("age"), user))
                .groupByKey(3)
                .mapToPair(group -> Pair.of(group.key(), (int) group.value().stream().filter(user -> user.get("name").toString().startsWith("user ")).count()))
                .collectAsMap());
        Map<Integer, Integer> expected = new TreeMap<>();
        users.forEach(user -> expected.merge((Integer) user.get("age"), 1, Integer::sum));
        assertThat(byAge).isEqualTo(expected);

        // a part rewritten: read from its file
        int second;
        try (DataFileReader<GenericRecord> reader = new DataFileReader<>(output.resolve("part-00001.avro").toFile(), new GenericDatumReader<>())) {
            second = (int) java.util.stream.StreamSupport.stream(reader.spliterator(), false).count();
        }
        Files.delete(output.resolve("part-00001.avro"));
        Files.deleteIfExists(output.resolve(".part-00001.avro.crc"));
        tusk.parallelize(users(10), 1).saveAsAvroFile(temp.resolve("ten").toString(), USER.toString());
        Files.move(temp.resolve("ten/part-00000.avro"), output.resolve("part-00001.avro"));
        List<GenericRecord> changed = tusk.<GenericRecord>avroFile(output.toString()).collect();
        assertThat(changed).hasSize(users.size() - second + 10);
    }

    @Test
    void readerSchemaAndSpecificRecordsEvolveTheWrittenSchema()
    {
        Path output = temp.resolve("users");
        tusk.parallelize(users(1_000), 2).saveAsAvroFile(output.toString(), USER.toString(), "deflate");

        // a reader schema that drops email and adds city with a default
        String reader = AvroUser.SCHEMA$.toString().replace("\"AvroUser\"", "\"User\"").replace("\"io.tusk.io\"", "\"test\"");
        List<GenericRecord> evolved = tusk.<GenericRecord>avroFile(output.toString(), reader).collect();
        assertThat(evolved).hasSize(1_000);
        assertThat(evolved.get(7).getSchema().getFields()).extracting(Schema.Field::name).containsExactly("name", "age", "city");
        assertThat(evolved.get(7).get("city").toString()).isEqualTo("unknown");
        assertThat(evolved.get(7).get("age")).isEqualTo(7);

        // the same files as specific records (Avro resolves by field names; the record's name is the reader's)
        Path specific = temp.resolve("specific");
        tusk.parallelize(IntStream.range(0, 500).mapToObj(i -> new AvroUser("u" + i, i, "c" + (i % 7))).toList(), 2)
                .saveAsAvroFile(specific.toString(), AvroUser.SCHEMA$.toString());
        List<AvroUser> read = tusk.avroFile(specific.toString(), AvroUser.class)
                .filter(user -> user.age() % 2 == 0)
                .collect();
        assertThat(read).hasSize(250).allSatisfy(user -> assertThat(user.city()).isEqualTo("c" + (user.age() % 7)));
        Map<String, Integer> cities = new TreeMap<>(tusk.avroFile(specific.toString(), AvroUser.class)
                .mapToPair(user -> Pair.of(user.city(), user))
                .reduceByKey((a, b) -> a.age() > b.age() ? a : b)
                .mapToPair(pair -> Pair.of(pair.key(), pair.value().age()))
                .collectAsMap());
        assertThat(cities).containsEntry("c0", 497).containsEntry("c6", 496).hasSize(7);
    }

    @Test
    void wrongRecordsAndSchemasFailClearly()
    {
        assertThatThrownBy(() -> tusk.parallelize(List.of("not a record"), 1).saveAsAvroFile(temp.resolve("strings").toString(), USER.toString()))
                .hasStackTraceContaining("saveAsAvroFile writes Avro records (generic or specific), not java.lang.String");
        assertThat(temp.resolve("strings")).doesNotExist();
        assertThatThrownBy(() -> tusk.parallelize(List.of(1), 1).saveAsAvroFile(temp.resolve("bad").toString(), "{\"type\": \"recrd\"}"))
                .hasMessageContaining("The Avro schema is not valid");
        assertThatThrownBy(() -> tusk.parallelize(users(1), 1).saveAsAvroFile(temp.resolve("codec").toString(), USER.toString(), "lzma9"))
                .hasMessageContaining("Unknown Avro codec lzma9");
        assertThatThrownBy(() -> tusk.avroFile(temp.toString(), String.class))
                .hasMessageContaining("is not a specific record class");
    }
}
