package io.tusk.mr.task;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.IntWritable;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.WritableUtils;
import org.apache.hadoop.io.serializer.Deserializer;
import org.apache.hadoop.io.serializer.SerializationFactory;
import org.apache.hadoop.io.serializer.Serializer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class RecordBuffersTest
{
    @Test
    void writesTheBytesHadoopsStreamsWriteAndReadsThemBack()
            throws IOException
    {
        RecordOutput output = new RecordOutput();
        ByteArrayOutputStream reference = new ByteArrayOutputStream();
        DataOutputStream referenceOut = new DataOutputStream(reference);
        for (int round = 0; round < 2; round++) {
            output.reset();
            reference.reset();
            for (DataOutputStream out : new DataOutputStream[] {output, referenceOut}) {
                new Text("é".repeat(300 * (round + 1))).write(out);
                new IntWritable(-7).write(out);
                WritableUtils.writeVLong(out, Long.MIN_VALUE);
                out.writeUTF("tusk");
                out.write(1);
            }
            assertThat(Arrays.copyOf(output.data(), output.length())).isEqualTo(reference.toByteArray());
        }

        RecordInput input = new RecordInput();
        byte[] padded = new byte[output.length() + 6];
        System.arraycopy(output.data(), 0, padded, 3, output.length());
        input.reset(padded, 3, output.length());
        Text text = new Text();
        text.readFields(input);
        IntWritable number = new IntWritable();
        number.readFields(input);
        assertThat(text.toString()).isEqualTo("é".repeat(600));
        assertThat(number.get()).isEqualTo(-7);
        assertThat(WritableUtils.readVLong(input)).isEqualTo(Long.MIN_VALUE);
        assertThat(input.readUTF()).isEqualTo("tusk");
        assertThat(input.read()).isEqualTo(1);
        assertThat(input.read()).isEqualTo(-1);
    }

    @Test
    void hadoopSerializersUseTheBuffersDirectly()
            throws IOException
    {
        SerializationFactory factory = new SerializationFactory(new Configuration(false));
        Serializer<LongWritable> serializer = factory.getSerializer(LongWritable.class);
        RecordOutput output = new RecordOutput();
        serializer.open(output);
        serializer.serialize(new LongWritable(42));
        serializer.serialize(new LongWritable(43));

        Deserializer<LongWritable> deserializer = factory.getDeserializer(LongWritable.class);
        RecordInput input = new RecordInput();
        deserializer.open(input);
        input.reset(output.data(), 8, 8);
        assertThat(deserializer.deserialize(null).get()).isEqualTo(43);
        input.reset(output.data(), 0, 8);
        assertThat(deserializer.deserialize(null).get()).isEqualTo(42);
    }
}
