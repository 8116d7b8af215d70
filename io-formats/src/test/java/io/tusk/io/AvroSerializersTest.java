package io.tusk.io;

import io.tusk.engine.serde.KryoSerde;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class AvroSerializersTest
{
    private static final Schema POINT = new Schema.Parser().parse("""
            {"type": "record", "name": "Point", "fields": [
              {"name": "label", "type": "string"},
              {"name": "x", "type": "long"},
              {"name": "tags", "type": {"type": "array", "items": "string"}}
            ]}""");

    @Test
    void genericRecordsTravelInAvroBinaryWithTheirSchema()
    {
        KryoSerde serde = new KryoSerde();
        GenericData.Record point = new GenericData.Record(POINT);
        point.put("label", "origin");
        point.put("x", 123_456_789_012L);
        point.put("tags", java.util.List.of(new Utf8("a"), new Utf8("b")));

        byte[] bytes = serde.serialize(point);
        assertThat(new String(bytes, StandardCharsets.UTF_8)).as("the schema travels as JSON").contains("\"name\":\"Point\"");
        Object copy = serde.deserialize(bytes);
        assertThat(copy).isInstanceOf(GenericData.Record.class).hasToString(point.toString());
        assertThat(((GenericData.Record) copy).getSchema()).isEqualTo(POINT);
    }

    @Test
    void specificRecordsTravelInAvroBinaryWithoutTheirSchema()
    {
        KryoSerde serde = new KryoSerde();
        byte[] bytes = serde.serialize(new AvroUser("ann", 41, "Oslo"));
        assertThat(new String(bytes, StandardCharsets.UTF_8)).doesNotContain("\"fields\"");
        AvroUser copy = (AvroUser) serde.deserialize(bytes);
        assertThat(copy.name()).isEqualTo("ann");
        assertThat(copy.age()).isEqualTo(41);
        assertThat(copy.city()).isEqualTo("Oslo");
    }
}
