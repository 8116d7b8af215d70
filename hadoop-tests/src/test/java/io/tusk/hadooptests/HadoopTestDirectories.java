package io.tusk.hadooptests;

import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Creates the directories that Hadoop's own build creates before its tests run
 * ({@code test.build.dir}, {@code test.build.data}, {@code hadoop.log.dir}): some tests write
 * into them without creating them (TestDFSIO's results log). Registered through
 * {@code META-INF/services}.
 */
public final class HadoopTestDirectories
        implements TestExecutionListener
{
    private static final List<String> DIRECTORIES = List.of("test.build.dir", "test.build.data", "hadoop.log.dir");

    @Override
    public void testPlanExecutionStarted(TestPlan plan)
    {
        for (String property : DIRECTORIES) {
            String directory = System.getProperty(property);
            if (directory == null) {
                continue;
            }
            try {
                Files.createDirectories(Path.of(directory));
            }
            catch (IOException e) {
                throw new UncheckedIOException("Cannot create " + property + "=" + directory + " for Hadoop's tests", e);
            }
        }
    }
}
