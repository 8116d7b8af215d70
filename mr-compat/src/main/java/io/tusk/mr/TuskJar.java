package io.tusk.mr;

import io.tusk.engine.shuffle.SpillDirectory;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
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
        ClassLoader loader = unpacked(jar, unjarDirectory.root(), TuskJar.class.getClassLoader());
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
     * The class loader of a job jar. Each job the driver submits gets a loader of its own over the
     * same jar (see {@link #forNextJob}), so that static state of the job's classes does not carry
     * over from one job to the next, as it did not when every Hadoop task ran in its own JVM. A
     * loader whose classes cannot hold such state ({@link StaticState}) serves later jobs too, one
     * job at a time: chained jobs then run code already loaded and compiled. Thread-safe.
     */
    public static final class JobJarClassLoader
            extends URLClassLoader
    {
        /** Loaders kept for later jobs, per driver loader: a chain of jobs needs one. */
        private static final int IDLE_LOADERS = 2;
        private static final Logger LOG = LogManager.getLogger(JobJarClassLoader.class);

        static {
            registerAsParallelCapable();
        }

        /** The loader of the driver that submits the jobs; null for the driver's own loader. */
        private final JobJarClassLoader driver;
        /** The classes this loader defined that no job end has checked yet, in the order defined. */
        private final Queue<Class<?>> unchecked = new ConcurrentLinkedQueue<>();
        /** For a driver's loader: job loaders free for the next job, oldest first. */
        private final Deque<JobJarClassLoader> idle = new ArrayDeque<>();
        private boolean closed;

        public JobJarClassLoader(URL[] urls, ClassLoader parent)
        {
            this(urls, parent, null);
        }

        private JobJarClassLoader(URL[] urls, ClassLoader parent, JobJarClassLoader driver)
        {
            super(urls, parent);
            this.driver = driver;
        }

        @Override
        protected Class<?> findClass(String name)
                throws ClassNotFoundException
        {
            Class<?> type = super.findClass(name);
            unchecked.add(type);
            return type;
        }

        /**
         * A loader for the next job over the same jar plus {@code libraries} (the job's
         * {@code -libjars}): one that an earlier job over the same class path left free, else a
         * new one. The job gives it back with {@link #jobEnded} when it ends.
         */
        public JobJarClassLoader forNextJob(List<URL> libraries)
        {
            JobJarClassLoader root = driver == null ? this : driver;
            List<URL> urls = new ArrayList<>(Arrays.asList(root.getURLs()));
            urls.addAll(libraries);
            List<String> classpath = urls.stream().map(URL::toString).toList();
            synchronized (root) {
                for (Iterator<JobJarClassLoader> loaders = root.idle.iterator(); loaders.hasNext(); ) {
                    JobJarClassLoader loader = loaders.next();
                    if (Arrays.stream(loader.getURLs()).map(URL::toString).toList().equals(classpath)) {
                        loaders.remove();
                        return loader;
                    }
                }
            }
            return new JobJarClassLoader(urls.toArray(new URL[0]), root.getParent(), root);
        }

        /**
         * Ends the use of this loader by the job that {@link #forNextJob} gave it to: kept for the
         * next job if {@code reusable} (its job succeeded) and none of
         * the classes it defined can hold state in a static field, else closed.
         */
        public void jobEnded(boolean reusable)
        {
            if (driver != null && reusable) {
                // a loader still in use held no state at its last job's end: only classes defined since can
                List<Class<?>> since = new ArrayList<>();
                for (Class<?> type = unchecked.poll(); type != null; type = unchecked.poll()) {
                    since.add(type);
                }
                Optional<String> stateful = StaticState.firstStatefulField(since);
                if (stateful.isEmpty()) {
                    JobJarClassLoader evicted;
                    synchronized (driver) {
                        if (driver.closed) {
                            evicted = this;
                        }
                        else {
                            driver.idle.addLast(this);
                            evicted = driver.idle.size() > IDLE_LOADERS ? driver.idle.removeFirst() : null;
                        }
                    }
                    if (evicted != null) {
                        evicted.closeQuietly();
                    }
                    return;
                }
                LOG.debug("The next job gets the job jar's classes afresh: {} can hold state", stateful.get());
            }
            closeQuietly();
        }

        @Override
        public void close()
                throws IOException
        {
            List<JobJarClassLoader> loaders;
            synchronized (this) {
                closed = true;
                loaders = new ArrayList<>(idle);
                idle.clear();
            }
            for (JobJarClassLoader loader : loaders) {
                loader.closeQuietly();
            }
            super.close();
        }

        private void closeQuietly()
        {
            try {
                close();
            }
            catch (IOException e) {
                LOG.debug("Cannot close a job jar's class loader", e);
            }
        }
    }

    /**
     * The class loader of job jar {@code jar} unpacked into {@code unjarDir}, as Hadoop's tasks see
     * a job jar: its root, the jar, its {@code classes/} and the jars in its {@code lib/}.
     */
    public static JobJarClassLoader unpacked(File jar, Path unjarDir, ClassLoader parent)
            throws IOException
    {
        unjar(jar, unjarDir);
        return new JobJarClassLoader(classpath(jar, unjarDir), parent);
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
