package io.tusk.io;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.tusk.engine.serde.SerializerProvider;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How Avro records travel through shuffles and serialized caches: in Avro's binary encoding, not
 * field by field. A specific record needs nothing but its class (which Kryo writes); a generic record
 * carries its schema's JSON, since a generic record's schema may be made anywhere in a job and the
 * process that reads it must know it (map generic records to smaller objects before a large shuffle).
 */
public final class AvroSerializers
        implements SerializerProvider
{
    @Override
    public Map<Class<?>, Serializer<?>> serializers()
    {
        return Map.of(GenericData.Record.class, new GenericRecordSerializer(), SpecificRecordBase.class, new SpecificRecordSerializer());
    }

    private static final class GenericRecordSerializer
            extends Serializer<GenericData.Record>
    {
        private record Writing(String json, GenericDatumWriter<Object> writer) {}

        private final Map<Schema, Writing> writers = new ConcurrentHashMap<>();
        private final Map<String, GenericDatumReader<Object>> readers = new ConcurrentHashMap<>();

        @Override
        public void write(Kryo kryo, Output output, GenericData.Record record)
        {
            Writing writing = writers.computeIfAbsent(record.getSchema(), schema -> new Writing(schema.toString(), new GenericDatumWriter<>(schema)));
            output.writeString(writing.json());
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(output, null);
            try {
                writing.writer().write(record, encoder);
                encoder.flush();
            }
            catch (IOException e) {
                throw new KryoException("Cannot write Avro record " + record, e);
            }
        }

        @Override
        public GenericData.Record read(Kryo kryo, Input input, Class<? extends GenericData.Record> type)
        {
            GenericDatumReader<Object> reader = readers.computeIfAbsent(input.readString(), json -> new GenericDatumReader<>(new Schema.Parser().parse(json)));
            try {
                return (GenericData.Record) reader.read(null, DecoderFactory.get().directBinaryDecoder(input, null));
            }
            catch (IOException e) {
                throw new KryoException("Cannot read an Avro record", e);
            }
        }

        @Override
        public GenericData.Record copy(Kryo kryo, GenericData.Record original)
        {
            return new GenericData.Record(original, true);
        }
    }

    private static final class SpecificRecordSerializer
            extends Serializer<SpecificRecordBase>
    {
        private final ClassValue<SpecificDatumWriter<Object>> writers = new ClassValue<>()
        {
            @Override
            protected SpecificDatumWriter<Object> computeValue(Class<?> type)
            {
                SpecificData data = SpecificData.getForClass(type);
                return new SpecificDatumWriter<>(data.getSchema(type), data);
            }
        };
        private final ClassValue<SpecificDatumReader<Object>> readers = new ClassValue<>()
        {
            @Override
            @SuppressWarnings("unchecked")
            protected SpecificDatumReader<Object> computeValue(Class<?> type)
            {
                return new SpecificDatumReader<>((Class<Object>) type);
            }
        };

        @Override
        public void write(Kryo kryo, Output output, SpecificRecordBase record)
        {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(output, null);
            try {
                writers.get(record.getClass()).write(record, encoder);
                encoder.flush();
            }
            catch (IOException e) {
                throw new KryoException("Cannot write Avro record " + record, e);
            }
        }

        @Override
        public SpecificRecordBase read(Kryo kryo, Input input, Class<? extends SpecificRecordBase> type)
        {
            try {
                return (SpecificRecordBase) readers.get(type).read(null, DecoderFactory.get().directBinaryDecoder(input, null));
            }
            catch (IOException e) {
                throw new KryoException("Cannot read an Avro record of " + type.getName(), e);
            }
        }

        @Override
        public SpecificRecordBase copy(Kryo kryo, SpecificRecordBase original)
        {
            return SpecificData.getForClass(original.getClass()).deepCopy(original.getSchema(), original);
        }
    }
}
