package io.tusk.engine.status;

import java.io.PrintStream;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A progress bar on a terminal: one line, rewritten in place a few times a second, with a bar per
 * running stage (its tasks done of all, the records it wrote per second, how long its job has run),
 * cleared when nothing runs. For terminals only: the launcher turns it on when its error stream is
 * one ({@code tusk.console.progress}), and Hadoop's progress lines off. Written from a thread of its
 * own.
 */
public final class ConsoleProgress
        implements AutoCloseable
{
    /** Setting: show the bar (default false; {@code bin/tusk} sets it on a terminal). */
    public static final String ENABLED = "tusk.console.progress";
    private static final int BAR_WIDTH = 20;
    private static final int MAX_WIDTH = 160;

    private final StatusStore store;
    private final PrintStream out;
    private final Thread thread;
    private volatile boolean stopped;
    private boolean shown;

    public ConsoleProgress(StatusStore store, PrintStream out, long intervalMillis)
    {
        this.store = requireNonNull(store, "store is null");
        this.out = requireNonNull(out, "out is null");
        this.thread = new Thread(() -> {
            while (!stopped) {
                try {
                    Thread.sleep(intervalMillis);
                }
                catch (InterruptedException e) {
                    break;
                }
                draw();
            }
            clear();
        }, "tusk-console-progress");
        thread.setDaemon(true);
        thread.start();
    }

    private synchronized void draw()
    {
        String line = line(store.runningStages(), System.currentTimeMillis());
        if (line.isEmpty()) {
            clear();
            return;
        }
        // back to the line's start, the line, the rest of the terminal's line cleared, and back to its start: a log line
        // printed before the next drawing writes over the bar instead of after it
        out.print("\r" + line + "\u001b[K\r");
        out.flush();
        shown = true;
    }

    private synchronized void clear()
    {
        if (shown) {
            out.print("\r\u001b[K");
            out.flush();
            shown = false;
        }
    }

    /** The bar of {@code stages} at {@code now}; empty when none runs. */
    static String line(List<StatusStore.RunningStage> stages, long now)
    {
        StringBuilder line = new StringBuilder();
        for (StatusStore.RunningStage stage : stages) {
            int filled = stage.tasks() == 0 ? BAR_WIDTH : (int) ((long) BAR_WIDTH * stage.succeeded() / stage.tasks());
            line.append("[Stage ").append(stage.stageId()).append(' ').append(stage.kind()).append(':')
                    .append("=".repeat(filled)).append(filled < BAR_WIDTH ? ">" : "").append(" ".repeat(Math.max(0, BAR_WIDTH - filled - 1)))
                    .append(' ').append(stage.succeeded()).append('/').append(stage.tasks());
            if (stage.running() > 0) {
                line.append(" (").append(stage.running()).append(" running)");
            }
            long elapsed = Math.max(1, now - stage.submitted());
            if (stage.records() > 0) {
                line.append(", ").append(rate(stage.records() * 1000.0 / elapsed)).append(" records/s");
            }
            line.append("] ");
        }
        if (!stages.isEmpty()) {
            long jobElapsed = (now - stages.get(0).jobSubmitted()) / 1000;
            line.append(String.format("%d:%02d", jobElapsed / 60, jobElapsed % 60));
        }
        return line.length() > MAX_WIDTH ? line.substring(0, MAX_WIDTH) : line.toString();
    }

    private static String rate(double perSecond)
    {
        if (perSecond >= 1e6) {
            return String.format("%.1f M", perSecond / 1e6);
        }
        if (perSecond >= 1e3) {
            return String.format("%.1f k", perSecond / 1e3);
        }
        return String.format("%.0f", perSecond);
    }

    @Override
    public void close()
    {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(1_000);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
