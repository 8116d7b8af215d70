package io.tusk.mr.job;

import io.tusk.mr.TuskJar;
import org.apache.hadoop.mapred.JobConf;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The MapReduce jobs whose tasks an executor of a long-lived application (a YARN session, which
 * runs job after job on the same executors) runs. YARN localized nothing of them for this
 * container: the first task of a job here copies the job's jar, {@code -libjars}, files and
 * archives from where the client staged them, links them into the working directory and gives the
 * job a class loader of its own, as a task container of the job would have had; the job's end
 * ({@link #ended}) removes them. A job jar of the same content as an earlier job's is unpacked once,
 * and its class loader serves the next job when none of its classes can hold static state (as for
 * chained jobs in one process, {@link TuskJar.JobJarClassLoader}): a loop of jobs runs code already
 * loaded and compiled. Thread-safe.
 */
public final class ExecutorJobs
{
    private static final Logger LOG = LogManager.getLogger(ExecutorJobs.class);
    /** Unpacked job jars kept for later jobs, by content. */
    private static final int KEPT_JARS = 4;

    private static final Object LOCK = new Object();
    // guarded by LOCK
    private static Path root;
    private static Map<String, String> settings = Map.of();
    private static final Map<String, Localized> JOBS = new HashMap<>();
    private static final Map<String, TuskJar.JobJarClassLoader> JARS = new LinkedHashMap<>(8, 0.75f, true);

    private record Localized(CacheLocalizer cache, TuskJar.JobJarClassLoader loader) {}

    private ExecutorJobs() {}

    /**
     * Makes this process localize each job on its first task: copies go under {@code directory};
     * {@code localSettings} replace submitted settings in every job's tasks (their local directories).
     */
    public static void enable(Path directory, Map<String, String> localSettings)
    {
        synchronized (LOCK) {
            root = requireNonNull(directory, "directory is null");
            settings = Map.copyOf(localSettings);
        }
    }

    /** Stops localizing jobs that have not been (those that have stay until they end). */
    static void disable()
    {
        synchronized (LOCK) {
            root = null;
            settings = Map.of();
        }
    }

    /**
     * Localizes job {@code jobId}, whose submitted configuration is {@code conf}, unless it is
     * already or this process does not localize jobs; sets in {@code conf} where its cache files
     * and archives are here. Called when a task of the job first parses its configuration.
     */
    static void localize(String jobId, JobConf conf)
            throws IOException
    {
        synchronized (LOCK) {
            if (root == null || JOBS.containsKey(jobId)) {
                return;
            }
            CacheLocalizer cache = CacheLocalizer.localize(conf, jobId, root);
            TuskJar.JobJarClassLoader loader = null;
            ClassLoader jobLoader = ExecutorJobs.class.getClassLoader();
            try {
                if (cache.jobJar().isPresent()) {
                    loader = jarLoader(cache.jobJar().get()).forNextJob(cache.classpath());
                    jobLoader = loader;
                }
                else if (!cache.classpath().isEmpty()) {
                    jobLoader = new java.net.URLClassLoader(cache.classpath().toArray(new java.net.URL[0]), jobLoader);
                }
            }
            catch (IOException | RuntimeException e) {
                cache.close();
                throw e;
            }
            Map<String, String> local = new HashMap<>(settings);
            for (String key : new String[] {"mapreduce.job.cache.local.files", "mapreduce.job.cache.local.archives"}) {
                String value = conf.get(key);
                if (value != null) {
                    local.put(key, value);
                }
            }
            JobClassLoaders.registerExecutorJob(jobId, jobLoader, local);
            JOBS.put(jobId, new Localized(cache, loader));
            LOG.info("Localized job {}: its jar, libraries and cache files", jobId);
        }
    }

    /**
     * Job {@code jobId} has ended ({@code succeeded} or not): its copies and links go, and its class
     * loader is closed or kept for the next job over the same jar.
     */
    public static void ended(String jobId, boolean succeeded)
    {
        Localized localized;
        synchronized (LOCK) {
            localized = JOBS.remove(jobId);
        }
        if (localized == null) {
            return;
        }
        JobClassLoaders.remove(jobId);
        if (localized.loader() != null) {
            localized.loader().jobEnded(succeeded);
        }
        localized.cache().close();
    }

    /** The loader over the unpacked job jar of {@code jar}'s content, unpacked now if no earlier job's is. */
    private static TuskJar.JobJarClassLoader jarLoader(Path jar)
            throws IOException
    {
        String digest = digest(jar);
        TuskJar.JobJarClassLoader loader = JARS.get(digest);
        if (loader != null) {
            return loader;
        }
        Path directory = root.resolve("tusk-job-jars").resolve(digest);
        Path copy = Files.createDirectories(directory).resolve("job.jar");
        Files.copy(jar, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        loader = TuskJar.unpacked(copy.toFile(), directory.resolve("unpacked"), ExecutorJobs.class.getClassLoader());
        JARS.put(digest, loader);
        if (JARS.size() > KEPT_JARS) {
            var eldest = JARS.entrySet().iterator().next();
            JARS.remove(eldest.getKey());
            try {
                eldest.getValue().close();
            }
            catch (IOException e) {
                LOG.debug("Cannot close the class loader of job jar {}", eldest.getKey(), e);
            }
        }
        return loader;
    }

    private static String digest(Path file)
            throws IOException
    {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                sha.update(buffer, 0, read);
            }
            return HexFormat.of().formatHex(sha.digest());
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JVM lacks SHA-256", e);
        }
    }
}
