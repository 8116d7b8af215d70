package io.tusk.yarn.client;

import io.tusk.yarn.YarnSettings;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;

/**
 * Puts Tusk's jars (the client's class path) on the cluster's file system once per content: each
 * jar is stored under its SHA-256, so a later submission of the same build finds it there and
 * uploads nothing, and a rebuilt jar is uploaded once. A class path directory (a development
 * build) is packed into a jar first. Thread-safe.
 */
final class JarCache
{
    private static final Logger LOG = LogManager.getLogger(JarCache.class);
    /** Digests of local jars by path, size and modification time, so a client hashes each jar once. */
    private static final Map<String, String> DIGESTS = new ConcurrentHashMap<>();

    private JarCache() {}

    /** The cache directory on the cluster: {@code tusk.yarn.jars.dir}, else {@code /user/<user>/.tusk/jars} on the default file system. */
    static Path directory(Configuration conf)
            throws IOException
    {
        String configured = conf.get(YarnSettings.JARS_DIR);
        FileSystem fs = FileSystem.get(conf);
        if (configured != null) {
            return fs.makeQualified(new Path(configured));
        }
        return fs.makeQualified(new Path("/user/" + UserGroupInformation.getCurrentUser().getShortUserName() + "/.tusk/jars"));
    }

    /**
     * Uploads the jars of {@code classpath} that the cache lacks; returns, in class path order, each
     * jar's link name in a container and its path on the cluster.
     */
    static Map<String, Path> upload(Configuration conf, List<File> classpath)
            throws IOException
    {
        Path directory = directory(conf);
        FileSystem fs = directory.getFileSystem(conf);
        fs.mkdirs(directory, new FsPermission((short) 0755));
        Set<String> present = new HashSet<>();
        for (FileStatus status : fs.listStatus(directory)) {
            present.add(status.getPath().getName());
        }
        Map<String, Path> jars = new LinkedHashMap<>();
        Map<Path, File> missing = new LinkedHashMap<>();
        int index = 0;
        for (File entry : classpath) {
            File jar = entry.isDirectory() ? packDirectory(entry) : entry;
            String name = digest(jar).substring(0, 32) + "-" + jar.getName();
            Path target = new Path(directory, name);
            if (!present.contains(name)) {
                missing.put(target, jar);
                present.add(name);
            }
            jars.put(String.format("%03d-%s", index++, jar.getName()), target);
        }
        if (conf.getBoolean(YarnSettings.CLASS_DATA, true)) {
            File launcher = launcher();
            String name = digest(launcher).substring(0, 32) + "-" + YarnSettings.JAVA_LAUNCHER;
            Path target = new Path(directory, name);
            if (!present.contains(name)) {
                missing.put(target, launcher);
            }
            jars.put(YarnSettings.JAVA_LAUNCHER, target);
        }
        long bytes = 0;
        for (File jar : missing.values()) {
            bytes += jar.length();
        }
        int uploaded = missing.size();
        uploadAll(fs, missing);
        if (uploaded > 0) {
            LOG.info("Uploaded {} of Tusk's {} files ({} MB) to {}", uploaded, jars.size(), bytes >> 20, directory);
        }
        return jars;
    }

    /** Uploads jars a few at a time (each is a round trip to the NameNode and a DataNode pipeline); each under a temporary name, then renamed. */
    private static void uploadAll(FileSystem fs, Map<Path, File> jars)
            throws IOException
    {
        java.util.concurrent.ExecutorService uploaders = java.util.concurrent.Executors.newFixedThreadPool(Math.max(1, Math.min(8, jars.size())), runnable -> {
            Thread thread = new Thread(runnable, "tusk-jar-upload");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<java.util.concurrent.Future<?>> uploads = new ArrayList<>();
            for (Map.Entry<Path, File> jar : jars.entrySet()) {
                uploads.add(uploaders.submit(() -> {
                    upload(fs, jar.getValue(), jar.getKey());
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> upload : uploads) {
                try {
                    upload.get();
                }
                catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof IOException io ? io : new IOException("Cannot upload Tusk's jars: " + e.getCause(), e.getCause());
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted while uploading Tusk's jars");
                }
            }
        }
        finally {
            uploaders.shutdownNow();
        }
    }

    private static void upload(FileSystem fs, File jar, Path target)
            throws IOException
    {
        Path temporary = new Path(target.getParent(), "." + target.getName() + "." + System.nanoTime() + ".tmp");
        fs.copyFromLocalFile(false, true, new Path(jar.toURI()), temporary);
        fs.setPermission(temporary, new FsPermission((short) 0644));
        if (!fs.rename(temporary, target)) {
            // another client uploaded the same content meanwhile
            fs.delete(temporary, false);
        }
    }

    /** {@code tusk-java.sh} of this build, as a local file (written once per content into the temporary directory). */
    private static File launcher()
            throws IOException
    {
        byte[] script;
        try (InputStream in = JarCache.class.getResourceAsStream("/io/tusk/yarn/" + YarnSettings.JAVA_LAUNCHER)) {
            if (in == null) {
                throw new IOException(YarnSettings.JAVA_LAUNCHER + " is missing from Tusk's jars; rebuild Tusk");
            }
            script = in.readAllBytes();
        }
        String digest = HexFormat.of().formatHex(sha256().digest(script)).substring(0, 16);
        File file = new File(System.getProperty("java.io.tmpdir"), "tusk-java-" + digest + ".sh");
        if (!file.isFile() || file.length() != script.length) {
            File temporary = File.createTempFile("tusk-java", ".tmp");
            Files.write(temporary.toPath(), script);
            Files.move(temporary.toPath(), file.toPath(), java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        return file;
    }

    /** The class path of this JVM, with the entries of manifest-only jars (as test runners use) expanded. */
    static List<File> classpath(Configuration conf)
    {
        Set<File> entries = new LinkedHashSet<>();
        String explicit = conf.get("tusk.yarn.jars");
        String path = explicit != null ? explicit.replace(',', File.pathSeparatorChar) : System.getProperty("java.class.path");
        for (String entry : path.split(File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            File file = new File(entry).getAbsoluteFile();
            if (file.exists()) {
                addWithManifestClassPath(file, entries);
            }
        }
        List<File> result = new ArrayList<>();
        for (File file : entries) {
            // jars, and class directories of a development build; not configuration directories
            // (the cluster has its own; the job's configuration travels as job.xml)
            if (file.isFile() && file.getName().endsWith(".jar") || file.isDirectory() && holdsClasses(file)) {
                result.add(file);
            }
        }
        return result;
    }

    private static boolean holdsClasses(File directory)
    {
        try (Stream<java.nio.file.Path> walk = Files.walk(directory.toPath())) {
            return walk.anyMatch(path -> path.toString().endsWith(".class"));
        }
        catch (IOException e) {
            return false;
        }
    }

    private static void addWithManifestClassPath(File file, Set<File> entries)
    {
        if (!entries.add(file) || !file.isFile()) {
            return;
        }
        try (JarFile jar = new JarFile(file)) {
            Manifest manifest = jar.getManifest();
            String classPath = manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            if (classPath == null) {
                return;
            }
            for (String reference : classPath.trim().split("\\s+")) {
                if (reference.isEmpty()) {
                    continue;
                }
                URI resolved = file.toURI().resolve(reference);
                if ("file".equals(resolved.getScheme())) {
                    File referenced = new File(resolved);
                    if (referenced.exists()) {
                        addWithManifestClassPath(referenced, entries);
                    }
                }
            }
            if (jar.size() <= 1) {
                // a manifest-only jar carries nothing else
                entries.remove(file);
            }
        }
        catch (IOException e) {
            LOG.debug("Cannot read the manifest of {}", file, e);
        }
    }

    private static String digest(File jar)
            throws IOException
    {
        String key = jar.getAbsolutePath() + ":" + jar.length() + ":" + jar.lastModified();
        String known = DIGESTS.get(key);
        if (known != null) {
            return known;
        }
        String digest = io.tusk.engine.io.ContentDigest.sha256(jar.toPath());
        DIGESTS.put(key, digest);
        return digest;
    }

    /** Packs a class path directory into a jar whose bytes depend only on the directory's files. */
    private static File packDirectory(File directory)
            throws IOException
    {
        java.nio.file.Path root = directory.toPath();
        List<java.nio.file.Path> files;
        try (Stream<java.nio.file.Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        MessageDigest sha = sha256();
        for (java.nio.file.Path file : files) {
            sha.update(root.relativize(file).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            sha.update(Files.readAllBytes(file));
        }
        String name = directory.getParentFile().getName() + "-" + directory.getName() + "-" + HexFormat.of().formatHex(sha.digest()).substring(0, 16) + ".jar";
        File jar = new File(System.getProperty("java.io.tmpdir"), "tusk-packed-" + name);
        if (jar.exists()) {
            return jar;
        }
        File temporary = File.createTempFile("tusk-packed", ".tmp");
        try (OutputStream out = Files.newOutputStream(temporary.toPath()); JarOutputStream jarOut = new JarOutputStream(out)) {
            for (java.nio.file.Path file : files) {
                ZipEntry entry = new ZipEntry(root.relativize(file).toString().replace(File.separatorChar, '/'));
                entry.setTime(0);
                jarOut.putNextEntry(entry);
                Files.copy(file, jarOut);
                jarOut.closeEntry();
            }
        }
        if (!temporary.renameTo(jar)) {
            Files.move(temporary.toPath(), jar.toPath(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return jar;
    }

    private static MessageDigest sha256()
    {
        try {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
