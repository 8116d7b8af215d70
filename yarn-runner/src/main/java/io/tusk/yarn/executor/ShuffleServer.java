package io.tusk.yarn.executor;

import io.tusk.engine.shuffle.LocalShuffleService;
import io.tusk.engine.shuffle.MapOutput;
import io.tusk.engine.shuffle.RecordCursor;
import io.tusk.engine.shuffle.Segments;
import io.tusk.yarn.net.AppSecret;
import io.tusk.yarn.net.Handshake;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.CRC32C;

import static java.util.Objects.requireNonNull;

/**
 * Serves this executor's map outputs (in memory or spilled) to reducers on other executors. A
 * request names a shuffle, a partition and maps; for each map the answer is its sorted runs of that
 * partition, each as chunks with a CRC32C (of the chunk as sent: encoded with the map output's
 * {@link io.tusk.engine.shuffle.WireTransform}, whose name precedes the runs, when it has one), or
 * -1 when this executor holds no output of the map.
 * Only peers that hold the application's secret are served. Thread-safe.
 */
public final class ShuffleServer
        implements AutoCloseable
{
    private static final Logger LOG = LogManager.getLogger(ShuffleServer.class);
    static final int CHUNK_BYTES = 256 * 1024;
    private static final long CLOSE_WAIT_MILLIS = 5_000;

    private final LocalShuffleService outputs;
    private final AppSecret secret;
    private final ServerSocket server;
    private final ExecutorService connections = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "tusk-shuffle-server");
        thread.setDaemon(true);
        return thread;
    });
    private final Thread acceptor;
    private volatile boolean closed;

    /** Listens on {@code address} (the node's own address, never the wildcard) on a free port. */
    public ShuffleServer(LocalShuffleService outputs, AppSecret secret, InetAddress address)
            throws IOException
    {
        this.outputs = requireNonNull(outputs, "outputs is null");
        this.secret = requireNonNull(secret, "secret is null");
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(address, 0), 64);
        acceptor = new Thread(this::acceptLoop, "tusk-shuffle-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port()
    {
        return server.getLocalPort();
    }

    private void acceptLoop()
    {
        while (!closed) {
            try {
                Socket socket = server.accept();
                connections.execute(() -> serve(socket));
            }
            catch (IOException e) {
                if (!closed) {
                    LOG.warn("Shuffle server stopped accepting", e);
                }
                return;
            }
        }
    }

    private void serve(Socket socket)
    {
        try (socket) {
            socket.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), CHUNK_BYTES + 64));
            Handshake.accept(socket, secret, in, out);
            int shuffleId = in.readInt();
            int partition = in.readInt();
            int maps = io.tusk.yarn.net.ControlProtocol.readCount(in, io.tusk.yarn.net.ControlProtocol.MAX_MAPS, "maps requested");
            int[] requested = new int[maps];
            for (int i = 0; i < maps; i++) {
                requested[i] = in.readInt();
            }
            for (int map : requested) {
                sendMap(out, shuffleId, map, partition);
            }
            out.flush();
        }
        catch (IOException | java.io.UncheckedIOException e) {
            if (!closed) {
                LOG.info("Shuffle request from {} ended: {}", socket.getRemoteSocketAddress(), e.toString());
            }
        }
        catch (RuntimeException | Error e) {
            // the reducer sees its fetch fail and the map runs again; the cause is here
            LOG.error("Shuffle request from {} failed", socket.getRemoteSocketAddress(), e);
        }
    }

    private void sendMap(DataOutputStream out, int shuffleId, int map, int partition)
            throws IOException
    {
        MapOutput output = outputs.output(shuffleId, map);
        List<RecordCursor> runs;
        try {
            runs = output == null ? null : output.open(partition);
        }
        catch (IllegalStateException deleted) {
            runs = null;
        }
        if (runs == null) {
            out.writeInt(-1);
            return;
        }
        // closed whatever happens to the connection: an open cursor keeps the output's pages from reuse
        try {
            out.writeInt(runs.size());
            java.util.Optional<io.tusk.engine.shuffle.WireTransform> wire = output.wireTransform();
            out.writeUTF(wire.map(io.tusk.engine.shuffle.WireTransform::name).orElse(""));
            ChunkWriter chunks = new ChunkWriter(out, wire.map(io.tusk.engine.shuffle.WireTransform::transform).orElse(null));
            byte[] header = new byte[Segments.HEADER_BYTES];
            for (RecordCursor run : runs) {
                long records = 0;
                while (run.next()) {
                    Segments.write(run, chunks, header);
                    records++;
                }
                chunks.endRun(records);
            }
        }
        finally {
            for (RecordCursor run : runs) {
                run.close();
            }
        }
    }

    /** Cuts a run into chunks of at most {@link #CHUNK_BYTES}, each sent (encoded if there is a transform) with its CRC32C. */
    private static final class ChunkWriter
            extends ByteArrayOutputStream
    {
        private final DataOutputStream out;
        private final io.tusk.engine.shuffle.BlockTransform transform;
        private final CRC32C crc = new CRC32C();

        ChunkWriter(DataOutputStream out, io.tusk.engine.shuffle.BlockTransform transform)
        {
            super(CHUNK_BYTES + 1024);
            this.out = out;
            this.transform = transform;
        }

        @Override
        public void write(byte[] bytes, int offset, int length)
        {
            // a record larger than a chunk spans several
            while (length > 0) {
                int piece = Math.min(length, CHUNK_BYTES - count);
                super.write(bytes, offset, piece);
                offset += piece;
                length -= piece;
                if (count >= CHUNK_BYTES) {
                    try {
                        flushChunk();
                    }
                    catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            }
        }

        private void flushChunk()
                throws IOException
        {
            if (count == 0) {
                return;
            }
            byte[] sent = buf;
            int length = count;
            if (transform != null) {
                sent = transform.encode(buf, count);
                length = sent.length;
            }
            crc.reset();
            crc.update(sent, 0, length);
            out.writeInt(length);
            out.writeInt((int) crc.getValue());
            out.write(sent, 0, length);
            reset();
        }

        void endRun(long records)
                throws IOException
        {
            flushChunk();
            out.writeInt(0);
            out.writeLong(records);
        }
    }

    @Override
    public void close()
    {
        closed = true;
        try {
            server.close();
        }
        catch (IOException e) {
            LOG.debug("Cannot close the shuffle server", e);
        }
        // once close returns nothing answers on the port: some kernels keep a listening socket until its blocked accept returns
        try {
            acceptor.join(CLOSE_WAIT_MILLIS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        connections.shutdownNow();
    }
}
