package io.tusk.hadooptests;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs after the Hadoop tests of this module (failsafe, after surefire) and checks that they tested
 * Tusk: every Hadoop test class included in the module's surefire configuration ran, and each one
 * submitted jobs to Tusk ({@link JobsReachedTuskRecorder}). A test that passed because its jobs ran
 * on Hadoop's own runner, or that ran none, would otherwise count as a pass on Tusk.
 */
class EveryHadoopTestReachesTuskIT
{
    /**
     * Included Hadoop test classes that submit no job, and why they are run anyway; the README does
     * not count them as Hadoop tests that pass on Tusk.
     */
    private static final Map<String, String> WITHOUT_JOBS = Map.of(
            "org.apache.hadoop.io.TestSequenceFileMergeProgress", "tests Hadoop's own Merger on files; no job",
            "org.apache.hadoop.mapred.lib.TestMultipleInputs", "checks the settings MultipleInputs writes (the new API's TestMultipleInputs runs jobs)",
            "org.apache.hadoop.mapreduce.v2.TestNonExistentJob", "asks Tusk's client for the status of a job that does not exist",
            "org.apache.hadoop.streaming.TestStreamingFailure", "input that does not exist fails in Hadoop's job submitter, before a runner gets the job");

    private static final Pattern INCLUDE = Pattern.compile("<include>\\*\\*/(\\w+)\\.java</include>");

    @Test
    void everyIncludedHadoopTestRanAndSubmittedJobsToTusk()
            throws IOException
    {
        Path reached = Path.of(System.getProperty("tusk.jobs-reached.dir"));
        Path reports = Path.of(System.getProperty("tusk.surefire.reports"));
        Set<String> included = includedHadoopTests(Path.of(System.getProperty("tusk.surefire.pom")));
        assertThat(included).as("Hadoop test classes in the surefire includes").hasSizeGreaterThan(50);

        Set<String> ran = ranTestClasses(reports);
        String filter = System.getProperty("tusk.surefire.test", "");
        if (filter.isEmpty() || filter.startsWith("${")) {
            Set<String> ranNames = new TreeSet<>();
            ran.forEach(type -> ranNames.add(simpleName(type)));
            assertThat(ranNames).as("included Hadoop test classes that surefire ran (reports in %s)", reports).containsAll(included);
        }

        List<String> withoutJobs = new ArrayList<>();
        for (String type : ran) {
            String name = simpleName(type);
            if (type.startsWith("io.tusk.") || !included.contains(name) || WITHOUT_JOBS.containsKey(type)) {
                continue;
            }
            Path count = reached.resolve(type + JobsReachedTuskRecorder.SUFFIX);
            int jobs = Files.exists(count) ? Integer.parseInt(Files.readString(count).trim()) : -1;
            if (jobs <= 0) {
                withoutJobs.add(type + (jobs < 0 ? " (no record)" : " (0 jobs)"));
            }
        }
        assertThat(withoutJobs).as("Hadoop test classes that passed without submitting a job to Tusk").isEmpty();
    }

    private static Set<String> includedHadoopTests(Path pom)
            throws IOException
    {
        Set<String> names = new TreeSet<>();
        Matcher include = INCLUDE.matcher(Files.readString(pom));
        while (include.find()) {
            names.add(include.group(1));
        }
        return names;
    }

    /** The classes surefire ran, by their reports {@code TEST-<class>.xml}. */
    private static Set<String> ranTestClasses(Path reports)
            throws IOException
    {
        Set<String> classes = new TreeSet<>();
        if (!Files.isDirectory(reports)) {
            return classes;
        }
        try (Stream<Path> files = Files.list(reports)) {
            files.map(file -> file.getFileName().toString())
                    .filter(name -> name.startsWith("TEST-") && name.endsWith(".xml"))
                    .forEach(name -> classes.add(name.substring("TEST-".length(), name.length() - ".xml".length())));
        }
        return classes;
    }

    private static String simpleName(String type)
    {
        String name = type.substring(type.lastIndexOf('.') + 1);
        int nested = name.indexOf('$');
        return nested < 0 ? name : name.substring(0, nested);
    }
}
