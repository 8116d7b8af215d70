package io.tusk.streaming;

import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapred.RecordReader;
import org.apache.hadoop.mapred.Reporter;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The native streaming map with real processes. */
class ScriptMapperIT
{
    @Test
    void feedsValuesOrKeysAndValuesAndCollectsObjectsWithoutASink()
            throws IOException
    {
        JobConf conf = new JobConf(false);
        assertThat(run(new ScriptMapper("cat", conf, true), false, "a b", "c\td")).containsExactly("a b|", "c|d");
        assertThat(run(new ScriptMapper("cat", conf, false), false, "a b")).containsExactly("0|a b");
    }

    @Test
    void givesTheScriptsBytesToTheTextSink()
            throws IOException
    {
        JobConf conf = new JobConf(false);
        conf.setInt("stream.num.map.output.key.fields", 2);
        assertThat(run(new ScriptMapper("cat", conf, true), true, "k1\tk2\tv", "k\tv", "solo")).containsExactly("k1\tk2|v", "k\tv|", "solo|");
    }

    @Test
    void aScriptThatStopsReadingFailsTheMapOnceItsInputOverflowsThePipe()
    {
        JobConf conf = new JobConf(false);
        String[] lines = Collections.nCopies(200_000, "a line of input for a script that reads one line").toArray(new String[0]);
        assertThatThrownBy(() -> run(new ScriptMapper("head -1", conf, true), true, lines)).isInstanceOf(IOException.class);
    }

    @Test
    void aNonZeroExitFailsTheMap()
    {
        assertThatThrownBy(() -> run(new ScriptMapper("sh -c 'cat; exit 4'", new JobConf(false), true), true, "x"))
                .hasMessageContaining("subprocess failed with code 4");
    }

    private static List<String> run(ScriptMapper mapper, boolean sink, String... lines)
            throws IOException
    {
        List<String> output = Collections.synchronizedList(new ArrayList<>());
        mapper.run(new Lines(lines), (key, value) -> output.add(key + "|" + value),
                sink ? (bytes, keyOffset, keyLength, valueOffset, valueLength) -> output.add(
                        new String(bytes, keyOffset, keyLength, StandardCharsets.UTF_8) + "|" + new String(bytes, valueOffset, valueLength, StandardCharsets.UTF_8)) : null,
                Reporter.NULL);
        return output;
    }

    /** Lines with their offsets, as TextInputFormat reads them. */
    private static final class Lines
            implements RecordReader<Object, Object>
    {
        private final String[] lines;
        private int next;
        private long offset;

        Lines(String... lines)
        {
            this.lines = lines;
        }

        @Override
        public boolean next(Object key, Object value)
        {
            if (next == lines.length) {
                return false;
            }
            ((LongWritable) key).set(offset);
            ((Text) value).set(lines[next]);
            offset += lines[next].length() + 1;
            next++;
            return true;
        }

        @Override
        public Object createKey()
        {
            return new LongWritable();
        }

        @Override
        public Object createValue()
        {
            return new Text();
        }

        @Override
        public long getPos()
        {
            return offset;
        }

        @Override
        public void close() {}

        @Override
        public float getProgress()
        {
            return lines.length == 0 ? 1 : (float) next / lines.length;
        }
    }
}
