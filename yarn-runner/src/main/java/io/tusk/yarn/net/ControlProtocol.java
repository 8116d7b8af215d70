package io.tusk.yarn.net;

import io.tusk.engine.scheduler.TaskLaunch;
import io.tusk.engine.storage.StorageLevel;
import io.tusk.engine.task.TaskAttemptId;
import io.tusk.io.cache.FileVersion;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The messages between the application master and its executors on the control channel, after the
 * {@link Handshake}: one type byte, then the message's fields. The executor registers once; then
 * the master sends attempts to launch and jobs to cancel, the executor sends how attempts ended and
 * a heartbeat while it has nothing else to say. Executors also ask the master for what the
 * application shares (numbers of classes in records, broadcast values): a request, then its reply.
 */
public final class ControlProtocol
{
    private static final int READ_CHUNK_BYTES = 1 << 20;
    /** Most maps a shuffle may have: what a count of maps read from a peer may say. */
    public static final int MAX_MAPS = 1 << 24;
    /** executor to master: id, host, cores */
    public static final byte REGISTER = 1;
    /** master to executor: an attempt */
    public static final byte LAUNCH = 2;
    /** master to executor: interrupt the attempts of a job */
    public static final byte CANCEL_JOB = 3;
    /** executor to master: attempt id, serialized result */
    public static final byte SUCCEEDED = 4;
    /** executor to master: attempt id, serialized failure */
    public static final byte FAILED = 5;
    public static final byte HEARTBEAT = 6;
    /** master to executor: stop */
    public static final byte SHUTDOWN = 7;
    /** executor to master: request id, kind, payload; the master answers with a {@link #REPLY} */
    public static final byte REQUEST = 8;
    /** master to executor: request id, payload (length -1: none) */
    public static final byte REPLY = 9;
    /** master to executor: drop the cached partitions of a dataset (its id) */
    public static final byte UNPERSIST = 10;
    /** master to executor: request id (0: no answer), write key, keep (boolean): end a write, keeping or dropping what its attempts committed there */
    public static final byte END_WRITE = 11;
    /** executor to master: request id, the versions of the files it kept (see {@link #writeFileVersions}) */
    public static final byte WRITE_ENDED = 12;

    /** Request: the application's number of a class; payload its name, reply the number (4 bytes). */
    public static final byte CLASS_ID = 1;
    /** Request: the class of an application's number; payload the number (4 bytes), reply its name or none. */
    public static final byte CLASS_NAME = 2;
    /** Request: a broadcast's serialized value; payload its id (8 bytes), reply the bytes or none once destroyed. */
    public static final byte BROADCAST = 3;

    private ControlProtocol() {}

    public record Registration(String executor, String host, int cores) {}

    public static void writeRegistration(DataOutput out, Registration registration)
            throws IOException
    {
        out.writeByte(REGISTER);
        out.writeUTF(registration.executor());
        out.writeUTF(registration.host());
        out.writeInt(registration.cores());
    }

    public static Registration readRegistration(DataInput in)
            throws IOException
    {
        return new Registration(in.readUTF(), in.readUTF(), in.readInt());
    }

    public static void writeFileVersions(DataOutput out, List<FileVersion> versions)
            throws IOException
    {
        out.writeInt(versions.size());
        for (FileVersion version : versions) {
            out.writeUTF(version.uri());
            out.writeLong(version.length());
            out.writeLong(version.modificationTime());
            out.writeUTF(version.identity());
        }
    }

    public static List<FileVersion> readFileVersions(DataInput in)
            throws IOException
    {
        int count = in.readInt();
        if (count < 0) {
            throw new IOException("negative number of files " + count);
        }
        List<FileVersion> versions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            versions.add(new FileVersion(in.readUTF(), in.readLong(), in.readLong(), in.readUTF()));
        }
        return versions;
    }

    public static void writeAttemptId(DataOutput out, TaskAttemptId id)
            throws IOException
    {
        out.writeInt(id.job());
        out.writeInt(id.stage());
        out.writeInt(id.partition());
        out.writeInt(id.attempt());
    }

    public static TaskAttemptId readAttemptId(DataInput in)
            throws IOException
    {
        return new TaskAttemptId(in.readInt(), in.readInt(), in.readInt(), in.readInt());
    }

    /** Writes {@code bytes} (a serialized task, result, or value) with its length and its CRC32C. */
    public static void writeBytes(DataOutput out, byte[] bytes)
            throws IOException
    {
        out.writeInt(bytes.length);
        out.write(bytes);
        out.writeInt(crc(bytes));
    }

    private static int crc(byte[] bytes)
    {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bytes, 0, bytes.length);
        return (int) crc.getValue();
    }

    /** Writes bytes that may be absent (null): length -1. */
    public static void writeOptionalBytes(DataOutput out, byte[] bytes)
            throws IOException
    {
        if (bytes == null) {
            out.writeInt(-1);
        }
        else {
            writeBytes(out, bytes);
        }
    }

    public static byte[] readOptionalBytes(DataInput in)
            throws IOException
    {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        return readChecked(in, length);
    }

    public static byte[] readBytes(DataInput in)
            throws IOException
    {
        int length = in.readInt();
        if (length < 0) {
            throw new IOException("negative message length " + length);
        }
        return readChecked(in, length);
    }

    /**
     * Reads {@code length} bytes and their CRC32C, which must match: what Kryo then reads is what the
     * peer wrote. Memory grows with the bytes that arrive, not with the length announced, so a
     * corrupt length costs an {@code EOFException}, not gigabytes.
     */
    private static byte[] readChecked(DataInput in, int length)
            throws IOException
    {
        byte[] bytes = readUnchecked(in, length);
        int expected = in.readInt();
        if (crc(bytes) != expected) {
            throw new IOException("a message of " + length + " bytes from a peer failed its CRC32C check");
        }
        return bytes;
    }

    private static byte[] readUnchecked(DataInput in, int length)
            throws IOException
    {
        if (length <= READ_CHUNK_BYTES) {
            byte[] bytes = new byte[length];
            in.readFully(bytes);
            return bytes;
        }
        byte[] bytes = new byte[READ_CHUNK_BYTES];
        int read = 0;
        while (read < length) {
            if (read == bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, (int) Math.min(length, 2L * bytes.length));
            }
            int chunk = Math.min(bytes.length - read, READ_CHUNK_BYTES);
            in.readFully(bytes, read, chunk);
            read += chunk;
        }
        return bytes;
    }

    /** A count read from a peer, checked before it sizes anything. */
    public static int readCount(DataInput in, int max, String what)
            throws IOException
    {
        int count = in.readInt();
        if (count < 0 || count > max) {
            throw new IOException("a peer sent " + count + " " + what + ", where 0 to " + max + " can be");
        }
        return count;
    }

    public static void writeLaunch(DataOutput out, TaskLaunch launch)
            throws IOException
    {
        out.writeByte(LAUNCH);
        writeAttemptId(out, launch.attemptId());
        writeBytes(out, launch.taskBinary());
        out.writeInt(launch.storageLevels().size());
        for (Map.Entry<Integer, StorageLevel> level : launch.storageLevels().entrySet()) {
            out.writeInt(level.getKey());
            out.writeUTF(level.getValue().name());
        }
        out.writeInt(launch.preferredHosts().size());
        for (String host : launch.preferredHosts()) {
            out.writeUTF(host);
        }
        out.writeInt(launch.shuffleLocations().size());
        for (Map.Entry<Integer, List<String>> shuffle : launch.shuffleLocations().entrySet()) {
            out.writeInt(shuffle.getKey());
            out.writeInt(shuffle.getValue().size());
            for (String location : shuffle.getValue()) {
                out.writeUTF(location);
            }
        }
        out.writeBoolean(launch.alone());
    }

    public static TaskLaunch readLaunch(DataInput in)
            throws IOException
    {
        TaskAttemptId id = readAttemptId(in);
        byte[] binary = readBytes(in);
        Map<Integer, StorageLevel> levels = new HashMap<>();
        for (int i = in.readInt(); i > 0; i--) {
            levels.put(in.readInt(), StorageLevel.valueOf(in.readUTF()));
        }
        List<String> hosts = new ArrayList<>();
        for (int i = in.readInt(); i > 0; i--) {
            hosts.add(in.readUTF());
        }
        Map<Integer, List<String>> shuffles = new HashMap<>();
        for (int i = in.readInt(); i > 0; i--) {
            int shuffleId = in.readInt();
            int maps = readCount(in, MAX_MAPS, "maps of a shuffle");
            // the same few executors hold every map: keep one string per executor
            Map<String, String> interned = new HashMap<>();
            List<String> locations = new ArrayList<>(Math.min(maps, 1024));
            for (int map = 0; map < maps; map++) {
                String location = in.readUTF();
                locations.add(interned.computeIfAbsent(location, key -> key));
            }
            shuffles.put(shuffleId, locations);
        }
        // where the attempt runs is decided: no executors to prefer
        return new TaskLaunch(id, binary, levels, hosts, List.of(), shuffles, in.readBoolean());
    }
}
