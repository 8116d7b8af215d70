package io.tusk.yarn;

/**
 * Names of Tusk's YARN settings and of what the client tells the containers it starts. Every
 * setting can go in the job's configuration ({@code -D}) or the cluster's site files.
 */
public final class YarnSettings
{
    /** Framework name that runs jobs on YARN: {@code mapreduce.framework.name=tusk-yarn}. */
    public static final String FRAMEWORK_NAME = "tusk-yarn";

    /** Vcores of one executor, which is how many tasks it runs at once (default 2). */
    public static final String EXECUTOR_CORES = "tusk.executor.cores";
    /** Memory of one executor's container in MB (default: the larger of the map and reduce task memory, times its cores). */
    public static final String EXECUTOR_MEMORY_MB = "tusk.executor.memory.mb";
    /** Extra JVM options of executors (besides the map tasks' java opts). */
    public static final String EXECUTOR_JAVA_OPTS = "tusk.executor.java.opts";
    /** At most this many executors at once (default 64). */
    public static final String MAX_EXECUTORS = "tusk.executor.max";
    /**
     * How many executor containers may fail (crash, fail to start, outgrow their memory) before the
     * application fails (default 8); preempted containers and those of lost nodes do not count.
     */
    public static final String MAX_EXECUTOR_FAILURES = "tusk.executor.maxfailures";
    /** How long an executor with nothing to do is kept before it is given back to YARN, in ms (default 60000). */
    public static final String EXECUTOR_IDLE_TIMEOUT = "tusk.executor.idle.timeout";
    /** How long a task waits for a slot on a host that holds its data before it takes one on the same rack, then anywhere, in ms (default 3000). */
    public static final String LOCALITY_WAIT = "tusk.locality.wait";
    /**
     * How long tasks whose data is on a node wait for an executor that is starting there before they
     * run elsewhere, in ms (default 30000). A node's first executor of a build of Tusk waits for
     * YARN to copy Tusk's jars there; raise it where that takes longer.
     */
    public static final String EXECUTOR_START_WAIT = "tusk.executor.start.wait";
    /** How long a request for an executor on a node that holds a task's data waits for that node before it is asked for anywhere, in ms (default 5000). */
    public static final String NODE_WAIT = "tusk.yarn.node.wait";
    /** Directory on the cluster's file system where Tusk's jars are kept, one copy per content (default /user/&lt;user&gt;/.tusk/jars). */
    public static final String JARS_DIR = "tusk.yarn.jars.dir";
    /**
     * Whether containers start their JVMs from class-data archives that the first container of each
     * role writes on each node (default true; see {@code tusk-java.sh}).
     */
    public static final String CLASS_DATA = "tusk.yarn.class.data";
    /** Extra JVM options of the application master. */
    public static final String AM_JAVA_OPTS = "tusk.am.java.opts";
    /** How many executors one reducer fetches from at once (default 8). */
    public static final String FETCH_THREADS = "tusk.shuffle.fetch.threads";

    /** Dataset API: the address executors reach the driver at (default: this machine's host name). */
    public static final String DRIVER_HOST = "tusk.driver.host";
    /** Dataset API: the name of the context's YARN application (default "Tusk"). */
    public static final String APP_NAME = "tusk.app.name";
    /** Dataset API: where the context's application keeps its files while it runs (default /user/&lt;user&gt;/.tusk/staging). */
    public static final String STAGING_DIR = "tusk.yarn.staging.dir";
    /** How long the client waits for YARN to accept and start an application, in ms (default 120000). */
    public static final String LAUNCH_TIMEOUT = "tusk.yarn.launch.timeout";

    /**
     * MapReduce: the jobs this process submits run in one YARN application whose master is this
     * process, on executors that outlive each job, and each job's output stays in their memory for
     * the jobs that read it next (default false: each job is an application of its own).
     */
    public static final String SESSION = "tusk.yarn.session";
    /**
     * MapReduce: the name of a session shared by processes. The jobs of every process of the user
     * that names it run in one YARN application with a master of its own, started by the first job
     * (named {@code Tusk session <name>}, tagged {@code tusk-session:<name>}), on executors that stay
     * between jobs and keep each job's output in memory for the jobs that read it next, whichever
     * process submits them: the steps of a workflow, each a {@code hadoop jar} of its own, share them.
     * Takes the place of {@link #SESSION}.
     */
    public static final String SESSION_NAME = "tusk.yarn.session.name";
    /**
     * The session a client's jobs go to: {@link #SESSION_NAME} of its configuration, else of the
     * process's system properties (under the launcher, {@code TUSK_OPTS=-Dtusk.yarn.session.name=…}
     * names it for every step of a workflow); empty for none.
     */
    public static String sessionName(org.apache.hadoop.conf.Configuration conf)
    {
        String named = conf.getTrimmed(SESSION_NAME, "");
        return named.isEmpty() ? System.getProperty(SESSION_NAME, "").trim() : named;
    }

    /** How long a named session's application waits for another job once none runs before it ends SUCCEEDED, in ms (default 600000). */
    public static final String SESSION_IDLE_TIMEOUT = "tusk.yarn.session.idle.timeout";
    /** Set by a session on its application's configuration: the driver's exit ends the application SUCCEEDED. */
    public static final String EXIT_SUCCEEDS = "tusk.yarn.session.exit.succeeds";

    /** Environment of containers: the job whose tasks an executor runs. */
    public static final String ENV_JOB_ID = "TUSK_JOB_ID";
    /** Environment of containers: the master's control address, host:port. */
    public static final String ENV_MASTER_ADDRESS = "TUSK_MASTER_ADDRESS";
    /** Environment of a named session's master: the session's name. */
    public static final String ENV_SESSION = "TUSK_SESSION";
    /** Environment of the master: the job's submit directory (a named session's: the session's staging directory). */
    public static final String ENV_SUBMIT_DIR = "TUSK_SUBMIT_DIR";
    /** Environment of containers: the class path entries in the container's directory, in order. */
    public static final String ENV_JOB_CLASSPATH = "TUSK_JOB_CLASSPATH";

    /** Name of the job's configuration among a container's local resources. */
    public static final String JOB_CONF = "job.xml";
    /** Name of the script that starts a container's JVM from a class-data archive, among a container's local resources. */
    public static final String JAVA_LAUNCHER = "tusk-java.sh";
    /** Folder of Tusk's jars among a container's local resources. */
    public static final String LIB_DIR = "tusk-lib";

    private YarnSettings() {}
}
