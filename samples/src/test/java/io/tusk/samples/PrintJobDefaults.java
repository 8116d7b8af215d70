package io.tusk.samples;

import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.yarn.conf.YarnConfiguration;

/** Writes a job's whole configuration (core, MapReduce and YARN defaults and site files) as Hadoop's XML, for {@link LauncherHadoopDefaultsIT}. */
public final class PrintJobDefaults
{
    private PrintJobDefaults() {}

    public static void main(String[] args)
            throws Exception
    {
        new YarnConfiguration(new JobConf()).writeXml(System.out);
    }
}
