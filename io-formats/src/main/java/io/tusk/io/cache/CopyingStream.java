package io.tusk.io.cache;

import io.tusk.engine.storage.PagedBytes;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;

import static java.util.Objects.requireNonNull;

/**
 * A file's output stream whose every byte is also appended to the copy kept in memory, after the
 * file took it (the copy stops taking bytes once it is refused memory), whichever of the stream's
 * methods wrote it. Bytes reach both in chunks of up to {@value #BUFFER_BYTES} bytes: a line
 * writer's four writes per record (key, separator, value, line end) would otherwise each pass
 * through the file stream's layers (statistics, a synchronized checksum summer) and the copy's.
 * Flushing and closing write what is buffered, then go to the file alone, as they would without
 * the copy. Confined to the writing thread.
 */
public final class CopyingStream
        extends DataOutputStream
{
    static final int BUFFER_BYTES = 64 * 1024;

    private final OutputStream file;
    private final Tee tee;

    public CopyingStream(OutputStream file, PagedBytes copy)
    {
        this(new Tee(file, copy));
    }

    private CopyingStream(Tee tee)
    {
        super(tee);
        this.file = tee.file;
        this.tee = tee;
    }

    @Override
    public void write(int b)
            throws IOException
    {
        out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len)
            throws IOException
    {
        out.write(b, off, len);
    }

    @Override
    public void flush()
            throws IOException
    {
        tee.drain();
        file.flush();
    }

    @Override
    public void close()
            throws IOException
    {
        try {
            tee.drain();
        }
        finally {
            file.close();
        }
    }

    /** Buffers bytes and writes them to the file, then to the copy. */
    private static final class Tee
            extends OutputStream
    {
        private final OutputStream file;
        private final PagedBytes copy;
        private final byte[] buffer = new byte[BUFFER_BYTES];
        private int count;

        Tee(OutputStream file, PagedBytes copy)
        {
            this.file = requireNonNull(file, "file is null");
            this.copy = requireNonNull(copy, "copy is null");
        }

        @Override
        public void write(int b)
                throws IOException
        {
            if (count == buffer.length) {
                drain();
            }
            buffer[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len)
                throws IOException
        {
            if (len > buffer.length - count) {
                drain();
                if (len >= buffer.length) {
                    file.write(b, off, len);
                    copy.append(b, off, len);
                    return;
                }
            }
            System.arraycopy(b, off, buffer, count, len);
            count += len;
        }

        /** Writes what is buffered to the file and the copy. */
        void drain()
                throws IOException
        {
            if (count > 0) {
                int n = count;
                count = 0;
                file.write(buffer, 0, n);
                copy.append(buffer, 0, n);
            }
        }
    }
}
