package io.tusk.mr.job;

import io.tusk.engine.io.ContentDigest;
import io.tusk.mr.TuskJar;
import org.apache.hadoop.mapred.JobConf;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

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
    /** The jobs localized or being localized here, by id: the first task of a job localizes it, later ones wait for it. */
    private static final Map<String, CompletableFuture<Localized>> JOBS = new HashMap<>();
    /** Ids of jobs that ended here, newest last: a late task must not localize one again. */
    private static final Set<String> ENDED = Collections.newSetFromMap(new LinkedHashMap<>(64, 0.75f, false)
    {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest)
        {
            return size() > 1024;
        }
    });
    /** Unpacked job jars, by content; guarded by itself. */
    private static final Map<String, TuskJar.JobJarClassLoader> JARS = new LinkedHashMap<>(8, 0.75f, true);

    /**
     * What a job localized: its cache, and its class loader, over its jar (given back to the jar's
     * loader at its end) or its libraries alone (closed at its end).
     */
    private record Localized(CacheLocalizer cache, TuskJar.JobJarClassLoader jarLoader, java.net.URLClassLoader ownLoader) {}

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

    /** Stops localizing jobs and ends those localized (a process's tests only). */
    static void disable()
    {
        List<String> jobs;
        synchronized (LOCK) {
            root = null;
            settings = Map.of();
            jobs = List.copyOf(JOBS.keySet());
        }
        jobs.forEach(job -> ended(job, false));
        synchronized (LOCK) {
            ENDED.clear();
        }
        synchronized (JARS) {
            JARS.values().forEach(ExecutorJobs::closeQuietly);
            JARS.clear();
        }
    }

    /**
     * Localizes job {@code jobId}, whose submitted configuration is {@code conf}, unless it is
     * already (then waits for it), has ended here, or this process does not localize jobs; sets in
     * {@code conf} where its cache files and archives are here. Called when a task of the job first
     * parses its configuration. Copies are made outside any lock shared with other jobs.
     */
    static void localize(String jobId, JobConf conf)
            throws IOException
    {
        CompletableFuture<Localized> localizing;
        CompletableFuture<Localized> earlier;
        Path directory;
        Map<String, String> local;
        synchronized (LOCK) {
            if (root == null || ENDED.contains(jobId)) {
                return;
            }
            earlier = JOBS.get(jobId);
            localizing = earlier == null ? new CompletableFuture<>() : null;
            if (earlier == null) {
                JOBS.put(jobId, localizing);
            }
            directory = root;
            local = new HashMap<>(settings);
        }
        if (earlier != null) {
            await(earlier, jobId).cache().localSettings().forEach(conf::set);
            return;
        }
        Localized localized;
        try {
            localized = localizeNow(jobId, conf, directory);
        }
        catch (IOException | RuntimeException e) {
            synchronized (LOCK) {
                JOBS.remove(jobId);
            }
            localizing.completeExceptionally(e);
            throw e;
        }
        local.putAll(localized.cache().localSettings());
        ClassLoader loader = localized.jarLoader() != null ? localized.jarLoader()
                : localized.ownLoader() != null ? localized.ownLoader() : ExecutorJobs.class.getClassLoader();
        synchronized (LOCK) {
            // unless the job ended meanwhile (its end then cleans up once this completes)
            if (JOBS.get(jobId) == localizing) {
                JobClassLoaders.registerExecutorJob(jobId, loader, local);
            }
        }
        localizing.complete(localized);
        LOG.info("Localized job {}: its jar, libraries and cache files", jobId);
    }

    private static Localized localizeNow(String jobId, JobConf conf, Path directory)
            throws IOException
    {
        CacheLocalizer cache = CacheLocalizer.localize(conf, jobId, directory);
        try {
            if (cache.jobJar().isPresent()) {
                return new Localized(cache, jarLoader(cache.jobJar().get(), directory).forNextJob(byContent(cache.classpath(), directory)), null);
            }
            if (!cache.classpath().isEmpty()) {
                return new Localized(cache, null, new java.net.URLClassLoader(cache.classpath().toArray(new java.net.URL[0]), ExecutorJobs.class.getClassLoader()));
            }
            return new Localized(cache, null, null);
        }
        catch (IOException | RuntimeException e) {
            cache.close();
            throw e;
        }
    }

    private static Localized await(CompletableFuture<Localized> localizing, String jobId)
            throws IOException
    {
        try {
            return localizing.join();
        }
        catch (java.util.concurrent.CompletionException e) {
            throw new IOException("Another task failed to localize " + jobId + ": " + e.getCause(), e.getCause());
        }
    }

    /**
     * Job {@code jobId} has ended ({@code succeeded} or not): its copies and links go, and its class
     * loader is closed or kept for the next job over the same jar.
     */
    public static void ended(String jobId, boolean succeeded)
    {
        CompletableFuture<Localized> localizing;
        synchronized (LOCK) {
            ENDED.add(jobId);
            localizing = JOBS.remove(jobId);
            if (localizing == null) {
                return;
            }
            JobClassLoaders.remove(jobId);
        }
        Localized localized;
        try {
            localized = localizing.join();
        }
        catch (java.util.concurrent.CompletionException e) {
            return;
        }
        if (localized.jarLoader() != null) {
            localized.jarLoader().jobEnded(succeeded);
        }
        if (localized.ownLoader() != null) {
            closeQuietly(localized.ownLoader());
        }
        localized.cache().close();
    }

    private static void closeQuietly(java.net.URLClassLoader loader)
    {
        try {
            loader.close();
        }
        catch (IOException e) {
            LOG.debug("Cannot close a job's class loader", e);
        }
    }

    /** The loader over the unpacked job jar of {@code jar}'s content, unpacked now under {@code directory} if no earlier job's is. */
    private static TuskJar.JobJarClassLoader jarLoader(Path jar, Path directory)
            throws IOException
    {
        String digest = ContentDigest.sha256(jar);
        synchronized (JARS) {
            TuskJar.JobJarClassLoader loader = JARS.get(digest);
            if (loader != null) {
                return loader;
            }
            Path unpacked = directory.resolve("tusk-job-jars").resolve(digest);
            Path copy = Files.createDirectories(unpacked).resolve("job.jar");
            Files.copy(jar, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            loader = TuskJar.unpacked(copy.toFile(), unpacked.resolve("unpacked"), ExecutorJobs.class.getClassLoader());
            JARS.put(digest, loader);
            if (JARS.size() > KEPT_JARS) {
                var eldest = JARS.entrySet().iterator().next();
                JARS.remove(eldest.getKey());
                closeQuietly(eldest.getValue());
            }
            return loader;
        }
    }

    /**
     * The job's libraries as copies named by their content, made once per content: the same
     * {@code -libjars} of a later job are then the same class path, and its loader can be reused.
     */
    private static List<java.net.URL> byContent(List<java.net.URL> libraries, Path directory)
            throws IOException
    {
        List<java.net.URL> urls = new java.util.ArrayList<>(libraries.size());
        for (java.net.URL library : libraries) {
            Path file;
            try {
                file = Path.of(library.toURI());
            }
            catch (java.net.URISyntaxException | IllegalArgumentException e) {
                urls.add(library);
                continue;
            }
            if (!Files.isRegularFile(file)) {
                // an unpacked archive: its own directory
                urls.add(library);
                continue;
            }
            Path copy = directory.resolve("tusk-job-jars").resolve("lib").resolve(ContentDigest.sha256(file)).resolve(file.getFileName().toString());
            synchronized (JARS) {
                if (!Files.exists(copy)) {
                    Files.createDirectories(copy.getParent());
                    Files.copy(file, copy);
                }
            }
            urls.add(copy.toUri().toURL());
        }
        return urls;
    }
}
