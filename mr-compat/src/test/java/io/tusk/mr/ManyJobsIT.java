package io.tusk.mr;

import io.tusk.engine.Tusk;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapreduce.Job;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.StringTokenizer;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many jobs in one process: 200 small word counts submitted from 8 threads beside four large ones,
 * under a memory budget smaller than the large ones need together. Every output is right, and
 * afterwards the process holds no more threads, open files, spill files or memory grants than
 * after its first job. Runs in a process of its own, whose threads and files are its own.
 */
class ManyJobsIT
{
    private static final int SMALL_JOBS = 200;
    private static final int SMALL_INPUTS = 10;
    private static final int LARGE_JOBS = 4;
    private static final int THREADS = 8;

    @TempDir
    Path work;

    @Test
    void manySmallJobsFromEightThreadsAndLargeOnesUnderASmallBudgetSucceedAndLeaveNothingBehind()
            throws Exception
    {
        for (int input = 0; input < SMALL_INPUTS; input++) {
            Differential.writeWords(work.resolve("small-" + input), input, 1, 100, 8, 6, 20);
        }
        for (int input = 0; input < LARGE_JOBS; input++) {
            // about 3 MiB each, of a 200,000-word vocabulary: the four need more than the 16 MiB budget to sort in memory
            Random random = new Random(100 + input);
            Files.createDirectories(work.resolve("large-" + input));
            try (BufferedWriter out = Files.newBufferedWriter(work.resolve("large-" + input).resolve("words.txt"), StandardCharsets.UTF_8)) {
                for (int line = 0; line < 100_000; line++) {
                    out.write("w" + random.nextInt(200_000) + " v" + random.nextInt(200_000) + " u" + random.nextInt(1000) + "\n");
                }
            }
        }
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m", "-Dtusk.memory.budget=16m",
                "-cp", System.getProperty("java.class.path"), ManyJobsIT.class.getName(), work.toString());
        Path log = work.resolve("many.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(process.waitFor(10, TimeUnit.MINUTES)).as("the jobs end").isTrue();
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("JOBS: " + (SMALL_JOBS + LARGE_JOBS) + " right").contains("LEFT: nothing");
    }

    /** {@code work}: runs the jobs on the inputs the test wrote there; exit code 0 when all is well. */
    public static void main(String[] args)
            throws Exception
    {
        Path work = Path.of(args[0]);
        Configuration conf = Differential.conf("tusk");
        // job outputs kept in memory would hold grants on purpose
        conf.setBoolean("tusk.output.cache", false);
        // as bin/tusk's core-site.xml sets it, before the process's first file:// file system is
        // cached: Hadoop's would start a chmod process for each of some thirty permission changes per
        // job submission (Hadoop's native library is not here), most of this test's time
        conf.set("fs.file.impl", io.tusk.io.NioLocalFileSystem.class.getName());

        // the first job starts the engine's threads and opens what it keeps open
        check(runWordCount(conf, work.resolve("small-0"), work.resolve("first"), 1));
        // and its history, written in the background, creates the history directory (a chmod process:
        // the JDK's process reaper thread) and starts pruning it: both before the count, not among the jobs'
        io.tusk.mr.history.JobHistoryRecorder.awaitWrites(60_000);
        for (long until = System.currentTimeMillis() + 60_000; threadNames().contains("tusk-job-history-pruner") && System.currentTimeMillis() < until; ) {
            Thread.sleep(200);
        }
        Set<String> threadsBefore = threadNames();
        long filesBefore = openFiles();
        Tusk tusk = MrEngine.get(conf);

        java.util.concurrent.atomic.AtomicInteger submitterNumber = new java.util.concurrent.atomic.AtomicInteger();
        ExecutorService submitters = Executors.newFixedThreadPool(THREADS, runnable -> new Thread(runnable, "submitter-" + submitterNumber.incrementAndGet()));
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        List<Future<?>> jobs = new ArrayList<>();
        for (int large = 0; large < LARGE_JOBS; large++) {
            int input = large;
            jobs.add(submitters.submit(() -> check(wrong, runWordCount(conf, work.resolve("large-" + input), work.resolve("out-large-" + input), 2))));
        }
        for (int small = 0; small < SMALL_JOBS; small++) {
            int number = small;
            jobs.add(submitters.submit(() -> check(wrong, runWordCount(conf, work.resolve("small-" + number % SMALL_INPUTS), work.resolve("out-small-" + number),
                    1 + number % 3))));
        }
        for (Future<?> job : jobs) {
            job.get();
        }
        submitters.shutdown();
        submitters.awaitTermination(1, TimeUnit.MINUTES);
        if (!wrong.isEmpty()) {
            System.out.println("WRONG: " + wrong);
            System.exit(1);
        }
        System.out.println("JOBS: " + jobs.size() + " right");

        // what the jobs held goes when they end; pools may take a moment to let idle threads go
        List<String> left = List.of();
        for (long until = System.currentTimeMillis() + 20_000; System.currentTimeMillis() < until; Thread.sleep(500)) {
            left = new ArrayList<>();
            Set<String> extraThreads = new TreeSet<>(threadNames());
            extraThreads.removeAll(threadsBefore);
            if (!extraThreads.isEmpty()) {
                left.add("threads " + extraThreads);
            }
            long files = openFiles();
            if (files > filesBefore) {
                left.add((files - filesBefore) + " more open files");
            }
            long spillFiles = tusk.spillDirectory().fileCount();
            if (spillFiles > 0) {
                left.add(spillFiles + " spill files");
            }
            if (tusk.memoryManager().used() > 0) {
                left.add("memory grants " + tusk.memoryManager() + " " + tusk.memoryManager().owners());
            }
            if (left.isEmpty()) {
                break;
            }
        }
        System.out.println("LEFT: " + (left.isEmpty() ? "nothing" : left));
        System.exit(left.isEmpty() ? 0 : 1);
    }

    private record Run(Path input, Path output, boolean succeeded, String failure) {}

    private static Run runWordCount(Configuration conf, Path input, Path output, int reduces)
            throws Exception
    {
        Job job = TestJobs.wordCount(new Configuration(conf), input, output);
        job.setNumReduceTasks(reduces);
        boolean succeeded = job.waitForCompletion(false);
        return new Run(input, output, succeeded, succeeded ? null : job.getStatus().getFailureInfo());
    }

    private static void check(Run run)
            throws IOException
    {
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        check(wrong, run);
        if (!wrong.isEmpty()) {
            throw new AssertionError(wrong.toString());
        }
    }

    /** Adds to {@code wrong} what is wrong with the run: its failure, or an output that is not the words' counts. */
    private static Void check(ConcurrentLinkedQueue<String> wrong, Run run)
            throws IOException
    {
        if (!run.succeeded()) {
            wrong.add(run.output() + " failed: " + run.failure());
            return null;
        }
        Map<String, Integer> expected = new TreeMap<>();
        try (Stream<Path> files = Files.list(run.input())) {
            for (Path file : files.filter(file -> !file.getFileName().toString().startsWith(".")).toList()) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    StringTokenizer tokens = new StringTokenizer(line);
                    while (tokens.hasMoreTokens()) {
                        expected.merge(tokens.nextToken(), 1, Integer::sum);
                    }
                }
            }
        }
        Map<String, Integer> actual = new TreeMap<>();
        try (Stream<Path> files = Files.list(run.output())) {
            for (Path file : files.filter(file -> file.getFileName().toString().startsWith("part-")).toList()) {
                String previous = null;
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    String[] fields = line.split("\t");
                    if (previous != null && previous.compareTo(fields[0]) >= 0) {
                        wrong.add(file + ": " + fields[0] + " after " + previous);
                    }
                    previous = fields[0];
                    if (actual.put(fields[0], Integer.parseInt(fields[1])) != null) {
                        wrong.add(file + ": " + fields[0] + " twice");
                    }
                }
            }
        }
        if (!actual.equals(expected)) {
            wrong.add(run.output() + ": " + actual.size() + " words counted, " + expected.size() + " expected, or counts differ");
        }
        return null;
    }

    private static Set<String> threadNames()
    {
        Set<String> names = new TreeSet<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            names.add(thread.getName());
        }
        return names;
    }

    private static long openFiles()
            throws IOException
    {
        try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
            return descriptors.count();
        }
    }
}
