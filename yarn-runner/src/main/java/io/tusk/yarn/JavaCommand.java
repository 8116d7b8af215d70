package io.tusk.yarn;

import org.apache.hadoop.yarn.api.ApplicationConstants;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** The command line of a Tusk JVM in a container: heap sized from the container, options, class path, logs into the container's log directory. */
public final class JavaCommand
{
    private static final Pattern HEAP = Pattern.compile("(^|\\s)-Xmx\\S+");
    private static final Pattern COLLECTOR = Pattern.compile("(^|\\s)-XX:\\+Use\\w+GC(\\s|$)");
    /** Compiler settings of the job's own, which replace the role's (as in bin/tusk). */
    private static final Pattern COMPILER = Pattern.compile("(^|\\s)(-XX:Tier\\S*|-XX:-TieredCompilation|-Xint|-Xcomp|-XX:FreqInlineSize=\\S*)(\\s|$)");
    /** Log configuration in Tusk's jar for its containers. */
    public static final String LOG_CONFIG = "tusk-container-log4j2.xml";

    private JavaCommand() {}

    /** What a Tusk JVM runs, and so how its JVM is set up unless the job's options say otherwise. */
    public enum Role
    {
        /**
         * Runs tasks: the throughput collector, and the optimizing compiler as {@code bin/tusk} sets
         * it up: it compiles only code that runs long (so that it takes less of the cores from the
         * tasks), and inlines frequently called methods up to 150 bytecodes — unless the job sets a
         * compiler option of its own ({@code -XX:Tier…}, {@code -XX:FreqInlineSize=},
         * {@code -XX:-TieredCompilation}, {@code -Xint}, {@code -Xcomp}). On the benchmark's
         * cluster (bench/run-yarn, W1 and W4, alternating) this took the executors' CPU from 35 to 30
         * and 29 to 26 seconds.
         */
        EXECUTOR("-XX:+UseParallelGC",
                "-XX:Tier4InvocationThreshold=60000 -XX:Tier4CompileThreshold=80000 -XX:Tier4BackEdgeThreshold=400000 -XX:FreqInlineSize=150"),
        /**
         * Coordinates: a small heap that the serial collector serves best, and code that is mostly
         * run a few times, for which the quick compiler alone starts the master sooner.
         */
        MASTER("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

        private final String collector;
        private final String options;

        Role(String collector, String options)
        {
            this.collector = collector;
            this.options = options;
        }
    }

    /**
     * @param containerMb the container's memory; the heap is 80% of it unless {@code options} sets -Xmx
     * @param options the job's JVM options; the role's collector unless they name another
     * @param launcher the container's {@code tusk-java.sh}, which starts the JVM from a class-data
     * archive of the role on the node; null to start it as it is
     */
    public static List<String> of(Role role, int containerMb, String options, String classpath, String launcher, String mainClass, String... args)
    {
        List<String> command = new ArrayList<>();
        if (launcher != null) {
            command.add("/bin/bash");
            command.add(launcher);
            command.add(role.name().toLowerCase(Locale.ROOT));
        }
        command.add(ApplicationConstants.Environment.JAVA_HOME.$$() + "/bin/java");
        String opts = options == null ? "" : options.trim();
        if (!HEAP.matcher(opts).find()) {
            command.add("-Xmx" + Math.max(64, containerMb * 4 / 5) + "m");
        }
        if (!COLLECTOR.matcher(opts).find()) {
            // the JVM refuses two collectors: the job's choice wins
            command.add(role.collector);
        }
        if (!role.options.isEmpty() && !COMPILER.matcher(opts).find()) {
            // the role's compiler settings go together: a job that sets any compiler option of its
            // own gets none of them (as in bin/tusk); otherwise they come before the job's options
            command.add(role.options);
        }
        command.add("-Djava.io.tmpdir=" + ApplicationConstants.Environment.PWD.$$() + "/tmp");
        command.add("-Dlog4j2.configurationFile=" + LOG_CONFIG);
        // one logging context: the default selector walks the stack for every logger asked for
        command.add("-Dlog4j2.contextSelector=org.apache.logging.log4j.core.selector.BasicContextSelector");
        command.add("-Dtusk.log.dir=" + ApplicationConstants.LOG_DIR_EXPANSION_VAR);
        if (!opts.isEmpty()) {
            command.add(opts);
        }
        command.add("-cp");
        command.add("'" + classpath + "'");
        command.add(mainClass);
        for (String arg : args) {
            command.add(arg);
        }
        command.add("1>" + ApplicationConstants.LOG_DIR_EXPANSION_VAR + "/stdout");
        command.add("2>" + ApplicationConstants.LOG_DIR_EXPANSION_VAR + "/stderr");
        return List.of(String.join(" ", command));
    }
}
