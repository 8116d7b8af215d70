package io.tusk.mr;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The first part of the ids of the jobs this process runs locally: digits, as a YARN cluster's
 * start time is in its jobs' ids, so that Hadoop's history tools (which read that part as a number)
 * take Tusk's jobs; the time this process first needed it, in milliseconds. Two processes that start
 * in the same millisecond would share it, and their jobs' ids, history files and task directories:
 * each claims its number with a file in {@code tusk-job-ids} of the temporary directory, locked for
 * as long as the process lives and deleted when it ends, and takes the next number when a live
 * process holds that one. Claims of processes that died (kill -9) are unlocked; the next process
 * deletes them.
 */
final class LocalJobIds
{
    private static final Logger LOG = LogManager.getLogger(LocalJobIds.class);
    private static final int ATTEMPTS = 1000;

    private LocalJobIds() {}

    private static final class Holder
    {
        static final String IDENTIFIER = Long.toString(claim(Path.of(System.getProperty("java.io.tmpdir"), "tusk-job-ids"), System.currentTimeMillis()));
    }

    static String identifier()
    {
        return Holder.IDENTIFIER;
    }

    /**
     * The first number from {@code start} on that no live process holds in {@code directory}, held
     * by this process until it exits; {@code start} when none can be claimed.
     */
    static long claim(Path directory, long start)
    {
        try {
            Files.createDirectories(directory);
            removeDeadClaims(directory);
            for (long candidate = start; candidate < start + ATTEMPTS; candidate++) {
                Path file = directory.resolve(Long.toString(candidate));
                FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = tryLock(channel);
                if (lock == null) {
                    channel.close();
                    continue;
                }
                // held until the process ends: the channel stays open, and the claim goes with the process
                Runtime.getRuntime().addShutdownHook(new Thread(() -> release(directory, file, channel), "tusk-job-id-release"));
                return candidate;
            }
        }
        catch (IOException | RuntimeException e) {
            LOG.debug("Cannot claim a job id in {}: {}", directory, e.toString());
        }
        return start;
    }

    private static FileLock tryLock(FileChannel channel)
            throws IOException
    {
        try {
            return channel.tryLock();
        }
        catch (OverlappingFileLockException e) {
            // this process holds it already
            return null;
        }
    }

    private static void release(Path directory, Path file, FileChannel channel)
    {
        try {
            Files.deleteIfExists(file);
            channel.close();
            // the directory too, unless another process's claim is in it
            Files.deleteIfExists(directory);
        }
        catch (IOException e) {
            LOG.debug("Cannot remove the claim {}: {}", file, e.toString());
        }
    }

    /** Deletes the claims no process holds (of processes that were killed). */
    private static void removeDeadClaims(Path directory)
            throws IOException
    {
        try (DirectoryStream<Path> claims = Files.newDirectoryStream(directory)) {
            for (Path claim : claims) {
                try (FileChannel channel = FileChannel.open(claim, StandardOpenOption.WRITE)) {
                    FileLock lock = tryLock(channel);
                    if (lock != null) {
                        Files.deleteIfExists(claim);
                        lock.release();
                    }
                }
                catch (IOException e) {
                    // removed meanwhile, or not ours to remove
                }
            }
        }
    }
}
