package io.tusk.mr;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The first part of the ids of the jobs this process runs locally: digits, as a YARN cluster's
 * start time is in its jobs' ids, so that Hadoop's history tools (which read that part as a number)
 * take Tusk's jobs; the time this process first needed it, in milliseconds. Two processes that start
 * in the same millisecond would share it, and their jobs' ids, history files and task directories:
 * each claims its number with a file in the temporary directory, and takes the next number when
 * another process has it.
 */
final class LocalJobIds
{
    private static final Logger LOG = LogManager.getLogger(LocalJobIds.class);
    private static final long CLAIMS_KEPT_MILLIS = TimeUnit.DAYS.toMillis(1);
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

    /** The first number from {@code start} on that no other process claimed in {@code directory}; {@code start} when none can be claimed. */
    static long claim(Path directory, long start)
    {
        try {
            Files.createDirectories(directory);
            removeOldClaims(directory, start);
            for (long candidate = start; candidate < start + ATTEMPTS; candidate++) {
                try {
                    Files.createFile(directory.resolve(Long.toString(candidate)));
                    return candidate;
                }
                catch (FileAlreadyExistsException e) {
                    // another process's: the next one
                }
            }
        }
        catch (IOException | SecurityException e) {
            LOG.debug("Cannot claim a job id in {}: {}", directory, e.toString());
        }
        return start;
    }

    private static void removeOldClaims(Path directory, long now)
            throws IOException
    {
        try (DirectoryStream<Path> claims = Files.newDirectoryStream(directory)) {
            for (Path claim : claims) {
                try {
                    if (Long.parseLong(claim.getFileName().toString()) < now - CLAIMS_KEPT_MILLIS) {
                        Files.deleteIfExists(claim);
                    }
                }
                catch (NumberFormatException | IOException e) {
                    // not a claim, or another process's to remove
                }
            }
        }
    }
}
