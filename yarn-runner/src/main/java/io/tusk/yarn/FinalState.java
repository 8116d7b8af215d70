package io.tusk.yarn;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.Writable;
import org.apache.hadoop.mapreduce.Counters;
import org.apache.hadoop.mapreduce.JobID;
import org.apache.hadoop.mapreduce.JobStatus;
import org.apache.hadoop.mapreduce.TaskCompletionEvent;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a client needs of a finished job once its master is gone: the final status, counters, task
 * completion events and the failed attempts' diagnostics. The master writes it next to the job's
 * submit directory before it ends; the client reads it and deletes it.
 */
public final class FinalState
        implements Writable
{
    /** Most task completion events (and diagnostics) a final state may hold: four attempts of four million tasks. */
    private static final int MAX_EVENTS = 1 << 24;
    /** Longest diagnostic a final state may hold. */
    private static final int MAX_STRING_BYTES = 16 << 20;
    private JobStatus status = new org.apache.hadoop.mapred.JobStatus();
    private Counters counters = new Counters();
    private TaskCompletionEvent[] events = new TaskCompletionEvent[0];
    private Map<String, String> diagnostics = new LinkedHashMap<>();

    public FinalState() {}

    public FinalState(JobStatus status, Counters counters, TaskCompletionEvent[] events, Map<String, String> diagnostics)
    {
        this.status = status;
        this.counters = counters;
        this.events = events;
        this.diagnostics = new LinkedHashMap<>(diagnostics);
    }

    /** Where the master of {@code jobId} leaves its final state: beside the job's submit directory. */
    public static Path path(Path submitDir, JobID jobId)
    {
        return new Path(submitDir.getParent(), jobId + ".tusk-final");
    }

    public JobStatus status()
    {
        return status;
    }

    public Counters counters()
    {
        return counters;
    }

    public TaskCompletionEvent[] events()
    {
        return events;
    }

    public Map<String, String> diagnostics()
    {
        return diagnostics;
    }

    /** Writes to a temporary name and renames, so that a reader never sees half of it. */
    public void write(Configuration conf, Path path)
            throws IOException
    {
        FileSystem fs = path.getFileSystem(conf);
        Path temporary = new Path(path.getParent(), "." + path.getName() + ".tmp");
        try (FSDataOutputStream out = fs.create(temporary, true)) {
            write(out);
        }
        fs.delete(path, false);
        if (!fs.rename(temporary, path)) {
            throw new IOException("Cannot rename " + temporary + " to " + path);
        }
    }

    public static FinalState read(Configuration conf, Path path)
            throws IOException
    {
        FileSystem fs = path.getFileSystem(conf);
        FinalState state = new FinalState();
        try (FSDataInputStream in = fs.open(path)) {
            state.readFields(in);
        }
        return state;
    }

    @Override
    public void write(DataOutput out)
            throws IOException
    {
        SentJobStatus.copyOf(status).write(out);
        counters.write(out);
        out.writeInt(events.length);
        for (TaskCompletionEvent event : events) {
            event.write(out);
        }
        out.writeInt(diagnostics.size());
        for (Map.Entry<String, String> entry : diagnostics.entrySet()) {
            Text.writeString(out, entry.getKey());
            Text.writeString(out, entry.getValue());
        }
    }

    @Override
    public void readFields(DataInput in)
            throws IOException
    {
        SentJobStatus read = new SentJobStatus();
        read.readFields(in);
        status = read;
        counters = new Counters();
        counters.readFields(in);
        // counts checked before they size anything: the file may be cut or damaged
        events = new TaskCompletionEvent[io.tusk.yarn.net.ControlProtocol.readCount(in, MAX_EVENTS, "task completion events")];
        for (int i = 0; i < events.length; i++) {
            events[i] = new org.apache.hadoop.mapred.TaskCompletionEvent();
            events[i].readFields(in);
        }
        diagnostics = new LinkedHashMap<>();
        for (int i = io.tusk.yarn.net.ControlProtocol.readCount(in, MAX_EVENTS, "diagnostics"); i > 0; i--) {
            diagnostics.put(Text.readString(in, MAX_STRING_BYTES), Text.readString(in, MAX_STRING_BYTES));
        }
    }
}
