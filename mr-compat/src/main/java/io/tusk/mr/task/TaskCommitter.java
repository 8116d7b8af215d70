package io.tusk.mr.task;

import io.tusk.engine.task.TaskContext;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapred.FileOutputFormat;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapreduce.OutputCommitter;
import org.apache.hadoop.mapreduce.OutputFormat;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.task.TaskAttemptContextImpl;
import org.apache.hadoop.util.ReflectionUtils;

import java.io.IOException;

/**
 * The output committer of one task attempt, created and driven as Hadoop's {@code Task} does: each
 * attempt has its own committer (the new API's from the output format, the old API's from
 * {@code mapred.output.committer.class}), {@code setupTask} when the attempt starts,
 * {@code needsTaskCommit}/{@code commitTask} when it succeeds ({@code abortTask} if the commit
 * fails), {@code abortTask} when it fails. Confined to the task's thread.
 */
final class TaskCommitter
{
    private final OutputCommitter committer;
    private final TaskAttemptContext context;
    private final OutputFormat<?, ?> newOutputFormat;

    private TaskCommitter(OutputCommitter committer, TaskAttemptContext context, OutputFormat<?, ?> newOutputFormat)
    {
        this.committer = committer;
        this.context = context;
        this.newOutputFormat = newOutputFormat;
    }

    /**
     * Creates the committer, points the old API's work output path at it, and sets the task up.
     *
     * @param newApi whether the task uses the new API for its output (the mapper of a map-only
     * job, the reducer otherwise)
     */
    static TaskCommitter setUp(JobConf conf, org.apache.hadoop.mapred.TaskAttemptID attempt, boolean newApi, TaskReporter reporter)
            throws IOException, InterruptedException
    {
        org.apache.hadoop.mapred.TaskAttemptContextImpl taskContext = new org.apache.hadoop.mapred.TaskAttemptContextImpl(conf, attempt);
        OutputCommitter committer;
        OutputFormat<?, ?> outputFormat = null;
        if (newApi) {
            try {
                outputFormat = ReflectionUtils.newInstance(new TaskAttemptContextImpl(conf, attempt, reporter).getOutputFormatClass(), conf);
            }
            catch (ClassNotFoundException e) {
                throw new IOException(e);
            }
            committer = outputFormat.getOutputCommitter(taskContext);
        }
        else {
            committer = conf.getOutputCommitter();
        }
        Path outputPath = FileOutputFormat.getOutputPath(conf);
        if (outputPath != null) {
            if (committer instanceof org.apache.hadoop.mapred.FileOutputCommitter fileCommitter) {
                FileOutputFormat.setWorkOutputPath(conf, fileCommitter.getTaskAttemptPath(taskContext));
            }
            else {
                FileOutputFormat.setWorkOutputPath(conf, outputPath);
            }
        }
        committer.setupTask(taskContext);
        return new TaskCommitter(committer, taskContext, outputFormat);
    }

    OutputCommitter committer()
    {
        return committer;
    }

    /** The new API's output format instance that produced the committer; null for the old API. */
    OutputFormat<?, ?> newOutputFormat()
    {
        return newOutputFormat;
    }

    void commit()
            throws IOException
    {
        if (TaskContext.current().map(TaskContext::isCancelled).orElse(Thread.currentThread().isInterrupted())) {
            // the job was cancelled or failed while this attempt ran (even if the user's code
            // swallowed the interrupt): its output must not count
            abort();
            throw new java.io.InterruptedIOException("Attempt " + context.getTaskAttemptID() + " was cancelled before it committed");
        }
        if (committer.needsTaskCommit(context)) {
            try {
                committer.commitTask(context);
            }
            catch (IOException | RuntimeException e) {
                abort();
                throw e;
            }
        }
    }

    void abort()
    {
        try {
            committer.abortTask(context);
        }
        catch (IOException | RuntimeException ignored) {
            // the job's abort removes what is left
        }
    }
}
