package io.tusk.yarn;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.TaskReport;
import org.apache.hadoop.mapreduce.TaskType;

import java.io.File;

/**
 * A driver that submits a slow word count in a session and exits while its maps run, as a driver
 * killed or ending without waiting does:
 * {@code SessionExitDriver <configuration file> <input> <output> <directory of the test job jar>}.
 * Exits with 3 once a map runs.
 */
public final class SessionExitDriver
{
    private SessionExitDriver() {}

    public static void main(String[] args)
            throws Exception
    {
        Configuration conf = new Configuration();
        conf.addResource(new File(args[0]).toURI().toURL());
        Job job = TestJobs.wordCount(conf, args[1], args[2]);
        job.setJar(TestJobs.jar(new File(args[3])).getAbsolutePath());
        job.setMapperClass(TestJobs.SlowTokenizer.class);
        job.setCombinerClass(TestJobs.IntSumReducer.class);
        job.setReducerClass(TestJobs.IntSumReducer.class);
        job.submit();
        while (true) {
            for (TaskReport report : job.getTaskReports(TaskType.MAP)) {
                if (report.getCurrentStatus() == org.apache.hadoop.mapred.TIPStatus.RUNNING) {
                    System.out.println("a map runs: exiting");
                    System.exit(3);
                }
            }
            if (job.isComplete()) {
                System.out.println("the job ended before the driver exited: " + job.getStatus().getState());
                System.exit(1);
            }
            Thread.sleep(100);
        }
    }
}
