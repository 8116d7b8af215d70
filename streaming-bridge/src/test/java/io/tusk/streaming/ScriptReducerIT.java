package io.tusk.streaming;

import io.tusk.engine.shuffle.RecordCursor;
import org.apache.hadoop.io.DataOutputBuffer;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapred.Reporter;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The native streaming reduce with real processes. */
class ScriptReducerIT
{
    @Test
    void feedsKeyTabValueLinesAndSplitsTheScriptsOutput()
            throws IOException
    {
        List<String> output = run("cat", "b", "1", "b", "", "c", "x\ty");

        // the script sees key TAB value lines; its output splits at the first tab
        assertThat(output).containsExactly("b|1", "b|", "c|x\ty");
    }

    @Test
    void usesTheSeparatorsAndKeyFieldsOfTheJob()
            throws IOException
    {
        JobConf conf = new JobConf(false);
        conf.set("stream.reduce.input.field.separator", ":");
        conf.set("stream.reduce.output.field.separator", ":");
        conf.setInt("stream.num.reduce.output.key.fields", 2);
        List<String> output = run(conf, "cat", "k", "v1:v2", "plain", "");

        assertThat(output).containsExactly("k:v1|v2", "plain:|");
    }

    @Test
    void discardsTheOutputOfAScriptWithoutInput()
            throws IOException
    {
        assertThat(run("echo spoken")).isEmpty();
    }

    @Test
    void aNonZeroExitFailsTheTask()
    {
        assertThatThrownBy(() -> run("sh -c 'cat >/dev/null; exit 3'", "k", "v"))
                .isInstanceOf(RuntimeException.class)
                .hasMessageContaining("subprocess failed with code 3");
    }

    @Test
    void aNonZeroExitIsAcceptedWhenTheJobSaysSo()
            throws IOException
    {
        JobConf conf = new JobConf(false);
        conf.setBoolean("stream.non.zero.exit.is.failure", false);
        assertThat(run(conf, "sh -c 'cat; exit 3'", "k", "v")).containsExactly("k|v");
    }

    @Test
    void seesTheJobConfigurationInItsEnvironment()
            throws IOException
    {
        JobConf conf = new JobConf(false);
        conf.set("my.setting-x", "42");
        assertThat(run(conf, "sh -c 'cat >/dev/null; echo $my_setting_x'", "k", "v")).containsExactly("42|");
    }

    @Test
    void aFailingInputFinishesTheScriptAndFailsWithTheInputsError()
            throws IOException
    {
        TextCursor failing = new TextCursor("k", "v", "k", "v")
        {
            private int calls;

            @Override
            public boolean next()
            {
                if (++calls == 2) {
                    throw new IllegalStateException("input broke");
                }
                return super.next();
            }
        };
        List<String> output = new ArrayList<>();
        assertThatThrownBy(() -> new ScriptReducer("cat", new JobConf(false)).run(failing, (key, value) -> output.add(key + "|" + value), Reporter.NULL))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("input broke");
        // the script got its input closed and ran to its end: what it read came out
        assertThat(output).containsExactly("k|v");
    }

    private static List<String> run(String command, String... keysAndValues)
            throws IOException
    {
        return run(new JobConf(false), command, keysAndValues);
    }

    private static List<String> run(JobConf conf, String command, String... keysAndValues)
            throws IOException
    {
        List<String> output = new ArrayList<>();
        new ScriptReducer(command, conf).run(new TextCursor(keysAndValues), (key, value) -> output.add(key + "|" + value), Reporter.NULL);
        return output;
    }

    /** Serialized Text keys and values, as the merged shuffle hands them over. */
    private static class TextCursor
            implements RecordCursor
    {
        private final List<byte[]> records = new ArrayList<>();
        private int position = -2;

        TextCursor(String... keysAndValues)
                throws IOException
        {
            for (String text : keysAndValues) {
                DataOutputBuffer buffer = new DataOutputBuffer();
                new Text(text).write(buffer);
                records.add(Arrays.copyOf(buffer.getData(), buffer.getLength()));
            }
        }

        @Override
        public boolean next()
        {
            position += 2;
            return position < records.size();
        }

        @Override
        public int prefix()
        {
            return 0;
        }

        @Override
        public byte[] keyBuffer()
        {
            return records.get(position);
        }

        @Override
        public int keyOffset()
        {
            return 0;
        }

        @Override
        public int keyLength()
        {
            return records.get(position).length;
        }

        @Override
        public byte[] valueBuffer()
        {
            return records.get(position + 1);
        }

        @Override
        public int valueOffset()
        {
            return 0;
        }

        @Override
        public int valueLength()
        {
            return records.get(position + 1).length;
        }

        @Override
        public void close() {}
    }
}
