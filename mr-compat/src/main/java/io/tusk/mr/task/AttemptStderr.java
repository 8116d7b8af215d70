package io.tusk.mr.task;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Callable;

/**
 * The standard error of task attempts. What an attempt's thread, and the threads it starts (such
 * as streaming's reader of the script's stderr), writes to {@code System.err} still goes to the
 * process's standard error; the last lines are also kept per attempt so that a failed attempt's
 * diagnostics end with them, as a cluster keeps the task's stderr log.
 */
public final class AttemptStderr
        extends OutputStream
{
    static final int TAIL_LINES = 20;
    private static final int TAIL_LINE_BYTES = 512;
    private static final InheritableThreadLocal<Tail> CURRENT = new InheritableThreadLocal<>();

    private final PrintStream target;

    private AttemptStderr(PrintStream target)
    {
        this.target = target;
    }

    /**
     * Runs {@code attempt} with its standard error kept; a failure leaves with the last lines
     * attached as a suppressed {@link StderrTail}.
     */
    public static <T> T run(Callable<T> attempt)
            throws Exception
    {
        install();
        Tail previous = CURRENT.get();
        Tail tail = new Tail();
        CURRENT.set(tail);
        try {
            return attempt.call();
        }
        catch (Exception | Error e) {
            String lines = tail.lines();
            if (!lines.isEmpty()) {
                e.addSuppressed(new StderrTail(lines));
            }
            throw e;
        }
        finally {
            tail.close();
            CURRENT.set(previous);
        }
    }

    /** The standard error tail attached to {@code failure} or one of its causes, or null. */
    public static StderrTail tailOf(Throwable failure)
    {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            for (Throwable suppressed : t.getSuppressed()) {
                if (suppressed instanceof StderrTail tail) {
                    return tail;
                }
            }
        }
        return null;
    }

    private static synchronized void install()
    {
        PrintStream current = System.err;
        if (!(current instanceof Installed)) {
            System.setErr(new Installed(new AttemptStderr(current), Charset.defaultCharset()));
        }
    }

    @Override
    public void write(int b)
    {
        target.write(b);
        Tail tail = CURRENT.get();
        if (tail != null) {
            tail.append(new byte[] {(byte) b}, 0, 1);
        }
    }

    @Override
    public void write(byte[] bytes, int offset, int length)
    {
        target.write(bytes, offset, length);
        Tail tail = CURRENT.get();
        if (tail != null) {
            tail.append(bytes, offset, length);
        }
    }

    @Override
    public void flush()
    {
        target.flush();
    }

    /** System.err while attempts run: marks the stream so that it is installed once. */
    private static final class Installed
            extends PrintStream
    {
        Installed(AttemptStderr out, Charset charset)
        {
            super(out, true, charset);
        }
    }

    /** The last {@link #TAIL_LINES} lines of one attempt, each cut at {@link #TAIL_LINE_BYTES} bytes. */
    private static final class Tail
    {
        private final Deque<String> lines = new ArrayDeque<>();
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private boolean closed;

        synchronized void append(byte[] bytes, int offset, int length)
        {
            if (closed) {
                return;
            }
            for (int i = offset; i < offset + length; i++) {
                byte b = bytes[i];
                if (b == '\n') {
                    endLine();
                }
                else if (pending.size() < TAIL_LINE_BYTES) {
                    pending.write(b);
                }
            }
        }

        private void endLine()
        {
            String text = pending.toString(Charset.defaultCharset()).stripTrailing();
            pending.reset();
            if (lines.size() == TAIL_LINES) {
                lines.removeFirst();
            }
            lines.addLast(text);
        }

        synchronized String lines()
        {
            if (pending.size() > 0) {
                endLine();
            }
            return String.join("\n", lines);
        }

        synchronized void close()
        {
            closed = true;
        }
    }

    /** The last lines an attempt wrote to its standard error, attached to its failure. */
    public static final class StderrTail
            extends Exception
    {
        public StderrTail(String lines)
        {
            super(lines, null, false, false);
        }

        @Override
        public String toString()
        {
            return "Last lines of the attempt's stderr:\n" + getMessage();
        }
    }
}
