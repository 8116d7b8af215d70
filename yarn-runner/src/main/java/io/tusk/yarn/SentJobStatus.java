package io.tusk.yarn;

import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.JobStatus;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A job status as it travels from the master to the client: Hadoop's, with the failure
 * information that its serialized form leaves out (the client prints it when the job fails).
 */
public final class SentJobStatus
        extends org.apache.hadoop.mapred.JobStatus
{
    /** For deserialization. */
    public SentJobStatus() {}

    public static SentJobStatus copyOf(JobStatus status)
    {
        SentJobStatus copy = new SentJobStatus();
        org.apache.hadoop.io.DataOutputBuffer out = new org.apache.hadoop.io.DataOutputBuffer();
        org.apache.hadoop.io.DataInputBuffer in = new org.apache.hadoop.io.DataInputBuffer();
        try {
            status.write(out);
            in.reset(out.getData(), out.getLength());
            copy.readStatus(in);
        }
        catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        copy.setFailureInfo(status.getFailureInfo());
        return copy;
    }

    private void readStatus(DataInput in)
            throws IOException
    {
        super.readFields(in);
    }

    @Override
    public synchronized void write(DataOutput out)
            throws IOException
    {
        super.write(out);
        Text.writeString(out, getFailureInfo() == null ? "" : getFailureInfo());
    }

    @Override
    public synchronized void readFields(DataInput in)
            throws IOException
    {
        super.readFields(in);
        setFailureInfo(Text.readString(in));
    }
}
