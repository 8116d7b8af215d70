package io.tusk.io;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.PathHandle;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsAction;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

import java.io.DataOutput;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.Principal;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Hadoop's {@code file://} file system (checksummed {@link LocalFileSystem} over a raw local file
 * system) that reads and changes permissions with {@code java.nio} instead of starting {@code ls}
 * and {@code chmod} processes. Without Hadoop's native library every {@code setPermission} and
 * every permission, owner or group read of a file status forks a process; job submission alone
 * does that some thirty times (staging directory, job files and their checksum files, input
 * listing), which dominated the cost of a short job. Files, bytes, permissions and owners are the
 * same; where {@code java.nio} cannot tell or set something, Hadoop's own way is used.
 * <p>
 * Files are read and written through buffers of at least {@value NioRawLocalFileSystem#MIN_BUFFER_BYTES}
 * bytes, whatever smaller size the caller asks for (their checksum files excepted): Hadoop's default
 * {@code io.file.buffer.size} of 4 KiB costs a system call per 4 KiB, 256,000 of them per GiB read or
 * written.
 */
public class NioLocalFileSystem
        extends LocalFileSystem
{
    public NioLocalFileSystem()
    {
        super(new NioRawLocalFileSystem());
    }

    /**
     * The raw local file system with {@link #setPermission} through {@code java.nio}, and files
     * opened and created with buffers of at least {@link #MIN_BUFFER_BYTES}.
     */
    public static class NioRawLocalFileSystem
            extends RawLocalFileSystem
    {
        /**
         * The least buffer of a file opened or created: what clusters commonly set as
         * {@code io.file.buffer.size}. TeraSort of 625,000 rows (62.5 MB read and written) makes
         * 2,500 {@code read} and {@code write} calls on its files instead of 31,000; the examples'
         * word count of 256 MiB ran in 6.48 s instead of 7.04 s (medians of 5 alternating runs).
         */
        static final int MIN_BUFFER_BYTES = 64 * 1024;

        /** The block size of this file system's statuses, known once it is initialized. */
        private long blockSize;

        /**
         * The buffer for {@code path}: at least {@link #MIN_BUFFER_BYTES}, except for the checksum
         * files of the checksummed file system above ({@code .name.crc}, a 128th of their file's
         * size), which keep what their caller asks for.
         */
        private static int buffer(Path path, int requested)
        {
            String name = path.getName();
            boolean checksums = name.startsWith(".") && name.endsWith(".crc");
            return checksums ? requested : Math.max(requested, MIN_BUFFER_BYTES);
        }

        @Override
        public FSDataInputStream open(Path path, int bufferSize)
                throws IOException
        {
            return super.open(path, buffer(path, bufferSize));
        }

        @Override
        public FSDataInputStream open(PathHandle handle, int bufferSize)
                throws IOException
        {
            return super.open(handle, Math.max(bufferSize, MIN_BUFFER_BYTES));
        }

        @Override
        public FSDataOutputStream append(Path path, int bufferSize, Progressable progress)
                throws IOException
        {
            return super.append(path, buffer(path, bufferSize), progress);
        }

        @Override
        public FSDataOutputStream create(Path path, boolean overwrite, int bufferSize, short replication, long blockSize, Progressable progress)
                throws IOException
        {
            return super.create(path, overwrite, buffer(path, bufferSize), replication, blockSize, progress);
        }

        @Override
        public FSDataOutputStream create(Path path, FsPermission permission, boolean overwrite, int bufferSize, short replication, long blockSize,
                Progressable progress)
                throws IOException
        {
            return super.create(path, permission, overwrite, buffer(path, bufferSize), replication, blockSize, progress);
        }

        @Override
        public FSDataOutputStream createNonRecursive(Path path, FsPermission permission, EnumSet<CreateFlag> flags, int bufferSize, short replication,
                long blockSize, Progressable progress)
                throws IOException
        {
            return super.createNonRecursive(path, permission, flags, buffer(path, bufferSize), replication, blockSize, progress);
        }

        @Override
        public FSDataOutputStream createNonRecursive(Path path, FsPermission permission, boolean overwrite, int bufferSize, short replication,
                long blockSize, Progressable progress)
                throws IOException
        {
            return super.createNonRecursive(path, permission, overwrite, buffer(path, bufferSize), replication, blockSize, progress);
        }

        @Override
        public void setPermission(Path path, FsPermission permission)
                throws IOException
        {
            java.nio.file.Path file = pathToFile(path).toPath();
            if (permission.getStickyBit() || !supportsPosix(file)) {
                // what java.nio cannot express is left to Hadoop's own way
                super.setPermission(path, permission);
                return;
            }
            Files.setPosixFilePermissions(file, posix(permission));
        }

        @Override
        public void initialize(URI uri, Configuration conf)
                throws IOException
        {
            super.initialize(uri, conf);
            // what Hadoop's raw local file system keeps as its statuses' block size
            blockSize = getDefaultBlockSize(new Path(uri));
        }

        /**
         * The status Hadoop's raw local file system gives (symbolic links followed), read with one
         * {@code stat}: Hadoop asks the file for its existence, length, kind and modification time
         * one {@code stat} each. Permission, owner and group are read when first asked for (see
         * {@link LocalStatus}).
         */
        @Override
        public FileStatus getFileStatus(Path path)
                throws IOException
        {
            if (blockSize <= 0) {
                // not initialized: Hadoop's own way
                return withPermissions(super.getFileStatus(path));
            }
            File file = pathToFile(path);
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(file.toPath(), BasicFileAttributes.class);
            }
            catch (NoSuchFileException e) {
                throw new FileNotFoundException("File " + path + " does not exist");
            }
            catch (IOException | UnsupportedOperationException | InvalidPathException e) {
                // what java.nio cannot read: Hadoop's own way
                return withPermissions(super.getFileStatus(path));
            }
            Path qualified = new Path(file.getPath()).makeQualified(getUri(), getWorkingDirectory());
            return new LocalStatus(attributes, blockSize, qualified, this);
        }

        @Override
        public FileStatus[] listStatus(Path path)
                throws IOException
        {
            FileStatus[] statuses = super.listStatus(path);
            for (int i = 0; i < statuses.length; i++) {
                if (!(statuses[i] instanceof LocalStatus)) {
                    statuses[i] = withPermissions(statuses[i]);
                }
            }
            return statuses;
        }

        /**
         * The status with permission, owner and group read now with one {@code stat}; Hadoop's
         * status would start {@code ls -ld} when they are first asked for.
         */
        private static FileStatus withPermissions(FileStatus status)
        {
            if (status.isSymlink()) {
                return status;
            }
            Permissions permissions = Permissions.read(status.getPath());
            if (permissions == null) {
                return status;
            }
            return new FileStatus(status.getLen(), status.isDirectory(), status.getReplication(), status.getBlockSize(), status.getModificationTime(),
                    status.getAccessTime(), permissions.permission, permissions.owner, permissions.group, status.getPath());
        }

        /**
         * The permission, owner and group of {@code path} read Hadoop's own way ({@code ls -ld}), for
         * where {@code java.nio} cannot read them; like Hadoop's status, fails with an unchecked
         * exception when they cannot be read (the file was deleted since its status was taken).
         */
        private Permissions permissionsByHadoop(Path path)
        {
            FileStatus status;
            try {
                status = super.getFileStatus(path);
            }
            catch (IOException e) {
                throw new UncheckedIOException("Cannot read the permission, owner and group of " + path, e);
            }
            return new Permissions(status.getPermission(), status.getOwner(), status.getGroup());
        }

        private static boolean supportsPosix(java.nio.file.Path file)
        {
            return file.getFileSystem().supportedFileAttributeViews().contains("posix");
        }

        private static Set<PosixFilePermission> posix(FsPermission permission)
        {
            Set<PosixFilePermission> result = EnumSet.noneOf(PosixFilePermission.class);
            add(result, permission.getUserAction(), PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
            add(result, permission.getGroupAction(), PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE);
            add(result, permission.getOtherAction(), PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
            return result;
        }

        private static void add(Set<PosixFilePermission> result, FsAction action, PosixFilePermission read, PosixFilePermission write, PosixFilePermission execute)
        {
            if (action.implies(FsAction.READ)) {
                result.add(read);
            }
            if (action.implies(FsAction.WRITE)) {
                result.add(write);
            }
            if (action.implies(FsAction.EXECUTE)) {
                result.add(execute);
            }
        }
    }

    /**
     * A file's mode, owner and group as Hadoop reads them ({@code ls -ld} of the file's canonical
     * path: symbolic links followed), read with one {@code stat}; {@code null} where
     * {@code java.nio} cannot read them.
     */
    private record Permissions(FsPermission permission, String owner, String group)
    {
        static Permissions read(Path path)
        {
            Map<String, Object> attributes;
            try {
                attributes = Files.readAttributes(java.nio.file.Path.of(path.toUri().getPath()), "unix:mode,owner,group");
            }
            catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                return null;
            }
            int mode = (Integer) attributes.get("mode");
            return new Permissions(new FsPermission((short) (mode & 01777)), ((Principal) attributes.get("owner")).getName(),
                    ((Principal) attributes.get("group")).getName());
        }
    }

    /**
     * A local file's status whose permission, owner and group are read when first asked for, as
     * Hadoop's own local status does: most statuses are asked only for their length, kind or time
     * (listings, existence checks, committers), and naming the owner and group looks both up in
     * the user and group databases. Written, serialized or printed, the status reads them first.
     */
    static final class LocalStatus
            extends FileStatus
    {
        /** Reads what {@code java.nio} cannot. */
        private final transient NioRawLocalFileSystem fs;
        private boolean loaded;

        LocalStatus(BasicFileAttributes attributes, long blockSize, Path path, NioRawLocalFileSystem fs)
        {
            super(attributes.size(), attributes.isDirectory(), 1, blockSize, attributes.lastModifiedTime().toMillis(),
                    attributes.lastAccessTime().toMillis(), null, null, null, path);
            this.fs = fs;
        }

        @Override
        public FsPermission getPermission()
        {
            load();
            return super.getPermission();
        }

        @Override
        public String getOwner()
        {
            load();
            return super.getOwner();
        }

        @Override
        public String getGroup()
        {
            load();
            return super.getGroup();
        }

        @Override
        @SuppressWarnings("deprecation")
        public void write(DataOutput out)
                throws IOException
        {
            try {
                load();
            }
            catch (UncheckedIOException e) {
                throw e.getCause();
            }
            super.write(out);
        }

        /** The status as Hadoop prints it, with permission, owner and group unless they cannot be read. */
        @Override
        public String toString()
        {
            try {
                load();
            }
            catch (RuntimeException e) {
                // a message that names the status must not fail for it (the file was deleted since)
            }
            return super.toString();
        }

        /** Java serialization writes the status with what it has read, as a plain status. */
        private Object writeReplace()
                throws IOException
        {
            return new FileStatus(this);
        }

        private synchronized void load()
        {
            if (loaded) {
                return;
            }
            Permissions permissions = Permissions.read(getPath());
            if (permissions == null) {
                permissions = fs.permissionsByHadoop(getPath());
            }
            setPermission(permissions.permission());
            setOwner(permissions.owner());
            setGroup(permissions.group());
            loaded = true;
        }
    }
}
