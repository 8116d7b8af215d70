package io.tusk.mr.job;

import org.apache.hadoop.security.UserGroupInformation;

import java.io.IOException;
import java.security.PrivilegedExceptionAction;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The user who submitted each job running in this process. Tasks run on the engine's shared
 * threads, which belong to whoever started them: each task runs as its job's submitter, as it would
 * in a task JVM of its own, so that its files are written with the submitter's identity and
 * permissions (two users' jobs in one process never act as each other).
 */
final class JobUsers
{
    private static final Map<String, UserGroupInformation> USERS = new ConcurrentHashMap<>();

    private JobUsers() {}

    /** Remembers the current user as the submitter of {@code jobId}. */
    static void register(String jobId)
            throws IOException
    {
        USERS.put(jobId, UserGroupInformation.getCurrentUser());
    }

    static void remove(String jobId)
    {
        USERS.remove(jobId);
    }

    /** Runs {@code task} of {@code jobId} as the job's submitter (as it is when this process did not see the submission). */
    static <T> T runAs(String jobId, Callable<T> task)
            throws Exception
    {
        UserGroupInformation submitter = USERS.get(jobId);
        if (submitter == null || submitter.equals(UserGroupInformation.getCurrentUser())) {
            return task.call();
        }
        try {
            return submitter.doAs((PrivilegedExceptionAction<T>) task::call);
        }
        catch (java.lang.reflect.UndeclaredThrowableException e) {
            // the task's own exception, as it would be without the change of user
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }
}
