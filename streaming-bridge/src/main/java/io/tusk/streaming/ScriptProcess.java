package io.tusk.streaming;

import io.tusk.mr.task.MapAccelerator;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapred.OutputCollector;
import org.apache.hadoop.mapred.Reporter;
import org.apache.hadoop.streaming.Environment;
import org.apache.hadoop.streaming.PathFinder;
import org.apache.hadoop.util.LineReader;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A streaming task's script, started and run as Hadoop Streaming's {@code PipeMapRed} runs it: the
 * command split on spaces outside quotes, a relative program made executable and looked up in the
 * working directory and then on {@code PATH}; the environment with every job configuration key
 * (non-alphanumerics as {@code _}), {@code stream.addenvironment} and {@code TMPDIR}. Its stdout
 * is read on a dedicated thread, split into key and value like {@code TextOutputReader} and
 * collected; its stderr on another, where {@code reporter:counter:} and {@code reporter:status:}
 * lines go to the reporter and other lines to {@code System.err}. The task's thread writes the
 * script's input through {@link #input()}, a large buffer. Not thread-safe: one task thread.
 */
final class ScriptProcess
{
    private static final Logger LOG = LogManager.getLogger(ScriptProcess.class);
    private static final int BUFFER_SIZE = 128 * 1024;
    private static Map<String, String> inheritedEnvironment;

    private final Process process;
    private final ScriptInput input;
    private final boolean nonZeroExitIsFailure;
    private final long joinMillis;
    private final JobConf conf;
    private final byte[] outputSeparator;
    private final int outputKeyFields;
    private Thread outputThread;
    private Thread errorThread;
    private volatile Throwable threadFailure;
    private volatile boolean statusFromScript;

    /**
     * Starts {@code command} for the task configured by {@code conf}; the script's output lines are
     * split at the {@code outputKeyFields}-th {@code outputSeparator}.
     */
    ScriptProcess(String command, JobConf conf, byte[] outputSeparator, int outputKeyFields)
            throws IOException
    {
        this.conf = conf;
        this.outputSeparator = outputSeparator;
        this.outputKeyFields = outputKeyFields;
        this.nonZeroExitIsFailure = conf.getBoolean("stream.non.zero.exit.is.failure", true);
        this.joinMillis = conf.getLong("stream.joindelay.milli", 0);
        List<String> argv = splitCommand(command);
        if (argv.isEmpty()) {
            throw new IOException("Empty streaming command");
        }
        File workingDirectory = new File(".").getAbsoluteFile();
        String program = argv.get(0);
        if (!new File(program).isAbsolute()) {
            try {
                FileUtil.chmod(new File(workingDirectory, program).toString(), "a+x");
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RuntimeException("configuration exception", e);
            }
            PathFinder finder = new PathFinder("PATH");
            finder.prependPathComponent(workingDirectory.toString());
            File found = finder.getAbsolutePath(program);
            if (found != null) {
                argv.set(0, found.getAbsolutePath());
            }
        }
        LOG.info("PipeMapRed exec {}", argv);
        ProcessBuilder builder = new ProcessBuilder(argv);
        Map<String, String> environment = builder.environment();
        environment.putAll(inheritedEnvironment());
        environment.putAll(jobEnvironment(conf));
        try {
            this.process = builder.start();
        }
        catch (IOException e) {
            // the failure Hadoop's PipeMapRed.configure reports
            throw new RuntimeException("configuration exception", e);
        }
        this.input = new ScriptInput(process.getOutputStream());
    }

    /** The script's input; the caller writes whole lines. */
    ScriptInput input()
    {
        return input;
    }

    /** Starts reading the script's stdout into {@code output} and its stderr into {@code reporter}. */
    void startReading(OutputCollector<Object, Object> output, Reporter reporter)
    {
        startReading(output, null, reporter);
    }

    /**
     * Starts reading the script's stdout into {@code text} when not null, else into {@code output},
     * and its stderr into {@code reporter}.
     */
    void startReading(OutputCollector<Object, Object> output, MapAccelerator.TextSink text, Reporter reporter)
    {
        outputThread = new Thread(() -> readOutput(output, text, reporter), "streaming-output");
        outputThread.setDaemon(true);
        outputThread.start();
        errorThread = new Thread(() -> readErrors(reporter), "streaming-error");
        errorThread.setDaemon(true);
        errorThread.start();
    }

    boolean readingStarted()
    {
        return outputThread != null;
    }

    /** A failure of the output or error thread, or null. */
    Throwable threadFailure()
    {
        return threadFailure;
    }

    /** The script's exit code, or null while it runs. */
    Integer exitCode()
    {
        return process.isAlive() ? null : process.exitValue();
    }

    /**
     * Closes the script's input, waits for it to exit and for its output to be read, as
     * {@code PipeMapRed.mapRedFinished}: a non-zero exit fails the task unless
     * {@code stream.non.zero.exit.is.failure=false}, and so does a failure reading its output. The
     * process is destroyed in any case.
     */
    void finish()
    {
        try {
            try {
                input.close();
            }
            catch (IOException e) {
                LOG.warn("Closing the streaming command's input failed", e);
            }
            if (outputThread == null) {
                // no input at all: the script's output is read and discarded, as Hadoop does
                startReading((key, value) -> {}, Reporter.NULL);
            }
            int exit = process.waitFor();
            if (exit != 0) {
                if (nonZeroExitIsFailure) {
                    throw new RuntimeException("PipeMapRed.waitOutputThreads(): subprocess failed with code " + exit);
                }
                LOG.info("PipeMapRed.waitOutputThreads(): subprocess exited with code {}", exit);
            }
            outputThread.join(joinMillis);
            errorThread.join(joinMillis);
            if (threadFailure != null) {
                throw new RuntimeException(threadFailure);
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        finally {
            process.destroy();
        }
    }

    private void readOutput(OutputCollector<Object, Object> output, MapAccelerator.TextSink text, Reporter reporter)
    {
        long reportDelay = 10_000;
        long lastReport = 0;
        long written = 0;
        try (InputStream stdout = process.getInputStream()) {
            boolean[] refilled = {false};
            // the clock is read when the reader fills its buffer from the script (each line of a slow
            // script, every few thousand lines of a fast one), not for every line: the same reports
            LineReader lines = new LineReader(stdout, BUFFER_SIZE)
            {
                @Override
                protected int fillBuffer(InputStream in, byte[] buffer, boolean inDelimiter)
                        throws IOException
                {
                    refilled[0] = true;
                    return super.fillBuffer(in, buffer, inDelimiter);
                }
            };
            Text line = new Text();
            Text key = new Text();
            Text value = new Text();
            while (lines.readLine(line) > 0) {
                byte[] bytes = line.getBytes();
                int length = line.getLength();
                int position = keyEnd(bytes, length);
                if (text != null) {
                    // the script's bytes go to the shuffle as they are
                    if (position == -1) {
                        text.collect(bytes, 0, length, length, 0);
                    }
                    else {
                        text.collect(bytes, 0, position, position + outputSeparator.length, length - position - outputSeparator.length);
                    }
                }
                else {
                    if (position == -1) {
                        key.set(bytes, 0, length);
                        value.set(bytes, 0, 0);
                    }
                    else {
                        key.set(bytes, 0, position);
                        value.set(bytes, position + outputSeparator.length, length - position - outputSeparator.length);
                    }
                    output.collect(key, value);
                }
                written++;
                if (!refilled[0]) {
                    continue;
                }
                refilled[0] = false;
                long now = System.currentTimeMillis();
                if (now - lastReport > reportDelay) {
                    lastReport = now;
                    if (statusFromScript) {
                        reporter.progress();
                    }
                    else {
                        reporter.setStatus("Records W=" + written);
                    }
                }
            }
        }
        catch (Throwable e) {
            threadFailure = e;
            LOG.warn("Reading the streaming command's output failed", e);
        }
    }

    /**
     * As {@code TextOutputReader}: the key is the line up to the n-th separator (returned), or all of
     * it (-1) with an empty value.
     */
    private int keyEnd(byte[] line, int length)
    {
        int position = indexOf(line, 0, length, outputSeparator);
        for (int field = 1; field < outputKeyFields && position != -1; field++) {
            position = indexOf(line, position + outputSeparator.length, length, outputSeparator);
        }
        return position;
    }

    private static int indexOf(byte[] bytes, int from, int end, byte[] pattern)
    {
        int last = end - pattern.length;
        for (int i = from; i <= last; i++) {
            if (bytes[i] == pattern[0] && Arrays.equals(bytes, i, i + pattern.length, pattern, 0, pattern.length)) {
                return i;
            }
        }
        return -1;
    }

    private void readErrors(Reporter reporter)
    {
        String prefix = conf.get("stream.stderr.reporter.prefix", "reporter:");
        String counterPrefix = prefix + "counter:";
        String statusPrefix = prefix + "status:";
        try (InputStream stderr = process.getErrorStream()) {
            LineReader lines = new LineReader(stderr, conf);
            Text line = new Text();
            while (lines.readLine(line) > 0) {
                String text = line.toString();
                if (text.startsWith(counterPrefix)) {
                    incrementCounter(reporter, text, counterPrefix);
                }
                else if (text.startsWith(statusPrefix)) {
                    statusFromScript = true;
                    reporter.setStatus(text.substring(statusPrefix.length()).trim());
                }
                else if (text.startsWith(prefix)) {
                    LOG.warn("Cannot parse reporter line: {}", text);
                }
                else {
                    System.err.println(text);
                }
                // every line of stderr counts as progress, as streaming's documentation says: a script
                // that only writes to stderr does not time out (mapreduce.task.timeout)
                reporter.progress();
            }
        }
        catch (Throwable e) {
            threadFailure = e;
            LOG.warn("Reading the streaming command's stderr failed", e);
        }
    }

    private static void incrementCounter(Reporter reporter, String line, String counterPrefix)
    {
        String[] columns = line.substring(counterPrefix.length()).trim().split(",");
        if (columns.length != 3) {
            LOG.warn("Cannot parse counter line: {}", line);
            return;
        }
        try {
            reporter.incrCounter(columns[0], columns[1], Long.parseLong(columns[2]));
        }
        catch (NumberFormatException e) {
            LOG.warn("Cannot parse counter increment '{}' from line: {}", columns[2], line);
        }
    }

    /**
     * Splits a streaming command as Hadoop does: at spaces outside quotes; a single or double quote
     * starts or ends a quoted part (the quotes are dropped, and each quote also ends a word).
     */
    static List<String> splitCommand(String command)
    {
        List<String> words = new ArrayList<>();
        char quote = 0;
        int start = 0;
        for (int i = 0; i <= command.length(); i++) {
            boolean end = i == command.length();
            boolean boundary = end;
            if (!end) {
                char c = command.charAt(i);
                if ((c == '\'' || c == '"') && (quote == 0 || quote == c)) {
                    quote = quote == 0 ? c : 0;
                    boundary = true;
                }
                else if (c == ' ' && quote == 0) {
                    boundary = true;
                }
            }
            if (boundary) {
                if (i > start) {
                    words.add(command.substring(start, i));
                }
                start = i + 1;
            }
        }
        return words;
    }

    /** Every configuration key of the task (deprecated twins included, values expanded) as a variable. */
    private static Map<String, String> jobEnvironment(JobConf taskConf)
    {
        JobConf conf = new JobConf(taskConf);
        conf.setDeprecatedProperties();
        int limit = conf.getInt("stream.jobconf.truncate.limit", -1);
        Map<String, String> environment = new HashMap<>();
        for (Map.Entry<String, String> entry : conf) {
            String value = conf.get(entry.getKey());
            if (limit > -1 && value.length() > limit) {
                LOG.warn("Environment variable {} truncated to {} to fit system limits.", safeName(entry.getKey()), limit);
                value = value.substring(0, limit);
            }
            environment.put(safeName(entry.getKey()), value);
        }
        String added = conf.get("stream.addenvironment");
        if (added != null) {
            for (String pair : added.split(" ")) {
                String[] nameValue = pair.split("=", 2);
                if (nameValue.length == 2) {
                    environment.put(nameValue[0], nameValue[1]);
                }
                else {
                    LOG.info("Skip env entry:{}", pair);
                }
            }
        }
        environment.put("TMPDIR", System.getProperty("java.io.tmpdir"));
        return environment;
    }

    private static String safeName(String name)
    {
        char[] chars = name.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            char c = chars[i];
            if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
                chars[i] = '_';
            }
        }
        return new String(chars);
    }

    /** The environment Hadoop Streaming starts from: the one {@code env} prints, read once. */
    private static synchronized Map<String, String> inheritedEnvironment()
            throws IOException
    {
        if (inheritedEnvironment == null) {
            inheritedEnvironment = new Environment().toMap();
        }
        return inheritedEnvironment;
    }

    /**
     * The script's stdin: whole records are appended to a large buffer that goes to the pipe when
     * full, so the task's thread makes one system call per buffer and no call per field.
     */
    static final class ScriptInput
    {
        private final OutputStream stdin;
        private final byte[] buffer = new byte[BUFFER_SIZE];
        private int length;
        private boolean closed;

        ScriptInput(OutputStream stdin)
        {
            this.stdin = stdin;
        }

        void write(byte[] bytes, int offset, int count)
                throws IOException
        {
            if (buffer.length - length < count) {
                flush();
                if (count > buffer.length) {
                    stdin.write(bytes, offset, count);
                    return;
                }
            }
            System.arraycopy(bytes, offset, buffer, length, count);
            length += count;
        }

        void write(byte b)
                throws IOException
        {
            if (length == buffer.length) {
                flush();
            }
            buffer[length++] = b;
        }

        void flush()
                throws IOException
        {
            if (length > 0) {
                stdin.write(buffer, 0, length);
                length = 0;
            }
            stdin.flush();
        }

        void close()
                throws IOException
        {
            if (closed) {
                return;
            }
            closed = true;
            try {
                flush();
            }
            finally {
                stdin.close();
            }
        }
    }
}
