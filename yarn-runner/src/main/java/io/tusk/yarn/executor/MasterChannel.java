package io.tusk.yarn.executor;

import io.tusk.yarn.net.ControlProtocol;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static java.util.Objects.requireNonNull;

/**
 * An executor's control connection to its master: messages from any thread (they do not
 * interleave), and requests that wait for the master's reply, which the thread that reads the
 * master's messages hands over with {@link #replied}. Thread-safe.
 */
final class MasterChannel
{
    private static final long REPLY_TIMEOUT_SECONDS = 60;

    private final DataInputStream in;
    private final DataOutputStream out;
    private final AtomicInteger nextRequest = new AtomicInteger();
    private final Map<Integer, CompletableFuture<byte[]>> pending = new ConcurrentHashMap<>();
    private volatile IOException closed;

    interface Message
    {
        void write(DataOutputStream out)
                throws IOException;
    }

    MasterChannel(DataInputStream in, DataOutputStream out)
    {
        this.in = requireNonNull(in, "in is null");
        this.out = requireNonNull(out, "out is null");
    }

    DataInputStream in()
    {
        return in;
    }

    /** Writes one message to the master. */
    void send(Message message)
            throws IOException
    {
        synchronized (out) {
            message.write(out);
            out.flush();
        }
    }

    /** Asks the master and waits for its reply (null: it has none). */
    byte[] request(byte kind, byte[] payload)
            throws IOException
    {
        int id = nextRequest.incrementAndGet();
        CompletableFuture<byte[]> reply = new CompletableFuture<>();
        pending.put(id, reply);
        try {
            IOException gone = closed;
            if (gone != null) {
                throw gone;
            }
            send(message -> {
                message.writeByte(ControlProtocol.REQUEST);
                message.writeInt(id);
                message.writeByte(kind);
                ControlProtocol.writeBytes(message, payload);
            });
            return reply.get(REPLY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the master");
        }
        catch (ExecutionException e) {
            throw new IOException("The master did not answer: " + e.getCause().getMessage(), e.getCause());
        }
        catch (TimeoutException e) {
            throw new IOException("The master did not answer within " + REPLY_TIMEOUT_SECONDS + " s");
        }
        finally {
            pending.remove(id);
        }
    }

    /** Reads a reply's fields (after its type) and hands it to the request that waits for it. */
    void replied()
            throws IOException
    {
        int id = in.readInt();
        byte[] payload = ControlProtocol.readOptionalBytes(in);
        CompletableFuture<byte[]> reply = pending.get(id);
        if (reply != null) {
            reply.complete(payload);
        }
    }

    /** The connection is gone: requests that wait, and later ones, fail. */
    void closed(String reason)
    {
        IOException failure = new IOException("The connection to the master is gone: " + reason);
        closed = failure;
        pending.values().forEach(reply -> reply.completeExceptionally(failure));
    }
}
