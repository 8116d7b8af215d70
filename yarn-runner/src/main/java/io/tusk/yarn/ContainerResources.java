package io.tusk.yarn;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsAction;
import org.apache.hadoop.mapreduce.MRJobConfig;
import org.apache.hadoop.yarn.api.ApplicationConstants;
import org.apache.hadoop.yarn.api.records.LocalResource;
import org.apache.hadoop.yarn.api.records.LocalResourceType;
import org.apache.hadoop.yarn.api.records.LocalResourceVisibility;
import org.apache.hadoop.yarn.api.records.URL;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a Tusk container gets localized, and its class path: Tusk's jars (from the cache directory
 * on the cluster's file system, listed in the submit directory by the client), the job's
 * configuration, and for executors the job's jar, {@code -libjars}, {@code -files} and
 * {@code -archives}, linked in the container's directory under the names tasks open them by.
 */
public final class ContainerResources
{
    /**
     * The file in the submit directory that lists Tusk's jars on the cluster, one {@code link\tpath}
     * per line, in class path order, and {@code tusk-java.sh} under its own name when containers
     * start from class-data archives.
     */
    public static final String JAR_LIST = "tusk-jars.list";

    private final Map<String, LocalResource> resources = new LinkedHashMap<>();
    private final List<String> classpath = new ArrayList<>();
    private final List<String> jobClasspath = new ArrayList<>();
    private String launcher;

    public Map<String, LocalResource> resources()
    {
        return resources;
    }

    /**
     * The container's class path: Tusk's jars, then the container's directory (last: a class-data
     * archive cannot be written or used with a non-empty directory before the jars).
     */
    public String classpath()
    {
        List<String> entries = new ArrayList<>();
        for (String entry : classpath) {
            entries.add(ApplicationConstants.Environment.PWD.$$() + "/" + entry);
        }
        entries.add(ApplicationConstants.Environment.PWD.$$());
        return String.join(ApplicationConstants.CLASS_PATH_SEPARATOR, entries);
    }

    /** The script that starts the container's JVM from a class-data archive ({@code tusk-java.sh}), or null when the JVM starts as it is. */
    public String launcher()
    {
        return launcher;
    }

    /** The job's own class path entries (its jar and {@code -libjars}), relative to the container's directory. */
    public String jobClasspath()
    {
        return String.join(java.io.File.pathSeparator, jobClasspath);
    }

    /** Writes the list of Tusk's jars on the cluster into the submit directory. */
    public static void writeJarList(FileSystem fs, Path submitDir, Map<String, Path> jars)
            throws IOException
    {
        try (Writer out = new OutputStreamWriter(fs.create(new Path(submitDir, JAR_LIST), true), StandardCharsets.UTF_8)) {
            for (Map.Entry<String, Path> jar : jars.entrySet()) {
                out.write(jar.getKey() + "\t" + jar.getValue() + "\n");
            }
        }
    }

    /** Adds Tusk's jars listed in the submit directory, on Tusk's class path, and the launcher script if it is listed. */
    public ContainerResources addTuskJars(Configuration conf, Path submitDir)
            throws IOException
    {
        Path list = new Path(submitDir, JAR_LIST);
        FileSystem fs = list.getFileSystem(conf);
        // the jars share a cache directory: one listing instead of a call to the name node per jar
        Map<Path, Map<String, FileStatus>> listings = new HashMap<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(list), StandardCharsets.UTF_8))) {
            String line;
            Boolean publicDirectory = null;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                String[] fields = line.split("\t", 2);
                boolean jar = !fields[0].equals(YarnSettings.JAVA_LAUNCHER);
                String link = jar ? YarnSettings.LIB_DIR + "/" + fields[0] : YarnSettings.JAVA_LAUNCHER;
                Path path = new Path(fields[1]);
                FileSystem jarFs = path.getFileSystem(conf);
                if (publicDirectory == null) {
                    publicDirectory = everyoneCanTraverse(jarFs, path.getParent());
                }
                Map<String, FileStatus> listing = listings.computeIfAbsent(jarFs.makeQualified(path.getParent()), directory -> list(jarFs, directory));
                FileStatus status = listing.get(path.getName());
                // content-addressed, never changed: kept for the user's later applications when not for everyone's
                add(link, status != null ? status : jarFs.getFileStatus(path), jarFs, LocalResourceType.FILE,
                        publicDirectory ? LocalResourceVisibility.PUBLIC : LocalResourceVisibility.PRIVATE);
                if (jar) {
                    classpath.add(link);
                }
                else {
                    launcher = link;
                }
            }
        }
        return this;
    }

    /** Adds the job's configuration as {@code job.xml}. */
    public ContainerResources addJobConf(Configuration conf, Path submitDir)
            throws IOException
    {
        add(conf, YarnSettings.JOB_CONF, new Path(submitDir, "job.xml"), LocalResourceType.FILE);
        return this;
    }

    /** Adds the job's jar as {@code job.jar}, on the job's class path. */
    public ContainerResources addJobJar(Configuration conf)
            throws IOException
    {
        String jar = conf.get(MRJobConfig.JAR);
        if (jar != null) {
            Path staged = new Path(jar);
            if (staged.toUri().getScheme() == null) {
                staged = FileSystem.get(conf).makeQualified(staged);
            }
            add(conf, "job.jar", staged, LocalResourceType.FILE);
            jobClasspath.add("job.jar");
        }
        return this;
    }

    /** Adds the job's jar as {@code job.jar}, its cache files and archives under their link names, and its class path entries. */
    public ContainerResources addJobFiles(Configuration conf)
            throws IOException
    {
        addJobJar(conf);
        List<String> classpathFiles = new ArrayList<>();
        for (String key : new String[] {MRJobConfig.CLASSPATH_FILES, MRJobConfig.CLASSPATH_ARCHIVES}) {
            for (String entry : conf.getTrimmedStrings(key)) {
                classpathFiles.add(new Path(entry).toUri().getPath());
            }
        }
        addCache(conf, conf.getTrimmedStrings(MRJobConfig.CACHE_FILES), LocalResourceType.FILE, classpathFiles);
        addCache(conf, conf.getTrimmedStrings(MRJobConfig.CACHE_ARCHIVES), LocalResourceType.ARCHIVE, classpathFiles);
        return this;
    }

    private void addCache(Configuration conf, String[] uris, LocalResourceType type, List<String> classpathFiles)
            throws IOException
    {
        for (String uri : uris) {
            URI parsed = URI.create(uri);
            Path path = new Path(parsed.getScheme(), parsed.getAuthority(), parsed.getPath());
            String link = parsed.getFragment() != null ? parsed.getFragment() : path.getName();
            if (resources.containsKey(link)) {
                continue;
            }
            add(conf, link, path, type);
            if (classpathFiles.contains(parsed.getPath())) {
                jobClasspath.add(link);
            }
        }
    }

    /** Adds a file of the application's own (localized for its containers only). */
    private void add(Configuration conf, String link, Path path, LocalResourceType type)
            throws IOException
    {
        FileSystem fs = path.getFileSystem(conf);
        add(link, fs.getFileStatus(path), fs, type, LocalResourceVisibility.APPLICATION);
    }

    /**
     * @param visibility {@code PUBLIC} when everyone may traverse the file's directory and its
     * ancestors: a file everyone may read is then localized once per node for every application
     * (YARN's public cache); else {@code PRIVATE} (once per node for the user's applications) or
     * {@code APPLICATION}. A file not everyone reads is never public.
     */
    private void add(String link, FileStatus status, FileSystem fs, LocalResourceType type, LocalResourceVisibility visibility)
    {
        Path qualified = fs.makeQualified(status.getPath());
        boolean everyoneReads = status.getPermission().getOtherAction().implies(FsAction.READ);
        LocalResourceVisibility granted = visibility == LocalResourceVisibility.PUBLIC && !everyoneReads ? LocalResourceVisibility.PRIVATE : visibility;
        resources.put(link, LocalResource.newInstance(URL.fromPath(qualified), type, granted, status.getLen(), status.getModificationTime()));
    }

    /** The files of {@code directory} by name; none if it cannot be listed (each is then looked up on its own). */
    private static Map<String, FileStatus> list(FileSystem fs, Path directory)
    {
        Map<String, FileStatus> files = new HashMap<>();
        try {
            for (FileStatus status : fs.listStatus(directory)) {
                files.put(status.getPath().getName(), status);
            }
        }
        catch (IOException e) {
            // looked up one by one, with the error of the one that fails
        }
        return files;
    }

    private static boolean everyoneCanTraverse(FileSystem fs, Path directory)
            throws IOException
    {
        for (Path current = directory; current != null; current = current.getParent()) {
            if (!fs.getFileStatus(current).getPermission().getOtherAction().implies(FsAction.EXECUTE)) {
                return false;
            }
        }
        return true;
    }
}
