package io.tusk.io.history;

import io.tusk.engine.TuskConfig;
import io.tusk.engine.status.JobLogProvider;
import io.tusk.io.HadoopConfigurations;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.UserGroupInformation;

import java.io.IOException;
import java.util.Optional;

/**
 * Tusk's event logs as Avro files in {@code tusk.history.dir}: by default where Hadoop's MapReduce
 * jobs leave their {@code .jhist} files, {@code mapreduce.jobhistory.intermediate-done-dir}/user
 * ({@code /tmp/hadoop-yarn/staging/history/done_intermediate/<user>} of the default file system
 * unless a site file says otherwise).
 */
public final class AvroJobLogProvider
        implements JobLogProvider
{
    /** Setting: the directory of Tusk's event logs. */
    public static final String DIRECTORY = "tusk.history.dir";

    /** Where Snappy (which Avro's codecs load) unpacks its native library; by default the temporary directory, where a killed process leaves it. */
    private static final String SNAPPY_TEMPORARY_DIRECTORY = "org.xerial.snappy.tempdir";

    @Override
    public Optional<JobLog> open(TuskConfig config, java.nio.file.Path scratch)
    {
        synchronized (AvroJobLogProvider.class) {
            if (System.getProperty(SNAPPY_TEMPORARY_DIRECTORY) == null) {
                try {
                    System.setProperty(SNAPPY_TEMPORARY_DIRECTORY, java.nio.file.Files.createDirectories(scratch).toString());
                }
                catch (java.io.IOException e) {
                    // Snappy unpacks into the temporary directory then, as without Tusk
                }
            }
        }
        Configuration conf = HadoopConfigurations.from(config.properties());
        return Optional.of(new AvroJobLog(directory(conf, config.properties().get(DIRECTORY)), conf));
    }

    /** {@code configured}, else Hadoop's intermediate done directory of the current user. */
    public static Path directory(Configuration conf, String configured)
    {
        if (configured != null && !configured.isBlank()) {
            return new Path(configured.trim());
        }
        String user;
        try {
            user = UserGroupInformation.getCurrentUser().getShortUserName();
        }
        catch (IOException e) {
            user = System.getProperty("user.name");
        }
        return intermediateDoneDirectory(conf, user);
    }

    /**
     * Where Hadoop's MapReduce application master leaves {@code user}'s job histories:
     * {@code mapreduce.jobhistory.intermediate-done-dir}/user, by default under the staging directory.
     */
    public static Path intermediateDoneDirectory(Configuration conf, String user)
    {
        String staging = conf.get("yarn.app.mapreduce.am.staging-dir", "/tmp/hadoop-yarn/staging");
        String intermediate = conf.get("mapreduce.jobhistory.intermediate-done-dir", staging + "/history/done_intermediate");
        return new Path(new Path(intermediate), user);
    }
}
