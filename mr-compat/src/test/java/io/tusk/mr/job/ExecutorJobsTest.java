package io.tusk.mr.job;

import org.apache.hadoop.mapred.JobConf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Jobs localized by an executor that runs job after job (a YARN session's). */
class ExecutorJobsTest
{
    private static final String MARKER = "tusk-executor-jobs-marker.txt";

    @TempDir
    Path temp;

    @AfterEach
    void disable()
    {
        ExecutorJobs.disable();
    }

    private Path jobJar(String name, String marker)
            throws IOException
    {
        Path jar = temp.resolve(name);
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jarOut = new JarOutputStream(out)) {
            jarOut.putNextEntry(new JarEntry(MARKER));
            jarOut.write(marker.getBytes(StandardCharsets.UTF_8));
            jarOut.closeEntry();
        }
        return jar;
    }

    private static JobConf submitted(Path jar, Path cacheFile, String link)
    {
        JobConf conf = new JobConf(false);
        conf.set("fs.defaultFS", "file:///");
        conf.set("mapreduce.job.jar", jar.toUri().toString());
        conf.set("mapreduce.job.cache.files", cacheFile.toUri() + "#" + link);
        return conf;
    }

    private static String marker(ClassLoader loader)
            throws IOException
    {
        try (var in = loader.getResourceAsStream(MARKER)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aJobsFirstTaskLocalizesItsJarAndCacheAndItsEndRemovesThemKeepingTheLoaderOfASucceededJob()
            throws IOException
    {
        ExecutorJobs.enable(temp.resolve("container"), Map.of("mapreduce.cluster.local.dir", "/container/disk"));
        Path jar = jobJar("first.jar", "first");
        Path stopWords = Files.writeString(temp.resolve("stop.txt"), "the\na\n");
        String link = "tusk-executor-jobs-test-" + ProcessHandle.current().pid() + ".txt";
        Path linked = Path.of(System.getProperty("user.dir")).resolve(link);
        try {
            JobConf conf = submitted(jar, stopWords, link);
            ExecutorJobs.localize("job_test_0001", conf);
            ClassLoader first = JobClassLoaders.get("job_test_0001");
            assertThat(marker(first)).as("the job jar's resource, through the job's loader").isEqualTo("first");
            assertThat(marker(ExecutorJobs.class.getClassLoader())).as("not on the executor's own class path").isNull();
            assertThat(linked).as("the cache file, linked where the job's tasks open it").isSymbolicLink().hasContent("the\na");
            assertThat(JobClassLoaders.localSettings("job_test_0001"))
                    .containsEntry("mapreduce.cluster.local.dir", "/container/disk")
                    .containsEntry("mapreduce.job.cache.local.files", conf.get("mapreduce.job.cache.local.files"));
            assertThat(conf.get("mapreduce.job.cache.local.files")).startsWith(temp.resolve("container").toUri().toString());

            ExecutorJobs.localize("job_test_0001", submitted(jar, stopWords, link));
            assertThat(JobClassLoaders.get("job_test_0001")).as("localized once per job").isSameAs(first);

            ExecutorJobs.ended("job_test_0001", true);
            assertThat(JobClassLoaders.get("job_test_0001")).isSameAs(JobClassLoaders.class.getClassLoader());
            assertThat(Files.exists(linked, LinkOption.NOFOLLOW_LINKS)).as("the job's link goes with it").isFalse();
            try (var left = Files.list(temp.resolve("container/tusk-jobs"))) {
                assertThat(left).as("no job's copy is left").isEmpty();
            }

            // the next job over a jar of the same content (staged anew by its client) runs on the loader the first left
            Path again = Files.copy(jar, temp.resolve("again.jar"));
            ExecutorJobs.localize("job_test_0002", submitted(again, stopWords, link));
            assertThat(JobClassLoaders.get("job_test_0002")).isSameAs(first);
            ExecutorJobs.ended("job_test_0002", false);

            // a failed job's loader is not given to another
            ExecutorJobs.localize("job_test_0003", submitted(again, stopWords, link));
            assertThat(JobClassLoaders.get("job_test_0003")).isNotSameAs(first);
            assertThat(marker(JobClassLoaders.get("job_test_0003"))).isEqualTo("first");
            ExecutorJobs.ended("job_test_0003", true);

            // a jar of other content gets a loader of its own
            ExecutorJobs.localize("job_test_0004", submitted(jobJar("other.jar", "other"), stopWords, link));
            assertThat(marker(JobClassLoaders.get("job_test_0004"))).isEqualTo("other");
            ExecutorJobs.ended("job_test_0004", true);
        }
        finally {
            Files.deleteIfExists(linked);
        }
    }

    @Test
    void jobsWithTheSameLibrariesShareTheLoaderOfTheFirst()
            throws IOException
    {
        ExecutorJobs.enable(temp.resolve("container"), Map.of());
        Path jar = jobJar("job.jar", "job");
        Path library = jobJar("library.jar", "library");
        JobConf first = submitted(jar, library, "tusk-executor-jobs-library-" + ProcessHandle.current().pid() + ".jar");
        first.set("mapreduce.job.classpath.files", library.toUri().getPath());
        ExecutorJobs.localize("job_test_0011", first);
        ClassLoader loader = JobClassLoaders.get("job_test_0011");
        assertThat(((java.net.URLClassLoader) loader).getURLs()).anyMatch(url -> url.getPath().endsWith("/library.jar") && url.getPath().contains("/tusk-job-jars/lib/"));
        ExecutorJobs.ended("job_test_0011", true);

        JobConf second = submitted(jar, library, "tusk-executor-jobs-library-" + ProcessHandle.current().pid() + ".jar");
        second.set("mapreduce.job.classpath.files", library.toUri().getPath());
        ExecutorJobs.localize("job_test_0012", second);
        assertThat(JobClassLoaders.get("job_test_0012")).as("the job jar and -libjars of the same content: the loader the first job left").isSameAs(loader);
        ExecutorJobs.ended("job_test_0012", true);
    }

    @Test
    void aProcessThatDoesNotLocalizeJobsLeavesThemAlone()
            throws IOException
    {
        ExecutorJobs.localize("job_test_0005", submitted(jobJar("none.jar", "none"), Files.writeString(temp.resolve("x.txt"), "x"), "tusk-never-linked.txt"));
        assertThat(JobClassLoaders.get("job_test_0005")).isSameAs(JobClassLoaders.class.getClassLoader());
        assertThat(Path.of(System.getProperty("user.dir")).resolve("tusk-never-linked.txt")).doesNotExist();
    }
}
