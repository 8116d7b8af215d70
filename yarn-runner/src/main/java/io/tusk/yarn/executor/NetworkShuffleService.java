package io.tusk.yarn.executor;

import io.tusk.engine.memory.MemoryConsumer;
import io.tusk.engine.memory.MemoryManager;
import io.tusk.engine.shuffle.BlockTransform;
import io.tusk.engine.shuffle.FetchFailedException;
import io.tusk.engine.shuffle.ForwardingCursor;
import io.tusk.engine.shuffle.LocalShuffleService;
import io.tusk.engine.shuffle.MapOutput;
import io.tusk.engine.shuffle.MergingCursor;
import io.tusk.engine.shuffle.RecordCursor;
import io.tusk.engine.shuffle.Segments;
import io.tusk.engine.shuffle.ShuffleService;
import io.tusk.engine.shuffle.SortOrder;
import io.tusk.engine.shuffle.SpillDirectory;
import io.tusk.yarn.net.AppSecret;
import io.tusk.yarn.net.Handshake;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

import static java.util.Objects.requireNonNull;

/**
 * The shuffle service of an executor: keeps the outputs of the maps that ran here (served to others
 * by its {@link ShuffleServer}) and gives reducers the partitions they read, from this process or
 * fetched from the executors that hold them, several executors at once. Fetched runs are kept in
 * memory granted by the memory manager, or written to local disk when it has none to give; every
 * chunk's CRC32C is checked. An output that cannot be fetched fails the reducer with a
 * {@link FetchFailedException}, so that the scheduler runs the map again. Thread-safe.
 */
public final class NetworkShuffleService
        implements ShuffleService
{
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    private static final int READ_TIMEOUT_MILLIS = 120_000;

    private final String self;
    private final LocalShuffleService local;
    private final AppSecret secret;
    private final MemoryManager memoryManager;
    private final SpillDirectory spillDirectory;
    private final ExecutorService fetchers;
    private final AtomicLong fetchedBytes = new AtomicLong();
    private final WireDecoders wireDecoders;
    private final java.util.concurrent.ConcurrentMap<String, BlockTransform> decoders = new java.util.concurrent.ConcurrentHashMap<>();

    /** Builds the decoder of chunks sent with a named {@link io.tusk.engine.shuffle.WireTransform}. */
    @FunctionalInterface
    public interface WireDecoders
    {
        /** The decoder of transform {@code name}; a decoded chunk is at most {@code maxDecodedBytes}. */
        BlockTransform decoder(String name, int maxDecodedBytes)
                throws IOException;
    }

    /**
     * @param self this executor's location, as the scheduler names it
     * @param local where this executor's map outputs are kept (and served from)
     * @param fetchThreads how many executors one reducer fetches from at once
     */
    public NetworkShuffleService(String self, LocalShuffleService local, AppSecret secret, MemoryManager memoryManager, SpillDirectory spillDirectory, int fetchThreads)
    {
        this(self, local, secret, memoryManager, spillDirectory, fetchThreads, (name, max) -> {
            throw new IOException("map output sent encoded with " + name + ", which this executor cannot decode");
        });
    }

    /** @param wireDecoders the decoders of map outputs that were sent encoded */
    public NetworkShuffleService(String self, LocalShuffleService local, AppSecret secret, MemoryManager memoryManager, SpillDirectory spillDirectory, int fetchThreads,
            WireDecoders wireDecoders)
    {
        this.wireDecoders = requireNonNull(wireDecoders, "wireDecoders is null");
        this.self = requireNonNull(self, "self is null");
        this.local = requireNonNull(local, "local is null");
        this.secret = requireNonNull(secret, "secret is null");
        this.memoryManager = requireNonNull(memoryManager, "memoryManager is null");
        this.spillDirectory = requireNonNull(spillDirectory, "spillDirectory is null");
        this.fetchers = Executors.newFixedThreadPool(fetchThreads, runnable -> {
            Thread thread = new Thread(runnable, "tusk-shuffle-fetcher");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The outputs of the maps that ran in this executor. */
    public LocalShuffleService localOutputs()
    {
        return local;
    }

    /** Bytes fetched from other executors so far; for monitoring and tests. */
    public long fetchedBytes()
    {
        return fetchedBytes.get();
    }

    @Override
    public void register(int shuffleId, int mapIndex, MapOutput output)
    {
        local.register(shuffleId, mapIndex, output);
    }

    @Override
    public RecordCursor open(int shuffleId, List<String> locations, int partition, SortOrder order)
            throws IOException
    {
        int maps = locations.size();
        Fetched fetched = new Fetched("fetched shuffle " + shuffleId + " partition " + partition);
        @SuppressWarnings("unchecked")
        List<RecordCursor>[] runs = new List[maps];
        Map<String, List<Integer>> remote = new LinkedHashMap<>();
        boolean done = false;
        try {
            for (int map = 0; map < maps; map++) {
                String location = locations.get(map);
                if (location.equals(self)) {
                    MapOutput output = local.output(shuffleId, map);
                    if (output == null) {
                        throw new FetchFailedException(shuffleId, map, location, "this executor holds no such output", null);
                    }
                    runs[map] = output.open(partition);
                }
                else {
                    remote.computeIfAbsent(location, key -> new ArrayList<>()).add(map);
                }
            }
            List<Future<Map<Integer, List<RecordCursor>>>> futures = new ArrayList<>();
            for (Map.Entry<String, List<Integer>> entry : remote.entrySet()) {
                futures.add(fetchers.submit(() -> fetch(entry.getKey(), shuffleId, partition, entry.getValue(), fetched)));
            }
            FetchFailedException failure = null;
            for (Future<Map<Integer, List<RecordCursor>>> future : futures) {
                try {
                    future.get().forEach((map, mapRuns) -> runs[map] = mapRuns);
                }
                catch (ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause() instanceof FetchFailedException fetch ? fetch
                                : new FetchFailedException(shuffleId, -1, "?", e.getCause().toString(), e.getCause());
                    }
                }
                catch (InterruptedException e) {
                    futures.forEach(pending -> pending.cancel(true));
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while fetching shuffle " + shuffleId);
                }
            }
            if (failure != null) {
                throw failure;
            }
            List<RecordCursor> cursors = new ArrayList<>();
            for (List<RecordCursor> mapRuns : runs) {
                cursors.addAll(mapRuns);
            }
            RecordCursor merged = cursors.size() == 1 ? cursors.get(0) : new MergingCursor(order, cursors);
            done = true;
            return new ForwardingCursor(merged)
            {
                @Override
                public void close()
                        throws IOException
                {
                    try {
                        super.close();
                    }
                    finally {
                        fetched.release();
                    }
                }
            };
        }
        finally {
            if (!done) {
                for (List<RecordCursor> mapRuns : runs) {
                    if (mapRuns != null) {
                        for (RecordCursor cursor : mapRuns) {
                            cursor.close();
                        }
                    }
                }
                fetched.release();
            }
        }
    }

    private Map<Integer, List<RecordCursor>> fetch(String location, int shuffleId, int partition, List<Integer> maps, Fetched fetched)
            throws IOException
    {
        InetSocketAddress address = address(location);
        Map<Integer, List<RecordCursor>> result = new LinkedHashMap<>();
        int current = maps.get(0);
        try (Socket socket = new Socket()) {
            try {
                socket.connect(address, CONNECT_TIMEOUT_MILLIS);
                if (socket.getLocalPort() == socket.getPort() && socket.getLocalAddress().equals(socket.getInetAddress())) {
                    // TCP's simultaneous open connected the socket to itself: nothing listens on that port any more
                    throw new ConnectException("connected to itself: nothing listens on " + address);
                }
                socket.setSoTimeout(READ_TIMEOUT_MILLIS);
                socket.setTcpNoDelay(true);
            }
            catch (IOException e) {
                throw new FetchFailedException(shuffleId, current, location, true, "cannot connect to " + address + ": " + e, e);
            }
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), ShuffleServer.CHUNK_BYTES + 64));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
            Handshake.connect(socket, secret, in, out);
            out.writeInt(shuffleId);
            out.writeInt(partition);
            out.writeInt(maps.size());
            for (int map : maps) {
                out.writeInt(map);
            }
            out.flush();
            Chunk received = new Chunk();
            for (int map : maps) {
                current = map;
                int count = in.readInt();
                if (count < 0) {
                    throw new FetchFailedException(shuffleId, map, location, "the executor holds no such output", null);
                }
                // the count sizes nothing: each run read is checked on its own
                List<RecordCursor> mapRuns = new ArrayList<>(Math.min(count, 64));
                result.put(map, mapRuns);
                BlockTransform decoder = decoder(in.readUTF());
                for (int run = 0; run < count; run++) {
                    mapRuns.add(readRun(in, fetched, shuffleId, map, location, decoder, received));
                }
            }
            return result;
        }
        catch (FetchFailedException e) {
            closeAll(result);
            throw e;
        }
        catch (IOException | RuntimeException e) {
            closeAll(result);
            throw new FetchFailedException(shuffleId, current, location, e.toString(), e);
        }
    }

    /** The decoder of chunks sent with transform {@code name}; null for none. */
    private BlockTransform decoder(String name)
            throws IOException
    {
        if (name.isEmpty()) {
            return null;
        }
        BlockTransform decoder = decoders.get(name);
        if (decoder == null) {
            decoder = wireDecoders.decoder(name, ShuffleServer.CHUNK_BYTES);
            decoders.putIfAbsent(name, decoder);
        }
        return decoder;
    }

    private static void closeAll(Map<Integer, List<RecordCursor>> runs)
            throws IOException
    {
        for (List<RecordCursor> mapRuns : runs.values()) {
            for (RecordCursor cursor : mapRuns) {
                cursor.close();
            }
        }
    }

    /** Reads one run's chunks, checking each and decoding it with {@code decoder} if not null, into memory or (when memory is short) a local file. */
    private RecordCursor readRun(DataInputStream in, Fetched fetched, int shuffleId, int map, String location, BlockTransform decoder, Chunk received)
            throws IOException
    {
        CRC32C crc = new CRC32C();
        try (Run run = new Run(fetched)) {
            while (true) {
                int chunk = in.readInt();
                if (chunk == 0) {
                    break;
                }
                if (chunk < 0 || chunk > ShuffleServer.CHUNK_BYTES * 2) {
                    throw new FetchFailedException(shuffleId, map, location, "corrupt chunk length " + chunk, null);
                }
                int expected = in.readInt();
                // as it is, a chunk is read straight to where it belongs; encoded, it is read aside and decoded there
                byte[] target;
                int offset;
                if (decoder == null) {
                    target = run.room(chunk);
                    offset = run.roomOffset();
                }
                else {
                    target = received.bytes(chunk);
                    offset = 0;
                }
                in.readFully(target, offset, chunk);
                crc.reset();
                crc.update(target, offset, chunk);
                if ((int) crc.getValue() != expected) {
                    throw new FetchFailedException(shuffleId, map, location, "a chunk of " + chunk + " bytes failed its CRC32C check", null);
                }
                fetchedBytes.addAndGet(chunk);
                if (decoder == null) {
                    run.filled(chunk);
                    continue;
                }
                byte[] decoded;
                try {
                    decoded = decoder.decode(target, chunk);
                }
                catch (IOException | RuntimeException e) {
                    throw new FetchFailedException(shuffleId, map, location, "a chunk of " + chunk + " bytes cannot be decoded: " + e, e);
                }
                System.arraycopy(decoded, 0, run.room(decoded.length), run.roomOffset(), decoded.length);
                run.filled(decoded.length);
            }
            return run.cursor(in.readLong());
        }
    }

    /** A buffer for the chunks of one fetch that are read before they are decoded. */
    private static final class Chunk
    {
        private byte[] bytes = new byte[0];

        byte[] bytes(int length)
        {
            if (bytes.length < length) {
                bytes = new byte[length];
            }
            return bytes;
        }
    }

    /** One run's bytes as they arrive: in memory while the memory manager grants it, then in a local file. */
    private final class Run
            implements AutoCloseable
    {
        private final Fetched fetched;
        private byte[] bytes = new byte[0];
        private int length;
        private Path file;
        private OutputStream fileOut;
        private long fileLength;
        private byte[] scratch;

        Run(Fetched fetched)
        {
            this.fetched = fetched;
        }

        /** The array the next {@code size} bytes go into, at {@link #roomOffset}; {@link #filled} keeps them. */
        byte[] room(int size)
                throws IOException
        {
            if (file == null && !fetched.acquire(size)) {
                file = spillDirectory.newFile("fetched");
                fileOut = new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024);
                fileOut.write(bytes, 0, length);
                fileLength = length;
                fetched.addFile(file);
                fetched.releaseBytes(bytes.length);
                bytes = null;
            }
            if (file == null) {
                if (length + size > bytes.length) {
                    int capacity = Math.max(length + size, Math.min(bytes.length * 2, Integer.MAX_VALUE - 16));
                    fetched.acquireGrowth(capacity - bytes.length - size);
                    bytes = Arrays.copyOf(bytes, capacity);
                }
                return bytes;
            }
            if (scratch == null || scratch.length < size) {
                scratch = new byte[Math.max(size, ShuffleServer.CHUNK_BYTES)];
            }
            return scratch;
        }

        int roomOffset()
        {
            return file == null ? length : 0;
        }

        void filled(int size)
                throws IOException
        {
            if (file == null) {
                length += size;
            }
            else {
                fileOut.write(scratch, 0, size);
                fileLength += size;
            }
        }

        RecordCursor cursor(long records)
                throws IOException
        {
            if (file == null) {
                return Segments.cursor(bytes, 0, length, records);
            }
            fileOut.close();
            fileOut = null;
            return Segments.cursor(file, 0, fileLength, records);
        }

        @Override
        public void close()
                throws IOException
        {
            if (fileOut != null) {
                fileOut.close();
            }
        }
    }

    /** The shuffle server's address in a location {@code executor@host:port}. */
    static InetSocketAddress address(String location)
    {
        int at = location.lastIndexOf('@');
        int colon = location.lastIndexOf(':');
        if (at < 0 || colon < at) {
            throw new IllegalArgumentException("not an executor location: " + location);
        }
        return new InetSocketAddress(location.substring(at + 1, colon), Integer.parseInt(location.substring(colon + 1)));
    }

    @Override
    public void remove(int shuffleId)
    {
        local.remove(shuffleId);
    }

    @Override
    public void close()
    {
        fetchers.shutdownNow();
        local.close();
    }

    /** The memory and files that the fetched runs of one reducer's input hold, released when its cursor closes. */
    private final class Fetched
            implements MemoryConsumer
    {
        private final String name;
        private final List<Path> files = new ArrayList<>();

        Fetched(String name)
        {
            this.name = name;
        }

        @Override
        public String memoryOwnerName()
        {
            return name;
        }

        boolean acquire(long bytes)
        {
            return memoryManager.tryAcquire(this, bytes);
        }

        /** Room a growing array takes beyond its records: granted or not, the array needs it. */
        void acquireGrowth(long bytes)
        {
            if (bytes > 0 && !memoryManager.tryAcquire(this, bytes)) {
                memoryManager.forceAcquire(this, bytes);
            }
        }

        synchronized void releaseBytes(long bytes)
        {
            long held = memoryManager.usedBy(this);
            memoryManager.release(this, Math.min(held, bytes));
        }

        synchronized void addFile(Path file)
        {
            files.add(file);
        }

        synchronized void release()
        {
            memoryManager.releaseAll(this);
            for (Path file : files) {
                try {
                    Files.deleteIfExists(file);
                }
                catch (IOException ignored) {
                    // the spill directory goes with the executor
                }
            }
            files.clear();
        }
    }
}
