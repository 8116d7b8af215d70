package io.tusk.engine.shuffle;

import io.tusk.engine.TuskConfig;
import io.tusk.engine.memory.MemoryManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Several local directories: files spread over them, a directory that cannot take files left out, a clear error when none is left. */
class SpillDirectoryTest
{
    @TempDir
    Path temp;

    private static void deleteTree(Path root)
            throws IOException
    {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @Test
    void theConfigurationTakesAListAndFilesGoToEachInTurn()
    {
        TuskConfig config = TuskConfig.fromProperties(Map.of(TuskConfig.LOCAL_DIR, temp.resolve("a") + ", " + temp.resolve("b")));
        assertThat(config.localDir()).isEqualTo(temp.resolve("a"));
        assertThat(config.localDirs()).containsExactly(temp.resolve("a"), temp.resolve("b"));
        assertThat(config.withLocalDir(temp.resolve("c")).localDirs()).containsExactly(temp.resolve("c"));

        try (SpillDirectory directory = new SpillDirectory(config.localDirs())) {
            assertThat(directory.roots()).hasSize(2);
            Path first = directory.newFile("spill");
            Path second = directory.newFile("spill");
            assertThat(first.getParent()).isNotEqualTo(second.getParent());
            assertThat(List.of(first.getParent().getParent(), second.getParent().getParent())).containsExactlyInAnyOrder(temp.resolve("a"), temp.resolve("b"));
        }
        assertThat(temp.resolve("a")).isEmptyDirectory();
        assertThat(temp.resolve("b")).isEmptyDirectory();
    }

    @Test
    void aDirectoryThatCannotTakeFilesIsLeftOutAndTheWriteGoesToAnother()
            throws IOException
    {
        try (SpillDirectory directory = new SpillDirectory(List.of(temp.resolve("a"), temp.resolve("b")))) {
            Path gone = directory.roots().get(0);
            deleteTree(gone);
            for (int i = 0; i < 4; i++) {
                Path written = directory.write("spill", path -> Files.writeString(path, "records"));
                assertThat(written.getParent()).isEqualTo(directory.roots().get(1));
            }
            assertThat(directory.usable()).containsExactly(directory.roots().get(1));

            deleteTree(directory.roots().get(1));
            assertThatThrownBy(() -> directory.write("spill", path -> Files.writeString(path, "records")))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("No local directory can take spill files any more")
                    .hasMessageContaining(gone.toString())
                    .hasMessageContaining(directory.roots().get(1).toString());
        }
    }

    @Test
    void aDirectoryOutOfUseIsTriedAgainAfterAWhile()
            throws IOException
    {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
        try (SpillDirectory directory = new SpillDirectory(List.of(temp.resolve("a"), temp.resolve("b")), now::get)) {
            Path full = directory.roots().get(0);
            java.util.concurrent.atomic.AtomicBoolean diskFull = new java.util.concurrent.atomic.AtomicBoolean(true);
            SpillDirectory.FileWriter<Path> writer = path -> {
                if (diskFull.get() && path.getParent().equals(full)) {
                    throw new IOException("No space left on device");
                }
                return Files.writeString(path, "records");
            };
            for (int i = 0; i < 3; i++) {
                assertThat(directory.write("spill", writer).getParent()).isEqualTo(directory.roots().get(1));
            }
            assertThat(directory.usable()).containsExactly(directory.roots().get(1));

            // space was freed; the directory is tried again once the re-check time has passed
            diskFull.set(false);
            now.addAndGet(java.util.concurrent.TimeUnit.SECONDS.toNanos(SpillDirectory.RECHECK_SECONDS) - 1);
            assertThat(directory.write("spill", writer).getParent()).isEqualTo(directory.roots().get(1));
            now.addAndGet(1);
            Set<Path> parents = new java.util.HashSet<>();
            for (int i = 0; i < 4; i++) {
                parents.add(directory.write("spill", writer).getParent());
            }
            assertThat(parents).containsExactlyInAnyOrderElementsOf(directory.roots());
            assertThat(directory.usable()).containsExactlyElementsOf(directory.roots());
        }
    }

    @Test
    void directoriesMadeAndRemovedOnManyThreadsInOneParentKeepTheirLocks()
            throws Exception
    {
        // each new directory removes the leftovers in its parent first: never one of this process's,
        // even one whose lock file was made a moment ago on another thread
        Path parent = Files.createDirectories(temp.resolve("jobcache"));
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int thread = 0; thread < 8; thread++) {
                String prefix = "job_1_000" + thread + "-";
                done.add(threads.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        try (SpillDirectory directory = new SpillDirectory(List.of(parent), prefix, "job_")) {
                            assertThat(directory.roots()).singleElement().satisfies(root -> assertThat(root).isDirectory());
                            Path lockFile = directory.root().resolveSibling(directory.root().getFileName() + ".lock");
                            assertThat(lockedByThisProcess(lockFile)).as("%s is locked by this process", lockFile).isTrue();
                            Files.writeString(directory.root().resolve("file"), "x");
                        }
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> future : done) {
                future.get();
            }
        }
        finally {
            threads.shutdownNow();
        }
        try (java.util.stream.Stream<Path> left = Files.list(parent)) {
            assertThat(left).isEmpty();
        }
    }

    /** Whether the kernel's table of file locks ({@code /proc/locks}) has one of this process on {@code file}. */
    private static boolean lockedByThisProcess(Path file)
            throws IOException
    {
        long inode = (Long) Files.getAttribute(file, "unix:ino");
        String pid = Long.toString(ProcessHandle.current().pid());
        for (String line : Files.readAllLines(Path.of("/proc/locks"))) {
            String[] fields = line.trim().split("\\s+");
            // "1: POSIX  ADVISORY  WRITE 1234 08:01:5678 0 EOF"
            if (fields.length > 5 && fields[4].equals(pid) && fields[5].endsWith(":" + inode)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aFailureOfTheDataIsNotBlamedOnTheDirectory()
    {
        try (SpillDirectory directory = new SpillDirectory(List.of(temp.resolve("a"), temp.resolve("b")))) {
            assertThatThrownBy(() -> directory.write("spill", path -> {
                throw new IOException("the records are corrupt");
            })).hasMessage("the records are corrupt");
            assertThat(directory.usable()).hasSize(2);
        }
    }

    @Test
    void unusableLocalDirectoriesAreSkippedAndNoneUsableFailsClearly()
            throws IOException
    {
        Path file = Files.writeString(temp.resolve("not-a-directory"), "x");
        try (SpillDirectory directory = new SpillDirectory(List.of(file, temp.resolve("ok")))) {
            assertThat(directory.roots()).hasSize(1);
            assertThat(directory.root().getParent()).isEqualTo(temp.resolve("ok"));
        }
        assertThatThrownBy(() -> new SpillDirectory(List.of(file, file.resolve("below"))))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("Cannot create a spill directory in any local directory")
                .hasMessageContaining("tusk.local.dir");
    }

    @Test
    void aSorterSpillsToTheDirectoriesLeftWhenOneIsGone()
            throws IOException
    {
        MemoryManager memory = new MemoryManager(1 << 20);
        SortOrder order = SortOrder.sorted(RawComparator::compareBytes);
        try (SpillDirectory directory = new SpillDirectory(List.of(temp.resolve("a"), temp.resolve("b")))) {
            deleteTree(directory.roots().get(0));
            ShuffleSorter sorter = new ShuffleSorter("map", 1, order, null, memory, directory, 64 << 10);
            int records = 60_000;
            for (int i = 0; i < records; i++) {
                byte[] key = String.format("key %06d", records - i).getBytes(StandardCharsets.UTF_8);
                byte[] value = ("value " + i).getBytes(StandardCharsets.UTF_8);
                sorter.add(0, 0, key, 0, key.length, value, 0, value.length);
            }
            assertThat(sorter.spillCount()).as("the budget made it spill").isPositive();
            MapOutput output = sorter.finish();
            int count = 0;
            // one sorted cursor per run
            for (RecordCursor cursor : output.open(0)) {
                String previous = "";
                try (cursor) {
                    while (cursor.next()) {
                        String key = new String(cursor.keyBuffer(), cursor.keyOffset(), cursor.keyLength(), StandardCharsets.UTF_8);
                        assertThat(key).isGreaterThan(previous);
                        previous = key;
                        count++;
                    }
                }
            }
            assertThat(count).isEqualTo(records);
            assertThat(directory.usable()).containsExactly(directory.roots().get(1));
            output.delete();
            sorter.close();
        }
    }
}
