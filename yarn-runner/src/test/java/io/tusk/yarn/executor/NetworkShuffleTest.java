package io.tusk.yarn.executor;

import io.tusk.engine.memory.MemoryManager;
import io.tusk.engine.shuffle.FetchFailedException;
import io.tusk.engine.shuffle.LocalShuffleService;
import io.tusk.engine.shuffle.MapOutput;
import io.tusk.engine.shuffle.RawComparator;
import io.tusk.engine.shuffle.RecordCursor;
import io.tusk.engine.shuffle.ShuffleSorter;
import io.tusk.engine.shuffle.SortOrder;
import io.tusk.engine.shuffle.SpillDirectory;
import io.tusk.yarn.net.AppSecret;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Two executors in one process: one serves its map outputs, the other fetches them over loopback. */
class NetworkShuffleTest
{
    private static final SortOrder BY_BYTES = SortOrder.sorted(RawComparator::compareBytes);
    private static final int SHUFFLE = 7;

    @TempDir
    Path temp;
    private final AppSecret secret = AppSecret.generate();
    private SpillDirectory directory;
    private MemoryManager serverMemory;
    private MemoryManager readerMemory;
    private LocalShuffleService served;
    private ShuffleServer server;
    private NetworkShuffleService reader;

    @BeforeEach
    void setUp()
            throws IOException
    {
        directory = new SpillDirectory(temp);
        serverMemory = new MemoryManager(64 << 20);
        readerMemory = new MemoryManager(64 << 20);
        served = new LocalShuffleService();
        server = new ShuffleServer(served, secret, InetAddress.getLoopbackAddress());
        reader = new NetworkShuffleService("exec-b@127.0.0.1:1", new LocalShuffleService(), secret, readerMemory, directory, 4);
    }

    @AfterEach
    void tearDown()
    {
        reader.close();
        server.close();
        served.close();
        directory.close();
    }

    private String serverLocation()
    {
        return "exec-a@127.0.0.1:" + server.port();
    }

    /** Map {@code map}'s output: keys k0000.. with small values, and one key whose value is {@code large} bytes. */
    private MapOutput mapOutput(int map, int records, int large)
            throws IOException
    {
        return mapOutput(map, records, large, null);
    }

    private MapOutput mapOutput(int map, int records, int large, io.tusk.engine.shuffle.WireTransform wire)
            throws IOException
    {
        ShuffleSorter sorter = new ShuffleSorter("map " + map, 2, BY_BYTES, null, serverMemory, directory, 4 << 20);
        if (wire != null) {
            sorter.sendBlocks(wire);
        }
        for (int i = 0; i < records; i++) {
            byte[] key = String.format("k%04d-%d", i, map).getBytes(StandardCharsets.UTF_8);
            byte[] value = ("v" + i).getBytes(StandardCharsets.UTF_8);
            sorter.add(i % 2, 0, key, 0, key.length, value, 0, value.length);
        }
        byte[] key = ("large-" + map).getBytes(StandardCharsets.UTF_8);
        byte[] value = new byte[large];
        Arrays.fill(value, (byte) map);
        sorter.add(0, 0, key, 0, key.length, value, 0, value.length);
        return sorter.finish();
    }

    private static List<String> read(RecordCursor cursor)
            throws IOException
    {
        List<String> records = new ArrayList<>();
        try (cursor) {
            while (cursor.next()) {
                String key = new String(cursor.keyBuffer(), cursor.keyOffset(), cursor.keyLength(), StandardCharsets.UTF_8);
                records.add(key + "=" + (key.startsWith("large") ? cursor.valueLength() + " bytes" : new String(cursor.valueBuffer(), cursor.valueOffset(),
                        cursor.valueLength(), StandardCharsets.UTF_8)));
            }
        }
        return records;
    }

    @Test
    void reducerReadsRemoteOutputsMergedInKeyOrderWithRecordsLargerThanAChunk()
            throws IOException
    {
        served.register(SHUFFLE, 0, mapOutput(0, 2_000, 3 * ShuffleServer.CHUNK_BYTES + 17));
        served.register(SHUFFLE, 1, mapOutput(1, 2_000, 10));
        List<String> records = read(reader.open(SHUFFLE, List.of(serverLocation(), serverLocation()), 0, BY_BYTES));

        assertThat(records).hasSize(2_002).isSorted();
        assertThat(records).contains("large-0=" + (3 * ShuffleServer.CHUNK_BYTES + 17) + " bytes", "large-1=10 bytes", "k0000-0=v0", "k1998-1=v1998");
        assertThat(reader.fetchedBytes()).isGreaterThan(3L * ShuffleServer.CHUNK_BYTES);
        assertThat(readerMemory.used()).as("fetched runs are released with the cursor").isZero();
    }

    /** As a job with {@code mapreduce.map.output.compress} sends its map outputs: compressed with its codec, chunk by chunk. */
    @Test
    void outputsSentCompressedAreReadAsTheyWereWritten()
            throws IOException
    {
        String codec = org.apache.hadoop.io.compress.DefaultCodec.class.getName();
        io.tusk.engine.shuffle.WireTransform wire = new io.tusk.engine.shuffle.WireTransform(codec,
                io.tusk.mr.task.MapOutputBlocks.wireDecoder(codec, Integer.MAX_VALUE));
        served.register(SHUFFLE, 0, mapOutput(0, 20_000, 3 * ShuffleServer.CHUNK_BYTES + 17, wire));
        // random bytes do not compress: a chunk sent grows a little, and still reads back
        ShuffleSorter random = new ShuffleSorter("map 1", 2, BY_BYTES, null, serverMemory, directory, 4 << 20);
        random.sendBlocks(wire);
        byte[] noise = new byte[2 * ShuffleServer.CHUNK_BYTES];
        new java.util.Random(1).nextBytes(noise);
        byte[] noiseKey = "large-1".getBytes(StandardCharsets.UTF_8);
        random.add(0, 0, noiseKey, 0, noiseKey.length, noise, 0, noise.length);
        for (int i = 0; i < 20_000; i++) {
            byte[] key = String.format("k%04d-1", i).getBytes(StandardCharsets.UTF_8);
            byte[] value = ("v" + i).getBytes(StandardCharsets.UTF_8);
            random.add(i % 2, 0, key, 0, key.length, value, 0, value.length);
        }
        served.register(SHUFFLE, 1, random.finish());
        try (NetworkShuffleService decoding = new NetworkShuffleService("exec-c@127.0.0.1:1", new LocalShuffleService(), secret, readerMemory, directory, 4,
                io.tusk.mr.task.MapOutputBlocks::wireDecoder)) {
            List<String> records = read(decoding.open(SHUFFLE, List.of(serverLocation(), serverLocation()), 0, BY_BYTES));
            assertThat(records).hasSize(20_002).isSorted();
            assertThat(records).contains("large-0=" + (3 * ShuffleServer.CHUNK_BYTES + 17) + " bytes", "large-1=" + noise.length + " bytes", "k0000-0=v0",
                    "k19998-1=v19998");
            // a zeroed 768 KiB value, 512 KiB of noise and 20k short records: sent compressed, the zeroes and records are a fraction of their size
            assertThat(decoding.fetchedBytes()).isGreaterThan(noise.length).isLessThan(noise.length + ShuffleServer.CHUNK_BYTES);
        }
        // a reader that cannot decode them says so, naming the codec, and fails the fetch (the map runs again elsewhere)
        assertThatThrownBy(() -> reader.open(SHUFFLE, List.of(serverLocation(), serverLocation()), 0, BY_BYTES))
                .isInstanceOf(FetchFailedException.class)
                .hasMessageContaining(codec);
        assertThat(readerMemory.used()).isZero();
    }

    @Test
    void missingOutputFailsTheFetchOfThatMap()
            throws IOException
    {
        served.register(SHUFFLE, 0, mapOutput(0, 10, 10));
        assertThatThrownBy(() -> reader.open(SHUFFLE, List.of(serverLocation(), serverLocation()), 1, BY_BYTES))
                .isInstanceOfSatisfying(FetchFailedException.class, failure -> {
                    assertThat(failure.mapIndex()).isEqualTo(1);
                    assertThat(failure.location()).isEqualTo(serverLocation());
                    assertThat(failure.executorUnreachable()).isFalse();
                });
        assertThat(readerMemory.used()).isZero();
    }

    @Test
    void executorThatDoesNotAnswerLosesAllItsOutputs()
            throws IOException
    {
        served.register(SHUFFLE, 0, mapOutput(0, 10, 10));
        String location = serverLocation();
        server.close();
        assertThatThrownBy(() -> reader.open(SHUFFLE, List.of(location), 0, BY_BYTES))
                .isInstanceOfSatisfying(FetchFailedException.class, failure -> assertThat(failure.executorUnreachable()).isTrue());
    }

    @Test
    void peerWithoutTheApplicationsSecretIsRefused()
            throws IOException
    {
        served.register(SHUFFLE, 0, mapOutput(0, 10, 10));
        try (NetworkShuffleService stranger = new NetworkShuffleService("exec-x@127.0.0.1:1", new LocalShuffleService(), AppSecret.generate(), readerMemory,
                directory, 1)) {
            // the server closes the connection without a word
            assertThatThrownBy(() -> stranger.open(SHUFFLE, List.of(serverLocation()), 0, BY_BYTES))
                    .isInstanceOf(FetchFailedException.class);
        }
        assertThat(read(reader.open(SHUFFLE, List.of(serverLocation()), 0, BY_BYTES))).as("the server still serves its own application").hasSize(6);
    }
}
