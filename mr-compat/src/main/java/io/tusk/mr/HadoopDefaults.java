package io.tusk.mr;

import org.apache.hadoop.conf.Configuration;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a jar of Hadoop's default configuration files ({@code core-default.xml} and the others on
 * the class path) without their {@code <description>} elements, for the launcher to put before
 * Hadoop's jars. Every {@code new Configuration()} parses these files again (a job's process does
 * it a dozen times: the driver's job, file systems, security, shutdown hooks), and two thirds of
 * their bytes are descriptions, which Hadoop reads and drops. A file goes into the jar only if
 * Hadoop's own parser reads the same properties, sources, final parameters and tags from the
 * trimmed copy as from the original; otherwise the original is left to serve.
 * <p>
 * {@code java io.tusk.mr.HadoopDefaults <jar>}: run by the build of {@code samples} with its
 * runtime class path, whose Hadoop jars are the launcher's.
 */
public final class HadoopDefaults
{
    /** The default resources Hadoop's configuration classes register. */
    static final List<String> NAMES = List.of("core-default.xml", "mapred-default.xml", "yarn-default.xml", "hdfs-default.xml", "hdfs-rbf-default.xml");

    private static final String OPEN = "<description>";
    private static final String CLOSE = "</description>";
    /** The time of every entry in the jar (2020-01-01T00:00:00Z): the same files make the same bytes. */
    private static final long ENTRY_TIME = 1_577_836_800_000L;
    private static final Pattern TAG = Pattern.compile("<tag>([^<]*)</tag>");

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

    /**
     * What Hadoop's parser reads from a default file: each property's raw value and its sources;
     * the final parameters (as a set: a final property without a value has no entry); the
     * properties of each tag the file names.
     */
    private static Map<String, String> read(String name, byte[] xml)
    {
        Configuration conf = new Configuration(false);
        conf.setQuietMode(false);
        conf.addResource(new ByteArrayInputStream(xml), name);
        Map<String, String> read = new TreeMap<>();
        for (Map.Entry<String, String> property : conf) {
            String key = property.getKey();
            String[] sources = conf.getPropertySources(key);
            read.put(key, property.getValue() + "\u0000" + (sources == null ? "" : Arrays.toString(sources)));
        }
        read.put("\u0000final", new TreeSet<>(conf.getFinalParameters()).toString());
        Matcher tags = TAG.matcher(new String(xml, StandardCharsets.UTF_8));
        while (tags.find()) {
            for (String tag : tags.group(1).split(",")) {
                read.put("\u0000tag " + tag.trim(), new TreeMap<>(conf.getAllPropertiesByTag(tag.trim())).toString());
            }
        }
        return read;
    }

    /**
     * Writes the jar unless it holds these bytes already: its entries carry a fixed time, so that an
     * unchanged build leaves the jar (and the class-data archive and YARN jar cache made over it) as it was.
     */
    private static void write(Path jar, Map<String, byte[]> files)
            throws IOException
    {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes)) {
            Manifest manifest = new Manifest();
            manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
            manifest.getMainAttributes().putValue("Created-By", "Tusk: Hadoop's default configuration files without their descriptions");
            out.putNextEntry(entry(JarFile.MANIFEST_NAME));
            manifest.write(out);
            out.closeEntry();
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                out.putNextEntry(entry(file.getKey()));
                out.write(file.getValue());
                out.closeEntry();
            }
        }
        byte[] content = bytes.toByteArray();
        if (Files.isRegularFile(jar) && Arrays.equals(Files.readAllBytes(jar), content)) {
            return;
        }
        Files.createDirectories(jar.toAbsolutePath().getParent());
        Path temporary = Files.createTempFile(jar.toAbsolutePath().getParent(), jar.getFileName().toString(), ".tmp");
        try {
            Files.write(temporary, content);
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

    private static JarEntry entry(String name)
    {
        JarEntry entry = new JarEntry(name);
        entry.setTime(ENTRY_TIME);
        return entry;
    }
}
