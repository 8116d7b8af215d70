package io.tusk.engine.storage;

import io.tusk.engine.TuskException;
import io.tusk.engine.memory.MemoryManager;
import io.tusk.engine.serde.KryoSerde;
import io.tusk.engine.shuffle.SpillDirectory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BlockStoreTest
{
    @TempDir
    Path temp;
    private SpillDirectory directory;
    private MemoryManager memory;
    private BlockStore store;
    private final AtomicInteger computations = new AtomicInteger();

    @BeforeEach
    void setUp()
    {
        directory = new SpillDirectory(temp);
        memory = new MemoryManager(1 << 20);
        store = new BlockStore(memory, directory, new KryoSerde());
    }

    @AfterEach
    void tearDown()
    {
        store.close();
        assertThat(memory.used()).isZero();
        directory.close();
    }

    /** A consumer that asks for memory as shuffle does. */
    private static final io.tusk.engine.memory.MemoryConsumer SHUFFLE = () -> "shuffle";

    @Test
    void namedBytesTakeOnlyFreeMemoryAndGiveWayToOtherConsumers()
    {
        byte[] chunk = new byte[100_000];
        PagedBytes kept = store.newBytes();
        for (int i = 0; i < 3; i++) {
            assertThat(kept.append(chunk, 0, chunk.length)).isTrue();
        }
        store.putNamed("kept", kept, "file");
        PagedBytes writing = store.newBytes();
        assertThat(writing.append(chunk, 0, chunk.length)).isTrue();
        assertThat(store.getNamed("kept")).isPresent();

        // shuffle needs nearly all the budget: stored bytes are evicted first, then the unstored given up
        assertThat(memory.tryAcquire(SHUFFLE, 1_000_000)).isTrue();
        assertThat(store.getNamed("kept")).isEmpty();
        assertThat(writing.refused()).as("the capture being written was given up").isTrue();
        assertThat(writing.append(chunk, 0, 10)).isFalse();
        assertThat(memory.usedBy(store)).isZero();

        // with shuffle holding the memory, new bytes do not take it
        PagedBytes refused = store.newBytes();
        assertThat(refused.append(chunk, 0, chunk.length)).isFalse();
        assertThat(memory.usedBy(store)).isZero();
        memory.release(SHUFFLE, 1_000_000);
    }

    /**
     * Named bytes are listed with what was stored with them, least recently used first, without a
     * use; removing them for a given attachment leaves bytes stored again under the name since.
     */
    @Test
    void namedBytesAreListedAndRemovedOnlyAsTheyWereSeen()
    {
        PagedBytes first = store.newBytes();
        assertThat(first.append(new byte[1000], 0, 1000)).isTrue();
        store.putNamed("a", first, "a, first");
        PagedBytes other = store.newBytes();
        assertThat(other.append(new byte[1000], 0, 1000)).isTrue();
        store.putNamed("b", other, "b");
        assertThat(store.getNamed("a")).isPresent();
        assertThat(store.namedAttachments()).containsExactly(java.util.Map.entry("b", "b"), java.util.Map.entry("a", "a, first"));
        assertThat(store.namedAttachments().keySet()).as("listing is no use").containsExactly("b", "a");

        Object seen = store.namedAttachments().get("a");
        PagedBytes again = store.newBytes();
        assertThat(again.append(new byte[1000], 0, 1000)).isTrue();
        store.putNamed("a", again, "a, again");
        store.removeNamed("a", seen);
        assertThat(store.getNamed("a")).map(BlockStore.Named::attachment).contains("a, again");

        store.removeNamed("a", store.namedAttachments().get("a"));
        assertThat(store.getNamed("a")).isEmpty();
        store.removeNamed("b", "b");
        assertThat(store.hasNamed()).isFalse();
        assertThat(memory.usedBy(store)).isZero();
    }

    /**
     * Pages of stored bytes go back to the memory manager once the bytes are released and no reader
     * is open, and new bytes are written into them; a reader opened before the release reads the
     * bytes to their end, and none opens after it. Bytes never stored keep their pages (their
     * writer may still hold one).
     */
    @Test
    void pagesOfReleasedBytesAreReusedOnlyOnceNoReaderIsOpen()
    {
        // 200,000 bytes: pages of 4, 8, 16, 32, 64 and 128 KiB, the last two large enough to be kept
        byte[] data = pattern(200_000, 31);
        PagedBytes first = store.newBytes();
        assertThat(first.append(data, 0, data.length)).isTrue();
        store.putNamed("first", first, "first");
        PagedBytes.Reader reader = first.open().orElseThrow();
        PagedBytes.Reader twice = first.open().orElseThrow();
        twice.close();
        twice.close();
        store.removeNamed("first");
        assertThat(first.open()).as("no reader opens once the bytes are released").isEmpty();
        assertThat(memory.keptPage(128 * 1024)).as("no page is reused while a reader is open").isNull();

        // another writer meanwhile takes new pages; the open reader still reads the first bytes
        byte[] other = pattern(200_000, 7);
        PagedBytes second = store.newBytes();
        assertThat(second.append(other, 0, other.length)).isTrue();
        assertThat(readAll(reader)).isEqualTo(data);
        reader.close();
        assertThatThrownBy(() -> reader.read(0, new byte[1], 0, 1)).isInstanceOf(TuskException.class).hasMessageContaining("closed");

        // the last reader closed: the pages are kept for reuse, and the next bytes are written into them
        byte[] page = memory.keptPage(128 * 1024);
        assertThat(page).as("a page of the released bytes").isNotNull();
        memory.recycle(page);
        PagedBytes third = store.newBytes();
        assertThat(third.append(other, 0, other.length)).isTrue();
        assertThat(memory.keptPage(128 * 1024)).as("taken by the new bytes").isNull();
        store.putNamed("third", third, "third");
        try (PagedBytes.Reader thirdReader = third.open().orElseThrow()) {
            assertThat(readAll(thirdReader)).isEqualTo(other);
        }

        // bytes never stored: released, their pages are not reused
        second.release();
        assertThat(memory.keptPage(128 * 1024)).isNull();
        store.removeNamed("third");
        assertThat(memory.keptPage(128 * 1024)).isNotNull();
    }

    private static byte[] pattern(int length, int step)
    {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * step);
        }
        return bytes;
    }

    private static byte[] readAll(PagedBytes.Reader reader)
    {
        byte[] bytes = new byte[(int) reader.length()];
        int done = 0;
        while (done < bytes.length) {
            int n = reader.read(done, bytes, done, Math.min(5000, bytes.length - done));
            assertThat(n).isPositive();
            done += n;
        }
        assertThat(reader.read(done, new byte[1], 0, 1)).isEqualTo(-1);
        return bytes;
    }

    @Test
    void cachedBlockIsComputedOnce()
    {
        BlockId id = new BlockId(1, 0);
        assertThat(drain(store.getOrCompute(id, StorageLevel.MEMORY_ONLY, () -> records(100)))).hasSize(100);
        assertThat(drain(store.getOrCompute(id, StorageLevel.MEMORY_ONLY, () -> records(100)))).hasSize(100);
        assertThat(computations).hasValue(1);
        assertThat(memory.usedBy(store)).isPositive();
    }

    @Test
    void leastRecentlyUsedBlockIsEvictedAndRecomputed()
    {
        // blocks of three datasets, each about a third of the budget
        BlockId a = new BlockId(1, 0);
        BlockId b = new BlockId(2, 0);
        BlockId c = new BlockId(3, 0);
        int records = 13_000;
        drain(store.getOrCompute(a, StorageLevel.MEMORY_ONLY_SER, () -> records(records)));
        drain(store.getOrCompute(b, StorageLevel.MEMORY_ONLY_SER, () -> records(records)));
        drain(store.getOrCompute(a, StorageLevel.MEMORY_ONLY_SER, () -> records(records)));
        drain(store.getOrCompute(c, StorageLevel.MEMORY_ONLY_SER, () -> records(records)));
        drain(store.getOrCompute(c, StorageLevel.MEMORY_ONLY_SER, () -> records(records)));
        assertThat(computations).hasValue(3);

        assertThat(store.contains(b)).as("b was least recently used").isFalse();
        assertThat(store.contains(a)).isTrue();
        assertThat(store.evictions()).isPositive();

        assertThat(drain(store.getOrCompute(b, StorageLevel.MEMORY_ONLY_SER, () -> records(records)))).hasSize(records);
        assertThat(computations).hasValue(4);
        assertThat(memory.used()).isLessThanOrEqualTo(memory.budget());
    }

    @Test
    void partitionThatDoesNotFitIsReturnedUncached()
    {
        BlockId id = new BlockId(4, 0);
        List<Object> values = drain(store.getOrCompute(id, StorageLevel.MEMORY_ONLY, () -> records(200_000)));
        assertThat(values).hasSize(200_000);
        assertThat(values.get(199_999)).isEqualTo("record-199999-padding-padding");
        assertThat(store.contains(id)).isFalse();
        assertThat(memory.used()).isZero();
    }

    @Test
    void memoryAndDiskLevelFallsBackToDisk()
    {
        BlockId id = new BlockId(3, 0);
        assertThat(drain(store.getOrCompute(id, StorageLevel.MEMORY_AND_DISK, () -> records(200_000)))).hasSize(200_000);
        assertThat(store.contains(id)).isTrue();
        assertThat(directory.fileCount()).isEqualTo(1);
        assertThat(drain(store.getOrCompute(id, StorageLevel.MEMORY_AND_DISK, () -> records(200_000)))).hasSize(200_000);
        assertThat(computations).hasValue(1);

        store.removeDataset(3);
        assertThat(directory.fileCount()).isZero();
    }

    /**
     * A block on disk is stored in checksummed frames: a flipped byte fails its read with the file's
     * name, and the block is dropped, so that the next read computes it again.
     */
    @Test
    void corruptBlockOnDiskFailsItsReadAndIsComputedAgain()
            throws Exception
    {
        BlockId id = new BlockId(4, 0);
        drain(store.getOrCompute(id, StorageLevel.MEMORY_AND_DISK, () -> records(200_000)));
        assertThat(directory.fileCount()).isEqualTo(1);
        Path file;
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(directory.root())) {
            file = files.filter(path -> path.getFileName().toString().startsWith("block-")).findFirst().orElseThrow();
        }
        byte[] bytes = java.nio.file.Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x10;
        java.nio.file.Files.write(file, bytes);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> drain(store.getOrCompute(id, StorageLevel.MEMORY_AND_DISK, () -> records(200_000))))
                .hasMessageContaining(file.toString())
                .hasMessageContaining("checksum mismatch");
        assertThat(store.contains(id)).as("the corrupt block is dropped").isFalse();
        assertThat(drain(store.getOrCompute(id, StorageLevel.MEMORY_AND_DISK, () -> records(200_000)))).hasSize(200_000);
        assertThat(computations).hasValue(2);
        store.removeDataset(4);
    }

    /** A cut file, and a frame length that claims more than the file holds, fail before anything is allocated for them. */
    @Test
    void cutBlockFileFailsItsRead()
            throws Exception
    {
        BlockId id = new BlockId(5, 0);
        drain(store.getOrCompute(id, StorageLevel.MEMORY_AND_DISK, () -> records(200_000)));
        Path file;
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(directory.root())) {
            file = files.filter(path -> path.getFileName().toString().startsWith("block-")).findFirst().orElseThrow();
        }
        byte[] bytes = java.nio.file.Files.readAllBytes(file);
        // the first frame's length: as large as an int can be
        bytes[0] = 0x7F;
        java.nio.file.Files.write(file, bytes);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> drain(store.getOrCompute(id, StorageLevel.MEMORY_AND_DISK, () -> records(200_000))))
                .hasMessageContaining(file.toString())
                .hasMessageContaining("a frame claims");
        assertThat(store.contains(id)).isFalse();
        store.removeDataset(5);
    }

    @Test
    void failureWhileCachingReleasesTheReservation()
    {
        BlockId id = new BlockId(5, 0);
        Iterator<String> failing = new Iterator<>()
        {
            private int produced;

            @Override
            public boolean hasNext()
            {
                return true;
            }

            @Override
            public String next()
            {
                if (++produced == 50_000) {
                    throw new IllegalStateException("source failed");
                }
                return "value-" + produced;
            }
        };

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> drain(store.getOrCompute(id, StorageLevel.MEMORY_ONLY_SER, () -> failing)))
                .hasMessage("source failed");
        assertThat(memory.used()).isZero();
        assertThat(store.contains(id)).isFalse();
    }

    private Iterator<?> records(int count)
    {
        computations.incrementAndGet();
        List<String> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            values.add("record-" + i + "-padding-padding");
        }
        return values.iterator();
    }

    private static List<Object> drain(Iterator<Object> iterator)
    {
        List<Object> values = new ArrayList<>();
        iterator.forEachRemaining(values::add);
        return values;
    }
}
