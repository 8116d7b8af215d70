package io.tusk.mr.job;

import org.apache.hadoop.io.Text;
import org.apache.hadoop.security.Credentials;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.security.token.Token;

/**
 * A job's own credentials, as its tasks see them: the tokens and secret keys it was submitted with,
 * never a YARN master's token nor Tusk's application secret (a client that runs in a YARN container
 * has them in its user's credentials, which Hadoop's {@code Job} merges into the job's).
 */
public final class JobCredentials
{
    /** The alias of Tusk's application secret in YARN containers' credentials. */
    public static final String TUSK_SECRET_ALIAS = "tusk.application.secret";
    private static final Text AM_RM_TOKEN_KIND = new Text("YARN_AM_RM_TOKEN");

    private JobCredentials() {}

    /** A new object with the tokens and secret keys of {@code sources} (later ones win) but a master's token and Tusk's secret. */
    public static Credentials of(Credentials... sources)
    {
        Credentials credentials = new Credentials();
        Text secret = new Text(TUSK_SECRET_ALIAS);
        for (Credentials source : sources) {
            if (source == null) {
                continue;
            }
            for (Text alias : source.getTokenMap().keySet()) {
                Token<?> token = source.getToken(alias);
                if (!AM_RM_TOKEN_KIND.equals(token.getKind())) {
                    credentials.addToken(alias, token);
                }
            }
            for (Text alias : source.getAllSecretKeys()) {
                if (!alias.equals(secret)) {
                    credentials.addSecretKey(alias, source.getSecretKey(alias));
                }
            }
        }
        return credentials;
    }

    /**
     * Gives {@code user} (a process that runs the tasks of many jobs) the tokens of {@code job} for
     * services it has none for: never the job's secret keys (other jobs' tasks run as the same
     * user), and never in place of a token the process had first (renewed for its application).
     */
    public static void addNewTokens(UserGroupInformation user, Credentials job)
    {
        Credentials had = user.getCredentials();
        for (Text alias : job.getTokenMap().keySet()) {
            if (had.getToken(alias) == null) {
                user.addToken(alias, job.getToken(alias));
            }
        }
    }
}
