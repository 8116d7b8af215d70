package io.tusk.mr;

import io.tusk.engine.shuffle.SpillDirectory;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * {@code tusk jar <job.jar> [main class] [args…]}: runs a MapReduce job jar as {@code hadoop jar}
 * does — the manifest's {@code Main-Class} if it has one, else the first argument; the jar's
 * classes and its {@code lib/*.jar} in a class loader of their own (so one job's classes and static
 * state stay away from the next); the driver's arguments, including generic options, passed
 * unchanged. With Tusk's {@code conf/} on the classpath, {@code mapreduce.framework.name} is
 * {@code tusk}, so the driver's jobs run on Tusk. The driver's exit code is the process's.
 */
public final class TuskJar
{
    private TuskJar() {}

    public static void main(String[] args)
            throws Throwable
    {
        if (args.length < 1) {
            System.err.println("Usage: tusk jar <jar> [mainClass] args...");
            System.exit(-1);
        }
        File jar = new File(args[0]);
        if (!jar.isFile()) {
            System.err.println("JAR does not exist or is not a normal file: " + jar.getCanonicalPath());
            System.exit(-1);
        }
        int firstArg = 1;
        String mainClassName;
        try (JarFile jarFile = new JarFile(jar)) {
            Manifest manifest = jarFile.getManifest();
            mainClassName = manifest == null ? null : manifest.getMainAttributes().getValue("Main-Class");
        }
        catch (IOException e) {
            throw new IOException("Error opening job jar: " + jar, e);
        }
        if (mainClassName == null) {
            if (args.length < 2) {
                System.err.println("Usage: tusk jar <jar> [mainClass] args...");
                System.exit(-1);
            }
            mainClassName = args[firstArg++];
        }
        mainClassName = mainClassName.replace('/', '.');

        // a private directory in the temporary directory, locked by this process: removed when it
        // exits, and by the next Tusk process that starts there if this one is killed (kill -9)
        SpillDirectory unjarDirectory = new SpillDirectory(Path.of(System.getProperty("java.io.tmpdir")));
        Runtime.getRuntime().addShutdownHook(new Thread(unjarDirectory::close, "tusk-unjar-cleanup"));
        Path unjarDir = unjarDirectory.root();
        unjar(jar, unjarDir);
        ClassLoader loader = new JobJarClassLoader(classpath(jar, unjarDir), TuskJar.class.getClassLoader());
        Thread.currentThread().setContextClassLoader(loader);

        Class<?> mainClass = Class.forName(mainClassName, true, loader);
        Method main = mainClass.getMethod("main", String[].class);
        if (!Modifier.isStatic(main.getModifiers())) {
            throw new NoSuchMethodException(mainClassName + ".main is not static");
        }
        String[] mainArgs = Arrays.copyOfRange(args, firstArg, args.length);
        try {
            main.invoke(null, (Object) mainArgs);
        }
        catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /**
     * The class loader of a job jar. Each job the driver submits gets a fresh one over the same
     * jar (see {@link #forNextJob()}), so that static state of the job's classes does not carry
     * over from one job to the next, as it did not when every Hadoop task ran in its own JVM.
     */
    public static final class JobJarClassLoader
            extends URLClassLoader
    {
        public JobJarClassLoader(URL[] urls, ClassLoader parent)
        {
            super(urls, parent);
        }

        /** A new loader over the same jar, plus {@code libraries} (the job's {@code -libjars}). */
        public JobJarClassLoader forNextJob(java.util.List<URL> libraries)
        {
            List<URL> urls = new ArrayList<>(Arrays.asList(getURLs()));
            urls.addAll(libraries);
            return new JobJarClassLoader(urls.toArray(new URL[0]), getParent());
        }
    }

    private static URL[] classpath(File jar, Path unjarDir)
            throws MalformedURLException, IOException
    {
        List<URL> urls = new ArrayList<>();
        urls.add(unjarDir.toUri().toURL());
        urls.add(jar.toURI().toURL());
        urls.add(unjarDir.resolve("classes").toUri().toURL());
        Path lib = unjarDir.resolve("lib");
        if (Files.isDirectory(lib)) {
            try (Stream<Path> libs = Files.list(lib)) {
                for (Path library : libs.sorted().toList()) {
                    urls.add(library.toUri().toURL());
                }
            }
        }
        return urls.toArray(new URL[0]);
    }

    private static void unjar(File jar, Path target)
            throws IOException
    {
        try (JarFile jarFile = new JarFile(jar)) {
            Enumeration<JarEntry> entries = jarFile.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                Path file = target.resolve(entry.getName()).normalize();
                if (!file.startsWith(target)) {
                    throw new IOException("Jar entry " + entry.getName() + " is outside the target directory");
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(file);
                    continue;
                }
                Files.createDirectories(file.getParent());
                try (InputStream in = jarFile.getInputStream(entry)) {
                    Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
