package io.tusk.io.cache;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What identifies one version of a file: its fully qualified path, length and modification time,
 * and where the file system can tell, the file's own identity, so that a file rewritten with the
 * same length within the same millisecond, or deleted and created again, is a different version.
 * Local files add their inode and their modification and change times in nanoseconds; HDFS files
 * their inode id.
 */
public record FileVersion(String uri, long length, long modificationTime, String identity)
{
    public FileVersion
    {
        requireNonNull(uri, "uri is null");
        requireNonNull(identity, "identity is null");
    }

    /** The file's version now, or empty if it does not exist or is a directory. */
    public static Optional<FileVersion> of(FileSystem fs, Path path)
            throws IOException
    {
        Path qualified = fs.makeQualified(path);
        FileStatus status;
        try {
            status = fs.getFileStatus(qualified);
        }
        catch (FileNotFoundException e) {
            return Optional.empty();
        }
        if (!status.isFile()) {
            return Optional.empty();
        }
        return Optional.of(new FileVersion(qualified.toString(), status.getLen(), status.getModificationTime(), identity(fs, qualified, status)));
    }

    private static String identity(FileSystem fs, Path qualified, FileStatus status)
            throws IOException
    {
        if ("file".equals(fs.getScheme()) || "file".equals(qualified.toUri().getScheme())) {
            java.nio.file.Path local = Paths.get(qualified.toUri());
            try {
                Map<String, Object> unix = Files.readAttributes(local, "unix:ino,ctime,lastModifiedTime");
                return "ino=" + unix.get("ino") + ",ctime=" + nanos(unix.get("ctime")) + ",mtime=" + nanos(unix.get("lastModifiedTime"));
            }
            catch (UnsupportedOperationException | IllegalArgumentException e) {
                BasicFileAttributes basic = Files.readAttributes(local, BasicFileAttributes.class);
                return "key=" + basic.fileKey() + ",mtime=" + nanos(basic.lastModifiedTime());
            }
            catch (java.nio.file.NoSuchFileException e) {
                throw new FileNotFoundException(local.toString());
            }
        }
        try {
            // HDFS: HdfsFileStatus.getFileId(), without a compile-time dependency on the HDFS client
            Method fileId = status.getClass().getMethod("getFileId");
            return "id=" + fileId.invoke(status);
        }
        catch (ReflectiveOperationException | RuntimeException e) {
            return "";
        }
    }

    private static String nanos(Object time)
    {
        return time instanceof java.nio.file.attribute.FileTime fileTime
                ? Long.toString(fileTime.to(java.util.concurrent.TimeUnit.NANOSECONDS))
                : String.valueOf(time);
    }
}
