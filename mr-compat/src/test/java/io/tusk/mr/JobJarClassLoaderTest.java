package io.tusk.mr;

import org.apache.hadoop.io.IntWritable;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A job jar's loader serves the next job only if no class it defined can hold state in a static
 * field; the classes here are loaded from the test classes by loaders whose parent does not see them.
 */
class JobJarClassLoaderTest
{
    /** Constants, a logger, an enum: nothing a later job could see. */
    public static final class Stateless
    {
        static final int LIMIT = 10;
        static final String NAME = "stateless";
        static final Long BOXED = 7L;
        static final Pattern WORD = Pattern.compile("\\w+");
        static final Logger LOG = LogManager.getLogger(Stateless.class);
        static final TimeUnit UNIT = TimeUnit.SECONDS;
        private final int[] instanceState = new int[1];
    }

    /** Its constants and the compiler's array of them. */
    public enum Mode
    {
        ON, OFF
    }

    public static final class CountsInAStaticField
    {
        static int setups;
    }

    public static final class CachesInAStaticMap
    {
        static final Map<String, String> CACHE = new ConcurrentHashMap<>();
    }

    public static final class SharesAWritable
    {
        static final IntWritable ONE = new IntWritable(1);
    }

    @Test
    void constantsLoggersAndEnumsHoldNoState()
    {
        assertThat(StaticState.firstStatefulField(List.of(Stateless.class, Mode.class))).isEmpty();
    }

    @Test
    void mutableStaticFieldsHoldState()
    {
        assertThat(StaticState.firstStatefulField(List.of(Stateless.class, CountsInAStaticField.class)))
                .contains(CountsInAStaticField.class.getName() + ".setups");
        assertThat(StaticState.firstStatefulField(List.of(CachesInAStaticMap.class)))
                .contains(CachesInAStaticMap.class.getName() + ".CACHE");
        // a final field whose object a job could change
        assertThat(StaticState.firstStatefulField(List.of(SharesAWritable.class)))
                .contains(SharesAWritable.class.getName() + ".ONE");
    }

    @Test
    void aJobWhoseClassesHoldNoStateLeavesItsLoaderToTheNextJob()
            throws Exception
    {
        try (TuskJar.JobJarClassLoader driver = driverLoader()) {
            TuskJar.JobJarClassLoader first = driver.forNextJob(List.of());
            Class<?> stateless = Class.forName(Stateless.class.getName(), false, first);
            assertThat(stateless.getClassLoader()).isSameAs(first);
            first.jobEnded(true);

            TuskJar.JobJarClassLoader second = driver.forNextJob(List.of());
            assertThat(second).isSameAs(first);
            assertThat(Class.forName(Stateless.class.getName(), false, second)).isSameAs(stateless);
            // two jobs at once never share one
            assertThat(driver.forNextJob(List.of())).isNotSameAs(second);
            second.jobEnded(true);
        }
    }

    @Test
    void aJobWhoseClassesCanHoldStateLeavesTheNextJobFreshClasses()
            throws Exception
    {
        try (TuskJar.JobJarClassLoader driver = driverLoader()) {
            TuskJar.JobJarClassLoader first = driver.forNextJob(List.of());
            Class.forName(Stateless.class.getName(), false, first);
            Class<?> counting = Class.forName(CountsInAStaticField.class.getName(), false, first);
            first.jobEnded(true);

            TuskJar.JobJarClassLoader second = driver.forNextJob(List.of());
            assertThat(second).isNotSameAs(first);
            assertThat(Class.forName(CountsInAStaticField.class.getName(), false, second)).isNotSameAs(counting);
            second.jobEnded(true);
        }
    }

    @Test
    void aFailedJobOrOtherLibrariesLeaveTheNextJobFreshClasses()
            throws Exception
    {
        try (TuskJar.JobJarClassLoader driver = driverLoader()) {
            TuskJar.JobJarClassLoader failed = driver.forNextJob(List.of());
            Class.forName(Stateless.class.getName(), false, failed);
            failed.jobEnded(false);
            TuskJar.JobJarClassLoader next = driver.forNextJob(List.of());
            assertThat(next).isNotSameAs(failed);
            next.jobEnded(true);

            URL library = Path.of("target", "a-library.jar").toAbsolutePath().toUri().toURL();
            TuskJar.JobJarClassLoader withLibrary = driver.forNextJob(List.of(library));
            assertThat(withLibrary).isNotSameAs(next);
            assertThat(withLibrary.getURLs()).endsWith(library);
            withLibrary.jobEnded(true);
        }
    }

    /** A driver's loader over the test classes whose parent (the platform's) sees neither them nor Hadoop. */
    private static TuskJar.JobJarClassLoader driverLoader()
            throws Exception
    {
        URL testClasses = Stateless.class.getProtectionDomain().getCodeSource().getLocation();
        List<URL> urls = new java.util.ArrayList<>(List.of(testClasses));
        for (Class<?> dependency : List.of(IntWritable.class, LogManager.class)) {
            urls.add(dependency.getProtectionDomain().getCodeSource().getLocation());
        }
        return new TuskJar.JobJarClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
    }
}
