package io.tusk.yarn.net;

import org.apache.hadoop.io.Text;
import org.apache.hadoop.security.Credentials;
import org.apache.hadoop.security.UserGroupInformation;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

import static java.util.Objects.requireNonNull;

/**
 * The secret of one application: made by the client, handed to the master and the executors in
 * their container credentials (never on a command line or in the environment), and proven by every
 * connection to the master's control channel and to an executor's shuffle server.
 */
public final class AppSecret
{
    /** The alias of the secret among a container's credentials. */
    public static final Text ALIAS = new Text(io.tusk.mr.job.JobCredentials.TUSK_SECRET_ALIAS);
    private static final int BYTES = 32;

    private final byte[] key;

    private AppSecret(byte[] key)
    {
        this.key = requireNonNull(key, "key is null").clone();
    }

    public static AppSecret generate()
    {
        byte[] key = new byte[BYTES];
        new SecureRandom().nextBytes(key);
        return new AppSecret(key);
    }

    /** The secret in this container's credentials; fails if the container was not given one. */
    public static AppSecret fromCurrentUser()
            throws IOException
    {
        byte[] key = UserGroupInformation.getCurrentUser().getCredentials().getSecretKey(ALIAS);
        if (key == null) {
            throw new IOException("This container's credentials hold no " + ALIAS + "; it must be started by Tusk's application master");
        }
        return new AppSecret(key);
    }

    public void addTo(Credentials credentials)
    {
        credentials.addSecretKey(ALIAS, key.clone());
    }

    /**
     * The credentials of executors: the master's tokens and secret keys (the job's file system
     * tokens), not its own YARN token, and this secret.
     */
    public Credentials executorCredentials(Credentials master)
    {
        Credentials credentials = io.tusk.mr.job.JobCredentials.of(master);
        addTo(credentials);
        return credentials;
    }

    /** The HMAC-SHA256 of {@code challenge} under this secret. */
    byte[] sign(byte[] challenge)
    {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(challenge);
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
