package io.tusk.io;

import io.tusk.engine.ErrorCode;
import io.tusk.engine.TuskException;
import io.tusk.io.cache.CachedFile;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.hadoop.fs.FSDataOutputStream;

import java.io.IOException;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Writes Avro records, generic or specific, of one schema into Avro container files
 * {@code part-NNNNN.avro}, uncompressed or with an Avro codec. The files are kept in memory as they
 * were written (compressed ones too: readers decompress the copy as they would the file).
 */
public final class AvroOutputJob
        extends FileOutputJob
{
    private final String schema;
    private final String codec;

    /** @param codec an Avro codec name, or null for none */
    public AvroOutputJob(String path, String schema, String codec, Map<String, String> settings)
    {
        super(path, settings);
        this.schema = requireNonNull(schema, "schema is null");
        this.codec = codec;
        parse(schema, "schema");
        if (codec != null) {
            codec(codec);
        }
    }

    /** {@code json} parsed, or a clear error naming {@code what} it is. */
    static Schema parse(String json, String what)
    {
        try {
            return new Schema.Parser().parse(json);
        }
        catch (SchemaParseException e) {
            throw new TuskException(ErrorCode.INVALID_ARGUMENT, "The Avro " + what + " is not valid: " + e.getMessage(), e);
        }
    }

    private static CodecFactory codec(String name)
    {
        try {
            return CodecFactory.fromString(name);
        }
        catch (AvroRuntimeException e) {
            throw new TuskException(ErrorCode.INVALID_ARGUMENT, "Unknown Avro codec " + name + "; Avro knows null, deflate, snappy, bzip2, xz and zstandard", e);
        }
    }

    @Override
    protected String keptFormat()
    {
        return CachedFile.AVRO;
    }

    @Override
    protected String extension()
    {
        return ".avro";
    }

    @Override
    protected RecordWriter open(FSDataOutputStream out)
            throws IOException
    {
        Schema parsed = parse(schema, "schema");
        DataFileWriter<Object> writer = new DataFileWriter<>(new SpecificDatumWriter<>(parsed));
        if (codec != null) {
            writer.setCodec(codec(codec));
        }
        writer.create(parsed, out);
        return new RecordWriter()
        {
            @Override
            public void write(Object record)
                    throws IOException
            {
                if (!(record instanceof IndexedRecord)) {
                    throw new TuskException(ErrorCode.INVALID_ARGUMENT, "saveAsAvroFile writes Avro records (generic or specific), not "
                            + (record == null ? "null" : record.getClass().getName()));
                }
                try {
                    writer.append(record);
                }
                catch (DataFileWriter.AppendWriteException e) {
                    throw new TuskException(ErrorCode.INVALID_ARGUMENT, "Record " + record + " does not fit the schema of saveAsAvroFile: " + e.getMessage(), e);
                }
            }

            @Override
            public void close()
                    throws IOException
            {
                writer.close();
            }
        };
    }
}
