package io.tusk.yarn;

import org.apache.hadoop.yarn.api.ApplicationConstants;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The command line of a Tusk JVM in a container: heap sized from the container, options, class path, logs into the container's log directory. */
public final class JavaCommand
{
    private static final Pattern HEAP = Pattern.compile("(^|\\s)-Xmx\\S+");
    /** Log configuration in Tusk's jar for its containers. */
    public static final String LOG_CONFIG = "tusk-container-log4j2.xml";

    private JavaCommand() {}

    /**
     * @param containerMb the container's memory; the heap is 80% of it unless {@code options} sets -Xmx
     */
    public static List<String> of(int containerMb, String options, String classpath, String mainClass, String... args)
    {
        List<String> command = new ArrayList<>();
        command.add(ApplicationConstants.Environment.JAVA_HOME.$$() + "/bin/java");
        String opts = options == null ? "" : options.trim();
        if (!HEAP.matcher(opts).find()) {
            command.add("-Xmx" + Math.max(64, containerMb * 4 / 5) + "m");
        }
        command.add("-XX:+UseParallelGC");
        command.add("-Djava.io.tmpdir=" + ApplicationConstants.Environment.PWD.$$() + "/tmp");
        command.add("-Dlog4j2.configurationFile=" + LOG_CONFIG);
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
