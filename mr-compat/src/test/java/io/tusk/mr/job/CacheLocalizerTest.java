package io.tusk.mr.job;

import org.apache.hadoop.mapred.JobConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Distributed-cache links of jobs that run at the same time in one process. */
class CacheLocalizerTest
{
    @TempDir
    Path temp;

    private static JobConf shipping(Path file, String link)
    {
        JobConf conf = new JobConf(false);
        conf.set("fs.defaultFS", "file:///");
        conf.set("mapreduce.job.cache.files", file.toUri() + "#" + link);
        return conf;
    }

    @Test
    void aLinkSharedByConcurrentJobsStaysUntilTheLastEnds()
            throws IOException
    {
        Path dictionary = Files.writeString(temp.resolve("dictionary.txt"), "apple\npear\n");
        String name = "tusk-cache-test-" + ProcessHandle.current().pid() + ".txt";
        Path link = Path.of(System.getProperty("user.dir")).resolve(name);
        Files.deleteIfExists(link);

        CacheLocalizer first = CacheLocalizer.localize(shipping(dictionary, name), "job_test_0001", temp.resolve("local"));
        CacheLocalizer second = CacheLocalizer.localize(shipping(dictionary, name), "job_test_0002", temp.resolve("local"));
        try {
            assertThat(link).isSymbolicLink().hasContent("apple\npear");

            first.close();
            assertThat(link).as("the second job still reads it").isSymbolicLink().hasContent("apple\npear");
            CacheLocalizer third = CacheLocalizer.localize(shipping(dictionary, name), "job_test_0003", temp.resolve("local"));
            second.close();
            assertThat(link).as("the third job still reads it").hasContent("apple\npear");
            third.close();
            assertThat(Files.exists(link, LinkOption.NOFOLLOW_LINKS)).as("removed with the last job").isFalse();
            try (var left = Files.list(temp.resolve("local/tusk-jobs"))) {
                assertThat(left).as("no job's copy is left").isEmpty();
            }
        }
        finally {
            first.close();
            second.close();
            Files.deleteIfExists(link);
        }
    }

    @Test
    void aFileOfTheUsersIsNeverReplacedNorRemoved()
            throws IOException
    {
        Path shipped = Files.writeString(temp.resolve("shipped.txt"), "shipped");
        String name = "tusk-cache-user-" + ProcessHandle.current().pid() + ".txt";
        Path users = Path.of(System.getProperty("user.dir")).resolve(name);
        Files.writeString(users, "the user's own");
        try {
            CacheLocalizer job = CacheLocalizer.localize(shipping(shipped, name), "job_test_0004", temp.resolve("local"));
            assertThat(users).hasContent("the user's own");
            job.close();
            assertThat(users).hasContent("the user's own");
        }
        finally {
            Files.deleteIfExists(users);
        }
    }
}
