package io.tusk.mr;

import org.apache.hadoop.conf.Configuration;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Writes a jar of Hadoop's default configuration files ({@code core-default.xml} and the others on
 * the class path) without their {@code <description>} elements, for the launcher to put before
 * Hadoop's jars. Every {@code new Configuration()} parses these files again (a job's process does
 * it a dozen times: the driver's job, file systems, security, shutdown hooks), and two thirds of
 * their bytes are descriptions, which Hadoop reads and drops. A file goes into the jar only if
 * Hadoop's own parser reads the same properties, final parameters and sources from the trimmed
 * copy as from the original; otherwise the original is left to serve.
 * <p>
 * {@code java io.tusk.mr.HadoopDefaults <jar>}: run by the build, with the class path the launcher
 * uses.
 */
public final class HadoopDefaults
{
    /** The default resources Hadoop's configuration classes register. */
    static final List<String> NAMES = List.of("core-default.xml", "mapred-default.xml", "yarn-default.xml", "hdfs-default.xml", "hdfs-rbf-default.xml");

    private static final String OPEN = "<description>";
    private static final String CLOSE = "</description>";

    private HadoopDefaults() {}

    public static void main(String[] args)
            throws IOException
    {
        if (args.length != 1) {
            System.err.println("Usage: HadoopDefaults <jar to write>");
            System.exit(2);
        }
        write(Path.of(args[0]), trimmedDefaults(HadoopDefaults.class.getClassLoader()));
    }

    /** The trimmed copies of the default files {@code loader} finds, by name, where they read as the originals do. */
    static Map<String, byte[]> trimmedDefaults(ClassLoader loader)
            throws IOException
    {
        Map<String, byte[]> trimmed = new LinkedHashMap<>();
        for (String name : NAMES) {
            URL resource = loader.getResource(name);
            if (resource == null) {
                continue;
            }
            byte[] original;
            try (InputStream in = resource.openStream()) {
                original = in.readAllBytes();
            }
            Optional<byte[]> copy = trimmed(name, original);
            if (copy.isPresent()) {
                trimmed.put(name, copy.get());
            }
            else {
                System.err.println("HadoopDefaults: " + resource + " reads differently without its descriptions; the original serves");
            }
        }
        return trimmed;
    }

    /** {@code original} without its description elements, if Hadoop reads the same configuration from it. */
    static Optional<byte[]> trimmed(String name, byte[] original)
    {
        byte[] copy = withoutDescriptions(new String(original, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        if (copy.length == original.length) {
            return Optional.empty();
        }
        try {
            return read(name, original).equals(read(name, copy)) ? Optional.of(copy) : Optional.empty();
        }
        catch (RuntimeException e) {
            // Hadoop cannot parse one of them: leave the original, and its error, to the job
            return Optional.empty();
        }
    }

    /** {@code xml} without each description element and the blank space of its lines. */
    static String withoutDescriptions(String xml)
    {
        StringBuilder out = new StringBuilder(xml.length());
        int from = 0;
        while (true) {
            int open = xml.indexOf(OPEN, from);
            int close = open < 0 ? -1 : xml.indexOf(CLOSE, open + OPEN.length());
            if (close < 0) {
                out.append(xml, from, xml.length());
                return out.toString();
            }
            int start = open;
            while (start > from && (xml.charAt(start - 1) == ' ' || xml.charAt(start - 1) == '\t')) {
                start--;
            }
            int end = close + CLOSE.length();
            boolean wholeLines = (start == 0 || xml.charAt(start - 1) == '\n') && end < xml.length() && xml.charAt(end) == '\n';
            out.append(xml, from, wholeLines ? start : open);
            from = wholeLines ? end + 1 : end;
        }
    }

    /** What Hadoop's parser reads from a default file: each property's raw value, whether final, and its sources. */
    private static Map<String, String> read(String name, byte[] xml)
    {
        Configuration conf = new Configuration(false);
        conf.setQuietMode(false);
        conf.addResource(new ByteArrayInputStream(xml), name);
        Map<String, String> read = new TreeMap<>();
        for (Map.Entry<String, String> property : conf) {
            String key = property.getKey();
            String[] sources = conf.getPropertySources(key);
            read.put(key, property.getValue() + "\u0000" + conf.getFinalParameters().contains(key) + "\u0000" + (sources == null ? "" : Arrays.toString(sources)));
        }
        return read;
    }

    private static void write(Path jar, Map<String, byte[]> files)
            throws IOException
    {
        Files.createDirectories(jar.toAbsolutePath().getParent());
        Path temporary = Files.createTempFile(jar.toAbsolutePath().getParent(), jar.getFileName().toString(), ".tmp");
        try {
            Manifest manifest = new Manifest();
            manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
            manifest.getMainAttributes().putValue("Created-By", "Tusk: Hadoop's default configuration files without their descriptions");
            try (OutputStream file = Files.newOutputStream(temporary);
                    JarOutputStream out = new JarOutputStream(file, manifest)) {
                for (Map.Entry<String, byte[]> entry : files.entrySet()) {
                    out.putNextEntry(new JarEntry(entry.getKey()));
                    out.write(entry.getValue());
                    out.closeEntry();
                }
            }
            if (Files.getFileStore(temporary).supportsFileAttributeView(PosixFileAttributeView.class)) {
                // readable by all, as the build's other jars (a temporary file is its owner's only)
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
            }
            Files.move(temporary, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        finally {
            Files.deleteIfExists(temporary);
        }
    }
}
