package io.tusk.io.cache;

import io.tusk.engine.storage.PagedBytes;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;

import static java.util.Objects.requireNonNull;

/**
 * A file's output stream whose every byte is also appended to the copy kept in memory, after the
 * file took it (the copy stops taking bytes once it is refused memory), whichever of the stream's
 * methods wrote it. Flushing and closing go to the file alone, as they would without the copy.
 * Confined to the writing thread.
 */
public final class CopyingStream
        extends DataOutputStream
{
    private final OutputStream file;

    public CopyingStream(OutputStream file, PagedBytes copy)
    {
        super(new Tee(file, copy));
        this.file = file;
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
        file.flush();
    }

    @Override
    public void close()
            throws IOException
    {
        file.close();
    }

    /** Writes to the file, then to the copy. */
    private static final class Tee
            extends OutputStream
    {
        private final OutputStream file;
        private final PagedBytes copy;

        Tee(OutputStream file, PagedBytes copy)
        {
            this.file = requireNonNull(file, "file is null");
            this.copy = requireNonNull(copy, "copy is null");
        }

        @Override
        public void write(int b)
                throws IOException
        {
            file.write(b);
            copy.append(b);
        }

        @Override
        public void write(byte[] b, int off, int len)
                throws IOException
        {
            file.write(b, off, len);
            copy.append(b, off, len);
        }
    }
}
