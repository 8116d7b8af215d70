package io.tusk.yarn.client;

import io.tusk.engine.Tusk;
import io.tusk.yarn.YarnSettings;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapreduce.MRJobConfig;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.util.Map;

/**
 * The YARN application in which this process's MapReduce jobs run when {@value YarnSettings#SESSION}
 * is set: made when the first job is submitted, with that job's configuration (queue, executors'
 * size, {@code tusk.*} settings), and ended {@code SUCCEEDED} when the process exits. This process
 * is its master, as for the dataset API ({@link DriverApplication}): jobs run here, their tasks on
 * executors that stay between jobs, so a job after the first starts on executors that are already
 * running, and reads the outputs of earlier jobs from their memory. Thread-safe.
 */
public final class MapReduceSession
{
    private static final Logger LOG = LogManager.getLogger(MapReduceSession.class);
    private static Tusk session;

    private MapReduceSession() {}

    /**
     * The session: the program's own YARN context if it has one open ({@code Tusk.yarn}: jobs and
     * datasets then share its executors and kept outputs), else this process's session, started now
     * (as a YARN application) if it has none.
     */
    static synchronized Tusk get(Configuration job)
    {
        if (session != null && session.failure().isPresent()) {
            // killed through YARN, for one: as each MapReduce job would, the next job gets an application of its own making
            LOG.warn("The session's YARN application can run no more jobs ({}); a new one starts", session.failure().get());
            session.close();
            session = null;
        }
        java.util.Optional<Tusk> program = program();
        if (program.isPresent()) {
            return program.get();
        }
        if (session == null || session.isClosed()) {
            Configuration conf = applicationConf(job);
            if (conf.get(YarnSettings.APP_NAME) == null) {
                conf.set(YarnSettings.APP_NAME, "Tusk MapReduce session: " + job.get(MRJobConfig.JOB_NAME, "jobs of " + System.getProperty("user.name")));
            }
            conf.setBoolean(YarnSettings.EXIT_SUCCEEDS, true);
            session = Tusk.yarn(conf);
            LOG.info("This process's MapReduce jobs run in one YARN application, on executors that stay between jobs ({}=true)", YarnSettings.SESSION);
        }
        return session;
    }

    /**
     * A session's settings from its first job's: a copy without the job's own, since executors start
     * every Configuration from them.
     */
    static Configuration applicationConf(Configuration job)
    {
        Configuration conf = new Configuration(job);
        for (Map.Entry<String, String> entry : job) {
            if (ownedByTheJob(entry.getKey())) {
                conf.unset(entry.getKey());
            }
        }
        return conf;
    }

    /** Settings of a job's own (its input, output, classes, files, size), which the session does not take from its first job. */
    private static final String[] JOB_PREFIXES = {"mapreduce.input.", "mapreduce.output.", "mapred.input.", "mapred.output.", "mapred.mapper.",
            "mapred.reducer.", "mapred.combiner.", "mapred.mapoutput.", "mapreduce.map.output.", "stream.", "tmp"};
    /** Settings under {@code mapreduce.job.} that are the application's: where and how it runs. */
    private static final java.util.Set<String> APPLICATION_KEYS = java.util.Set.of(MRJobConfig.QUEUE_NAME, MRJobConfig.JOB_TAGS, MRJobConfig.PRIORITY);

    private static boolean ownedByTheJob(String key)
    {
        if (key.startsWith("mapreduce.job.")) {
            return !APPLICATION_KEYS.contains(key);
        }
        for (String prefix : JOB_PREFIXES) {
            if (key.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** The program's own open YARN context (the dataset API's), if it has one: not this process's session. */
    static synchronized java.util.Optional<Tusk> program()
    {
        return Tusk.openOnYarn().filter(open -> open != session);
    }

    /** Why this process's session can run no more jobs (its application was killed through YARN, for one), if it has one that cannot. */
    public static synchronized java.util.Optional<String> failure()
    {
        return session == null ? java.util.Optional.empty() : session.failure();
    }

    /**
     * Ends this process's session now, if it has one: its executors stop and its application ends
     * {@code SUCCEEDED}; a job submitted later starts a new one. Without it the session ends when
     * the process exits.
     */
    public static synchronized void end()
    {
        if (session != null) {
            session.close();
            session = null;
        }
    }
}
