package io.tusk.io;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.fs.statistics.IOStatisticsSupport;
import org.apache.hadoop.fs.statistics.StreamStatisticNames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.net.URI;
import java.util.Arrays;
import java.util.Comparator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Tusk's local file system against Hadoop's own: the same permissions, owners and groups. */
class NioLocalFileSystemTest
{
    @TempDir
    java.nio.file.Path directory;

    private LocalFileSystem hadoop;
    private NioLocalFileSystem tusk;

    @BeforeEach
    void setUp()
            throws IOException
    {
        Configuration conf = new Configuration(false);
        hadoop = new LocalFileSystem();
        hadoop.initialize(URI.create("file:///"), conf);
        tusk = new NioLocalFileSystem();
        tusk.initialize(URI.create("file:///"), conf);
    }

    @AfterEach
    void tearDown()
            throws IOException
    {
        hadoop.close();
        tusk.close();
    }

    @Test
    void setsPermissionsAsHadoopDoes()
            throws IOException
    {
        for (short mode : new short[] {0644, 0600, 0755, 0700, 0640, 0777, 01777, 0}) {
            Path byTusk = new Path(directory.resolve("tusk-" + Integer.toOctalString(mode)).toUri());
            Path byHadoop = new Path(directory.resolve("hadoop-" + Integer.toOctalString(mode)).toUri());
            touch(tusk, byTusk);
            touch(hadoop, byHadoop);

            tusk.setPermission(byTusk, new FsPermission(mode));
            hadoop.setPermission(byHadoop, new FsPermission(mode));

            assertThat(hadoop.getFileStatus(byTusk).getPermission()).as("mode %s", Integer.toOctalString(mode))
                    .isEqualTo(hadoop.getFileStatus(byHadoop).getPermission())
                    .isEqualTo(new FsPermission(mode));
        }
    }

    @Test
    void readsStatusesAsHadoopDoes()
            throws IOException
    {
        Path root = new Path(directory.toUri());
        touch(hadoop, new Path(root, "file"));
        hadoop.setPermission(new Path(root, "file"), new FsPermission((short) 0640));
        hadoop.mkdirs(new Path(root, "dir"), new FsPermission((short) 0750));
        hadoop.mkdirs(new Path(root, "sticky"));
        hadoop.setPermission(new Path(root, "sticky"), new FsPermission((short) 01777));
        Files.createSymbolicLink(directory.resolve("link-to-file"), directory.resolve("file"));
        Files.createSymbolicLink(directory.resolve("link-to-dir"), directory.resolve("dir"));
        Files.createSymbolicLink(directory.resolve("dangling"), directory.resolve("nowhere"));

        FileStatus[] expected = sorted(hadoop.listStatus(root));
        FileStatus[] actual = sorted(tusk.listStatus(root));

        assertThat(actual).hasSameSizeAs(expected).hasSize(5);
        for (int i = 0; i < expected.length; i++) {
            assertStatus(actual[i], expected[i]);
            assertStatus(tusk.getFileStatus(expected[i].getPath()), expected[i]);
            // Hadoop finds a link only through a path without a scheme
            Path unqualified = new Path(expected[i].getPath().toUri().getPath());
            assertStatus(tusk.getFileLinkStatus(unqualified), hadoop.getFileLinkStatus(unqualified));
        }
        assertThat(hadoop.getFileLinkStatus(new Path(directory.resolve("link-to-file").toString())).isSymlink()).isTrue();
        Path file = new Path(root, "file");
        assertStatus(tusk.listStatus(file)[0], hadoop.listStatus(file)[0]);
        assertThat(tusk.getFileStatus(new Path(directory.toString(), "file")).getPath()).as("an unqualified path's status").isEqualTo(file);
        tusk.setWorkingDirectory(new Path(root, "dir"));
        hadoop.setWorkingDirectory(new Path(root, "dir"));
        assertStatus(tusk.getFileStatus(new Path("../file")), hadoop.getFileStatus(new Path("../file")));
        for (String missing : new String[] {"dangling", "nowhere"}) {
            Path path = new Path(root, missing);
            assertThatThrownBy(() -> tusk.getFileStatus(path)).isInstanceOf(FileNotFoundException.class)
                    .hasMessage(catchThrowable(() -> hadoop.getFileStatus(path)).getMessage());
        }
    }

    @Test
    void aStatusWrittenOrSerializedCarriesItsPermissionOwnerAndGroup()
            throws Exception
    {
        Path file = new Path(directory.resolve("file").toUri());
        touch(hadoop, file);
        hadoop.setPermission(file, new FsPermission((short) 0604));

        assertThat(written(tusk.getFileStatus(file))).as("the status written as a Writable").isEqualTo(written(hadoop.getFileStatus(file)));

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(tusk.getFileStatus(file));
        }
        FileStatus read;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            read = (FileStatus) in.readObject();
        }
        assertStatus(read, hadoop.getFileStatus(file));
        assertThat(read).as("serialized with what it read").isExactlyInstanceOf(FileStatus.class);
        assertThat(tusk.getFileStatus(file).toString()).contains("permission=rw----r--", "owner=" + hadoop.getFileStatus(file).getOwner());
    }

    @Test
    void readsPermissionOwnerAndGroupWhenFirstAskedForAsHadoopDoes()
            throws IOException
    {
        Path file = new Path(directory.resolve("file").toUri());
        touch(hadoop, file);
        hadoop.setPermission(file, new FsPermission((short) 0600));
        FileStatus byTusk = tusk.getFileStatus(file);
        FileStatus byHadoop = hadoop.getFileStatus(file);
        assertThat(byTusk).isInstanceOf(NioLocalFileSystem.LocalStatus.class);

        hadoop.setPermission(file, new FsPermission((short) 0640));
        assertThat(byTusk.getPermission()).isEqualTo(byHadoop.getPermission()).isEqualTo(new FsPermission((short) 0640));
        hadoop.setPermission(file, new FsPermission((short) 0600));
        assertThat(byTusk.getPermission()).as("read once").isEqualTo(byHadoop.getPermission()).isEqualTo(new FsPermission((short) 0640));

        // a file deleted before its owner is asked for: an unchecked exception from both
        FileStatus deletedByTusk = tusk.getFileStatus(file);
        FileStatus deletedByHadoop = hadoop.getFileStatus(file);
        Files.delete(directory.resolve("file"));
        assertThatThrownBy(deletedByHadoop::getOwner).isInstanceOf(RuntimeException.class);
        assertThatThrownBy(deletedByTusk::getOwner).isInstanceOf(RuntimeException.class).hasMessageContaining(file.toString());
        assertThat(deletedByTusk.toString()).as("printed all the same").contains(file.toString());
        assertThatThrownBy(() -> written(deletedByTusk)).isInstanceOf(FileNotFoundException.class);
    }

    @Test
    void readsAndWritesThroughBuffersOfAtLeastSixtyFourKibibytes()
            throws IOException
    {
        Path path = new Path(directory.resolve("buffered").toUri());
        byte[] block = new byte[4096];
        Arrays.fill(block, (byte) 't');
        // what Hadoop's default io.file.buffer.size of 4 KiB asks for
        try (FSDataOutputStream out = tusk.create(path, true, 4096)) {
            for (int i = 0; i < 15; i++) {
                out.write(block);
            }
            assertThat(Files.size(directory.resolve("buffered"))).as("bytes on disk after 60 KiB written through a 4 KiB buffer").isZero();
        }
        assertThat(Files.size(directory.resolve("buffered"))).isEqualTo(15 * 4096);

        try (NioLocalFileSystem.NioRawLocalFileSystem raw = new NioLocalFileSystem.NioRawLocalFileSystem()) {
            raw.initialize(URI.create("file:///"), new Configuration(false));
            try (FSDataInputStream in = raw.open(path, 4096)) {
                assertThat(in.read()).isEqualTo('t');
                assertThat(IOStatisticsSupport.retrieveIOStatistics(in).counters()).as("bytes read from the file for one byte")
                        .containsEntry(StreamStatisticNames.STREAM_READ_BYTES, 15L * 4096);
            }
        }
    }

    private static void assertStatus(FileStatus actual, FileStatus expected)
            throws IOException
    {
        assertThat(actual.getPath()).isEqualTo(expected.getPath());
        assertThat(actual.getPermission()).as("%s", expected.getPath()).isEqualTo(expected.getPermission());
        assertThat(actual.getOwner()).isEqualTo(expected.getOwner());
        assertThat(actual.getGroup()).isEqualTo(expected.getGroup());
        assertThat(actual.getLen()).as("%s", expected.getPath()).isEqualTo(expected.getLen());
        assertThat(actual.isDirectory()).isEqualTo(expected.isDirectory());
        assertThat(actual.isSymlink()).isEqualTo(expected.isSymlink());
        if (expected.isSymlink()) {
            assertThat(actual.getSymlink()).isEqualTo(expected.getSymlink());
        }
        assertThat(actual.getModificationTime()).isEqualTo(expected.getModificationTime());
        assertThat(actual.getAccessTime()).isEqualTo(expected.getAccessTime());
        assertThat(actual.getBlockSize()).isEqualTo(expected.getBlockSize());
        assertThat(actual.getReplication()).isEqualTo(expected.getReplication());
    }

    @SuppressWarnings("deprecation")
    private static byte[] written(FileStatus status)
            throws IOException
    {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            status.write(out);
        }
        return bytes.toByteArray();
    }

    private static FileStatus[] sorted(FileStatus[] statuses)
    {
        FileStatus[] copy = statuses.clone();
        Arrays.sort(copy, Comparator.comparing(status -> status.getPath().toString()));
        return copy;
    }

    private static void touch(FileSystem fs, Path path)
            throws IOException
    {
        try (FSDataOutputStream out = fs.create(path)) {
            out.writeBytes("tusk\n");
        }
    }
}
