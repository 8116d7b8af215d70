package io.tusk.mr.job;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapreduce.MRJobConfig;
import org.apache.hadoop.util.RunJar;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * The distributed cache of a job in this process, as Hadoop's local runner provides it: every cache
 * file and archive ({@code -files}, {@code -archives}, {@code Job.addCacheFile(uri#link)}) is copied
 * to a local job directory (archives unpacked), linked into the process's working directory under
 * its link name so tasks open it by relative path, and listed in
 * {@code mapreduce.job.cache.local.files/archives}. The job jar is linked as {@code job.jar}, as in a
 * cluster task's directory. {@code -libjars} and other classpath entries join the job's class
 * loader. {@link #close()} removes the links and copies.
 * Not thread-safe; used by the job's driver thread.
 */
final class CacheLocalizer
        implements AutoCloseable
{
    private static final Logger LOG = LogManager.getLogger(CacheLocalizer.class);
    private static final String JOB_JAR = "job.jar";

    /**
     * The links jobs of this process made in the working directory, by path: jobs that run at the
     * same time and ship a file of the same name and content share the first one's link, which
     * stays, with the copy it points to, until the last of them ends.
     */
    private static final Map<java.nio.file.Path, SharedLink> SHARED_LINKS = new HashMap<>();

    /** A link and who uses it; guarded by {@link #SHARED_LINKS}. */
    private static final class SharedLink
    {
        final java.nio.file.Path target;
        /** The directory of the job whose copy the link points to, or null when the target is not a copy (a local job jar). */
        final java.nio.file.Path owner;
        int users = 1;

        SharedLink(java.nio.file.Path target, java.nio.file.Path owner)
        {
            this.target = target;
            this.owner = owner;
        }
    }

    private final java.nio.file.Path jobDirectory;
    /** Links this job uses (made or shared), each counted once in its {@link SharedLink}. */
    private final List<java.nio.file.Path> links = new ArrayList<>();
    private final List<URL> classpath = new ArrayList<>();
    /** The job jar in the local file system (the user's or this job's copy), if the job has one. */
    private java.nio.file.Path jobJar;
    private final Map<String, String> localSettings = new HashMap<>();

    private CacheLocalizer(java.nio.file.Path jobDirectory)
    {
        this.jobDirectory = requireNonNull(jobDirectory, "jobDirectory is null");
    }

    /** Localizes the job's cache into a new directory under {@code localRoot} and updates {@code conf}. */
    static CacheLocalizer localize(JobConf conf, String jobId, java.nio.file.Path localRoot)
            throws IOException
    {
        return localize(conf, jobId, localRoot, false);
    }

    /**
     * Localizes only the job's classes (its jar and the cache files and archives on its classpath:
     * {@code -libjars}) into a new directory under {@code localRoot}, for a process that runs the
     * job's driver side but none of its tasks; {@code conf} is left as it is.
     */
    static CacheLocalizer localizeClasses(JobConf conf, String jobId, java.nio.file.Path localRoot)
            throws IOException
    {
        return localize(conf, jobId, localRoot, true);
    }

    private static CacheLocalizer localize(JobConf conf, String jobId, java.nio.file.Path localRoot, boolean classesOnly)
            throws IOException
    {
        CacheLocalizer localizer = new CacheLocalizer(localRoot.resolve("tusk-jobs").resolve(jobId));
        try {
            localizer.localizeAll(conf, classesOnly);
        }
        catch (IOException | RuntimeException e) {
            localizer.close();
            throw e;
        }
        return localizer;
    }

    /**
     * A localization of nothing, for a job whose tasks run in other processes that localize it
     * themselves (executors of a session): its driver already has the job's classes.
     */
    static CacheLocalizer none(String jobId, java.nio.file.Path localRoot)
    {
        return new CacheLocalizer(localRoot.resolve("tusk-jobs").resolve(jobId));
    }

    /** Jars and directories to add to the job's class loader. */
    List<URL> classpath()
    {
        return classpath;
    }

    /** The settings this localization made in the job's configuration: where its cache files and archives are. */
    Map<String, String> localSettings()
    {
        return localSettings;
    }

    /** The job jar in the local file system, if the job has one. */
    Optional<java.nio.file.Path> jobJar()
    {
        return Optional.ofNullable(jobJar);
    }

    private void localizeAll(JobConf conf, boolean classesOnly)
            throws IOException
    {
        List<String> classpathEntries = new ArrayList<>();
        for (String key : new String[] {"mapreduce.job.classpath.files", "mapreduce.job.classpath.archives"}) {
            for (String entry : conf.getTrimmedStrings(key)) {
                classpathEntries.add(new Path(entry).toUri().getPath());
            }
        }
        LOG.debug("Classpath entries {}, cache files {}, archives {}", classpathEntries, conf.get("mapreduce.job.cache.files"), conf.get("mapreduce.job.cache.archives"));
        List<String> localFiles = new ArrayList<>();
        List<String> localArchives = new ArrayList<>();
        int index = 0;
        for (String uri : conf.getTrimmedStrings("mapreduce.job.cache.files")) {
            if (classesOnly && !classpathEntries.contains(URI.create(uri).getPath())) {
                continue;
            }
            java.nio.file.Path local = localize(conf, URI.create(uri), index++, false);
            localFiles.add(local.toUri().toString());
            addToClasspathIfListed(uri, local, classpathEntries);
        }
        for (String uri : conf.getTrimmedStrings("mapreduce.job.cache.archives")) {
            if (classesOnly && !classpathEntries.contains(URI.create(uri).getPath())) {
                continue;
            }
            java.nio.file.Path local = localize(conf, URI.create(uri), index++, true);
            localArchives.add(local.toUri().toString());
            addToClasspathIfListed(uri, local, classpathEntries);
        }
        if (!classesOnly) {
            if (!localFiles.isEmpty()) {
                localSettings.put("mapreduce.job.cache.local.files", String.join(",", localFiles));
            }
            if (!localArchives.isEmpty()) {
                localSettings.put("mapreduce.job.cache.local.archives", String.join(",", localArchives));
            }
            localSettings.forEach(conf::set);
        }
        String jobJar = conf.get(MRJobConfig.JAR);
        if (jobJar != null) {
            // tasks on a cluster find the job jar as job.jar in their working directory
            Path staged = new Path(jobJar);
            String submitDir = conf.get(MRJobConfig.MAPREDUCE_JOB_DIR);
            if (staged.toUri().getScheme() == null && submitDir != null) {
                // JobSubmitter records the staged jar without a scheme: it is on the staging file system
                staged = new Path(submitDir).getFileSystem(conf).makeQualified(staged);
            }
            java.nio.file.Path local;
            if ("file".equals(staged.toUri().getScheme())) {
                local = java.nio.file.Path.of(staged.toUri());
            }
            else {
                java.nio.file.Path directory = Files.createDirectories(jobDirectory.resolve("jar"));
                local = directory.resolve(JOB_JAR);
                staged.getFileSystem(conf).copyToLocalFile(false, staged, new Path(local.toUri()), true);
            }
            this.jobJar = local;
            link(local, JOB_JAR, false, !"file".equals(staged.toUri().getScheme()));
        }
    }

    private void addToClasspathIfListed(String uri, java.nio.file.Path local, List<String> classpathEntries)
            throws IOException
    {
        if (classpathEntries.contains(URI.create(uri).getPath())) {
            classpath.add(local.toUri().toURL());
        }
    }

    private java.nio.file.Path localize(JobConf conf, URI uri, int index, boolean archive)
            throws IOException
    {
        Path source = new Path(uri.getScheme(), uri.getAuthority(), uri.getPath());
        String link = uri.getFragment() != null ? uri.getFragment() : source.getName();
        java.nio.file.Path directory = jobDirectory.resolve(Integer.toString(index));
        Files.createDirectories(directory);
        java.nio.file.Path copy = directory.resolve(source.getName());
        FileSystem fs = source.getFileSystem(conf);
        fs.copyToLocalFile(false, source, new Path(copy.toUri()), true);
        java.nio.file.Path target = copy;
        if (archive) {
            target = directory.resolve(source.getName() + ".unpacked");
            unpack(copy.toFile(), target.toFile());
        }
        link(target, link, true, true);
        return target;
    }

    /**
     * Links {@code target} into the working directory as {@code name}, unless that name is taken:
     * by a running job's link (of the same content: this job shares it), or by a file of the user's.
     *
     * @param copy whether {@code target} is this job's copy (removed with the job, or with the last job that shares its link)
     */
    private void link(java.nio.file.Path target, String name, boolean warnIfTaken, boolean copy)
            throws IOException
    {
        java.nio.file.Path linkPath = java.nio.file.Path.of(System.getProperty("user.dir")).resolve(name);
        synchronized (SHARED_LINKS) {
            SharedLink shared = SHARED_LINKS.get(linkPath);
            if (shared != null) {
                if (!Files.exists(linkPath, LinkOption.NOFOLLOW_LINKS)) {
                    // removed behind the jobs' back: the jobs that use it need it again
                    Files.createSymbolicLink(linkPath, shared.target);
                }
                if (warnIfTaken && !sameContent(linkPath, target)) {
                    LOG.warn("Cannot link {} into the working directory: a job running at the same time linked {} there, which differs; this job uses it too", target, linkPath);
                }
                shared.users++;
                links.add(linkPath);
                return;
            }
            if (Files.exists(linkPath, LinkOption.NOFOLLOW_LINKS)) {
                // as Hadoop's local runner, the file already there is used; say so only if it differs
                if (warnIfTaken && !sameContent(linkPath, target)) {
                    LOG.warn("Cannot link {} into the working directory: {} already exists and differs; the job uses the existing one", target, linkPath);
                }
                else {
                    LOG.debug("Not linking {}: {} already exists", target, linkPath);
                }
                return;
            }
            Files.createSymbolicLink(linkPath, target);
            SHARED_LINKS.put(linkPath, new SharedLink(target, copy ? jobDirectory : null));
            links.add(linkPath);
        }
    }

    private static boolean sameContent(java.nio.file.Path existing, java.nio.file.Path shipped)
    {
        try {
            if (Files.isSameFile(existing, shipped)) {
                return true;
            }
            return Files.isRegularFile(existing) && Files.isRegularFile(shipped) && Files.mismatch(existing, shipped) == -1;
        }
        catch (IOException e) {
            return false;
        }
    }

    private static void unpack(File archive, File target)
            throws IOException
    {
        String name = archive.getName().toLowerCase(Locale.ROOT);
        if (name.endsWith(".jar")) {
            new RunJar().unJar(archive, target);
        }
        else if (name.endsWith(".zip")) {
            FileUtil.unZip(archive, target);
        }
        else if (name.endsWith(".tar.gz") || name.endsWith(".tgz") || name.endsWith(".tar")) {
            FileUtil.unTar(archive, target);
        }
        else {
            LOG.warn("Cannot unpack archive {}: unknown format; it is linked as it is", archive);
            Files.createDirectories(target.toPath());
            Files.copy(archive.toPath(), target.toPath().resolve(archive.getName()));
        }
    }

    @Override
    public void close()
    {
        // copies of this job that links of jobs still running point to stay until those end
        List<java.nio.file.Path> stillUsed = new ArrayList<>();
        synchronized (SHARED_LINKS) {
            for (java.nio.file.Path link : links) {
                SharedLink shared = SHARED_LINKS.get(link);
                if (shared == null) {
                    continue;
                }
                if (--shared.users > 0) {
                    if (jobDirectory.equals(shared.owner)) {
                        stillUsed.add(shared.target);
                    }
                    continue;
                }
                SHARED_LINKS.remove(link);
                try {
                    Files.deleteIfExists(link);
                }
                catch (IOException e) {
                    LOG.warn("Cannot remove cache link {}", link, e);
                }
                if (shared.owner != null && !shared.owner.equals(jobDirectory)) {
                    // the copy of a job that ended before the last user of its link
                    delete(shared.target, List.of());
                    deleteEmptyDirectories(shared.target.getParent(), shared.owner);
                }
            }
            links.clear();
        }
        delete(jobDirectory, stillUsed);
    }

    /** Deletes {@code root} and everything under it but {@code keep} and what is under them. */
    private static void delete(java.nio.file.Path root, List<java.nio.file.Path> keep)
    {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<java.nio.file.Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder())
                    .filter(path -> keep.stream().noneMatch(kept -> path.startsWith(kept) || kept.startsWith(path)))
                    .forEach(path -> path.toFile().delete());
        }
        catch (IOException e) {
            LOG.warn("Cannot remove {}", root, e);
        }
    }

    /** Deletes {@code directory} and its parents up to and including {@code last} while they are empty. */
    private static void deleteEmptyDirectories(java.nio.file.Path directory, java.nio.file.Path last)
    {
        for (java.nio.file.Path current = directory; current != null && current.startsWith(last); current = current.getParent()) {
            if (!current.toFile().delete()) {
                return;
            }
        }
    }
}
