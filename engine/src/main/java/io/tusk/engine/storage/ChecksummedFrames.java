package io.tusk.engine.storage;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * A byte stream stored as frames {@code [payload length][CRC32C of the payload][payload]} of at
 * most {@link #FRAME_BYTES} bytes: what the block store writes to local disk and reads back. A
 * reader checks each frame's length against the file before it allocates and its checksum before it
 * hands out a byte, so a flipped bit or a cut file fails the read with {@link CorruptFrameException}
 * naming the file, instead of feeding the deserializer a length that makes it allocate gigabytes.
 */
final class ChecksummedFrames
{
    static final int FRAME_BYTES = 64 * 1024;
    private static final int HEADER_BYTES = 8;

    private ChecksummedFrames() {}

    /** Frames what is written to it; closing writes the last frame and closes the file. */
    static final class Writer
            extends OutputStream
    {
        private final DataOutputStream out;
        private final byte[] frame = new byte[FRAME_BYTES];
        private final CRC32C checksum = new CRC32C();
        private int used;

        Writer(OutputStream file)
        {
            this.out = new DataOutputStream(file);
        }

        @Override
        public void write(int b)
                throws IOException
        {
            if (used == frame.length) {
                writeFrame();
            }
            frame[used++] = (byte) b;
        }

        @Override
        public void write(byte[] bytes, int offset, int length)
                throws IOException
        {
            while (length > 0) {
                if (used == frame.length) {
                    writeFrame();
                }
                int taken = Math.min(length, frame.length - used);
                System.arraycopy(bytes, offset, frame, used, taken);
                used += taken;
                offset += taken;
                length -= taken;
            }
        }

        private void writeFrame()
                throws IOException
        {
            checksum.reset();
            checksum.update(frame, 0, used);
            out.writeInt(used);
            out.writeInt((int) checksum.getValue());
            out.write(frame, 0, used);
            used = 0;
        }

        @Override
        public void close()
                throws IOException
        {
            try (out) {
                if (used > 0) {
                    writeFrame();
                }
            }
        }
    }

    /** The payloads of a file's frames, each checked before any of its bytes is read. */
    static final class Reader
            extends InputStream
    {
        private final Path path;
        private final DataInputStream in;
        private final CRC32C checksum = new CRC32C();
        private final byte[] frame = new byte[FRAME_BYTES];
        private long remaining;
        private long offset;
        private int length;
        private int position;

        /** @param fileBytes the file's length: no frame may claim more */
        Reader(Path path, InputStream file, long fileBytes)
        {
            this.path = path;
            this.in = new DataInputStream(file);
            this.remaining = fileBytes;
        }

        @Override
        public int read()
                throws IOException
        {
            if (position == length && !nextFrame()) {
                return -1;
            }
            return frame[position++] & 0xFF;
        }

        @Override
        public int read(byte[] bytes, int offset, int wanted)
                throws IOException
        {
            if (wanted == 0) {
                return 0;
            }
            if (position == length && !nextFrame()) {
                return -1;
            }
            int given = Math.min(wanted, length - position);
            System.arraycopy(frame, position, bytes, offset, given);
            position += given;
            return given;
        }

        private boolean nextFrame()
                throws IOException
        {
            if (remaining == 0) {
                return false;
            }
            if (remaining < HEADER_BYTES) {
                throw corrupt("a frame header runs past the end of the file");
            }
            int claimed;
            int expected;
            try {
                claimed = in.readInt();
                expected = in.readInt();
            }
            catch (EOFException e) {
                throw corrupt("the file is shorter than it was");
            }
            // checked before anything is read: a corrupt length must not cost memory nor time
            if (claimed <= 0 || claimed > FRAME_BYTES || claimed > remaining - HEADER_BYTES) {
                throw corrupt("a frame claims " + claimed + " bytes where at most " + Math.min(FRAME_BYTES, remaining - HEADER_BYTES) + " can be");
            }
            try {
                in.readFully(frame, 0, claimed);
            }
            catch (EOFException e) {
                throw corrupt("the file is shorter than it was");
            }
            checksum.reset();
            checksum.update(frame, 0, claimed);
            if ((int) checksum.getValue() != expected) {
                throw corrupt("checksum mismatch");
            }
            offset += HEADER_BYTES + claimed;
            remaining -= HEADER_BYTES + claimed;
            length = claimed;
            position = 0;
            return true;
        }

        private CorruptFrameException corrupt(String why)
        {
            return new CorruptFrameException("Corrupt cached block file " + path + " at byte " + offset + ": " + why);
        }

        @Override
        public void close()
                throws IOException
        {
            in.close();
        }
    }

    /** A frame that failed its checks. */
    static final class CorruptFrameException
            extends IOException
    {
        CorruptFrameException(String message)
        {
            super(message);
        }
    }
}
