package io.tusk.io.cache;

import io.tusk.engine.memory.MemoryManager;
import io.tusk.engine.serde.KryoSerde;
import io.tusk.engine.shuffle.SpillDirectory;
import io.tusk.engine.storage.BlockStore;
import io.tusk.engine.storage.PagedBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Whatever method of the stream wrote them, the copy holds the file's bytes; flush and close reach the file once. */
class CopyingStreamTest
{
    @TempDir
    Path work;

    @Test
    void theCopyHoldsEveryByteTheFileTook()
            throws IOException
    {
        try (BlockStore store = new BlockStore(new MemoryManager(1 << 20), new SpillDirectory(work), new KryoSerde())) {
            PagedBytes copy = store.newBytes();
            Recording file = new Recording();
            try (CopyingStream stream = new CopyingStream(file, copy)) {
                stream.write('a');
                stream.write(new byte[] {1, 2, 3});
                stream.write(new byte[] {9, 4, 5, 9}, 1, 2);
                stream.writeInt(0x01020304);
                stream.writeLong(-2);
                stream.writeShort(7);
                stream.writeBoolean(true);
                stream.writeBytes("text");
                stream.writeUTF("ünï");
                stream.flush();
                assertThat(file.flushes).isEqualTo(1);
            }
            assertThat(file.closes).isEqualTo(1);
            byte[] written = file.toByteArray();
            assertThat(written).hasSize(1 + 3 + 2 + 4 + 8 + 2 + 1 + 4 + 2 + 5);
            byte[] copied = new byte[(int) copy.length()];
            try (PagedBytes.Reader reader = copy.open().orElseThrow()) {
                reader.read(0, copied, 0, copied.length);
            }
            assertThat(copied).isEqualTo(written);
        }
    }

    /**
     * Writes of every size around the stream's buffer (single bytes filling it, writes that just fit,
     * just overflow, and exceed it): the file and the copy take the same bytes in the order written,
     * and a flush hands the file everything written before it.
     */
    @Test
    void bytesCrossingTheBufferReachTheFileAndTheCopyInOrder()
            throws IOException
    {
        try (BlockStore store = new BlockStore(new MemoryManager(16 << 20), new SpillDirectory(work), new KryoSerde())) {
            PagedBytes copy = store.newBytes();
            Recording file = new Recording();
            java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
            java.util.Random random = new java.util.Random(42);
            int buffer = CopyingStream.BUFFER_BYTES;
            try (CopyingStream stream = new CopyingStream(file, copy)) {
                for (int length : new int[] {1, buffer - 1, 1, 1, buffer, 3, buffer - 3, buffer + 1, 7, 2 * buffer + 5, 0, 100}) {
                    byte[] bytes = new byte[length + 2];
                    random.nextBytes(bytes);
                    if (length == 1) {
                        stream.write(bytes[1]);
                    }
                    else {
                        stream.write(bytes, 1, length);
                    }
                    expected.write(bytes, 1, length);
                }
                stream.flush();
                assertThat(file.toByteArray()).as("everything written before the flush").isEqualTo(expected.toByteArray());
                stream.writeLong(-3);
                expected.write(new byte[] {-1, -1, -1, -1, -1, -1, -1, -3});
            }
            assertThat(file.toByteArray()).isEqualTo(expected.toByteArray());
            byte[] copied = new byte[(int) copy.length()];
            try (PagedBytes.Reader reader = copy.open().orElseThrow()) {
                int done = 0;
                while (done < copied.length) {
                    done += reader.read(done, copied, done, copied.length - done);
                }
            }
            assertThat(copied).isEqualTo(expected.toByteArray());
        }
    }

    /** A file stream that counts its flushes and closes. */
    private static final class Recording
            extends ByteArrayOutputStream
    {
        private int flushes;
        private int closes;

        @Override
        public void flush()
        {
            flushes++;
        }

        @Override
        public void close()
        {
            closes++;
        }
    }
}
