package io.tusk.mr.cache;

import io.tusk.engine.storage.PagedBytes;
import io.tusk.io.cache.MemoryInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.lib.input.LineRecordReader;
import org.apache.hadoop.mapreduce.lib.input.UncompressedSplitLineReader;

import java.io.IOException;

/**
 * The lines of one split of an uncompressed text file, read from its kept bytes exactly as Hadoop's
 * {@code LineRecordReader}s of both APIs read them from the file: Hadoop's own split line reader
 * over the bytes, the first partial line of a split that does not start the file skipped, one line
 * read past the split's end, a UTF-8 byte order mark at the file's start dropped, lines longer than
 * {@code mapreduce.input.linerecordreader.line.maxlength} skipped. The two APIs differ only in the
 * key of a line read after a skipped one ({@link #nextNewApi}, {@link #nextOldApi}). Confined to
 * one thread.
 */
final class MemoryLines
{
    private final MemoryInputStream memory;
    private final UncompressedSplitLineReader in;
    private final int maxLineLength;
    private final long end;
    private long start;
    private long pos;

    /** @param delimiter the record delimiter's bytes, or null for Hadoop's default (LF, CR or CRLF) */
    MemoryLines(PagedBytes.Reader bytes, long splitStart, long splitLength, Configuration conf, byte[] delimiter)
            throws IOException
    {
        this.maxLineLength = conf.getInt(LineRecordReader.MAX_LINE_LENGTH, Integer.MAX_VALUE);
        this.start = splitStart;
        this.end = splitStart + splitLength;
        this.memory = new MemoryInputStream(bytes);
        FSDataInputStream stream = new FSDataInputStream(memory);
        stream.seek(start);
        this.in = new UncompressedSplitLineReader(stream, conf, delimiter, splitLength);
        if (start != 0) {
            start += in.readLine(new Text(), 0, maxBytesToConsume(start));
        }
        this.pos = start;
    }

    /** As the new API's reader: the key is the position where the search for a line began. */
    boolean nextNewApi(LongWritable key, Text value)
            throws IOException
    {
        key.set(pos);
        int newSize = 0;
        while (pos <= end || in.needAdditionalRecordAfterSplit()) {
            if (pos == 0) {
                newSize = skipUtfByteOrderMark(value);
            }
            else {
                newSize = in.readLine(value, maxLineLength, maxBytesToConsume(pos));
                pos += newSize;
            }
            if (newSize == 0 || newSize < maxLineLength) {
                break;
            }
        }
        return newSize != 0;
    }

    /** As the old API's reader: the key is the position of the line returned. */
    boolean nextOldApi(LongWritable key, Text value)
            throws IOException
    {
        while (pos <= end || in.needAdditionalRecordAfterSplit()) {
            key.set(pos);
            int newSize;
            if (pos == 0) {
                newSize = skipUtfByteOrderMark(value);
            }
            else {
                newSize = in.readLine(value, maxLineLength, maxBytesToConsume(pos));
                pos += newSize;
            }
            if (newSize == 0) {
                return false;
            }
            if (newSize < maxLineLength) {
                return true;
            }
        }
        return false;
    }

    long position()
    {
        return pos;
    }

    float progress()
    {
        if (start == end) {
            return 0.0f;
        }
        return Math.min(1.0f, (pos - start) / (float) (end - start));
    }

    /** Bytes of the file the reader has taken so far: what it would have read from the file. */
    long bytesTaken()
    {
        return memory.delivered();
    }

    void close()
            throws IOException
    {
        in.close();
    }

    private int maxBytesToConsume(long position)
    {
        return (int) Math.max(Math.min(Integer.MAX_VALUE, end - position), maxLineLength);
    }

    private int skipUtfByteOrderMark(Text value)
            throws IOException
    {
        int newMaxLineLength = (int) Math.min(3L + (long) maxLineLength, Integer.MAX_VALUE);
        int newSize = in.readLine(value, newMaxLineLength, maxBytesToConsume(pos));
        pos += newSize;
        int textLength = value.getLength();
        byte[] textBytes = value.getBytes();
        if (textLength >= 3 && textBytes[0] == (byte) 0xEF && textBytes[1] == (byte) 0xBB && textBytes[2] == (byte) 0xBF) {
            textLength -= 3;
            newSize -= 3;
            if (textLength > 0) {
                textBytes = value.copyBytes();
                value.set(textBytes, 3, textLength);
            }
            else {
                value.clear();
            }
        }
        return newSize;
    }
}
