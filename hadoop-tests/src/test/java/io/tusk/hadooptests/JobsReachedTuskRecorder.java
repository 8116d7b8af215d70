package io.tusk.hadooptests;

import io.tusk.mr.TuskClientProtocol;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records, for each test class a test JVM ran, how many jobs the JVM submitted to Tusk: a file
 * {@code <class>.jobs} in the directory that {@value #DIRECTORY} names (nothing without it).
 * {@code EveryHadoopTestReachesTuskIT} then checks that every Hadoop test class really ran jobs on
 * Tusk, not on Hadoop's own runner. Each Hadoop test class runs in a JVM of its own (surefire's
 * {@code reuseForks=false}), so the count is the class's. Registered through
 * {@code META-INF/services}.
 */
public final class JobsReachedTuskRecorder
        implements TestExecutionListener
{
    static final String DIRECTORY = "tusk.jobs-reached.dir";
    static final String SUFFIX = ".jobs";

    private final Set<String> classes = ConcurrentHashMap.newKeySet();

    @Override
    public void executionStarted(TestIdentifier identifier)
    {
        TestSource source = identifier.getSource().orElse(null);
        if (source instanceof ClassSource type) {
            classes.add(type.getClassName());
        }
        else if (source instanceof MethodSource method) {
            classes.add(method.getClassName());
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan plan)
    {
        String directory = System.getProperty(DIRECTORY);
        if (directory == null) {
            return;
        }
        String jobs = Integer.toString(TuskClientProtocol.jobsSubmitted());
        try {
            Path target = Files.createDirectories(Path.of(directory));
            for (String type : classes) {
                Files.writeString(target.resolve(type + SUFFIX), jobs);
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot record the jobs the tests submitted to Tusk in " + directory, e);
        }
    }
}
