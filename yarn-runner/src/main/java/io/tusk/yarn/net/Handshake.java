package io.tusk.yarn.net;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * Proves that the side that connects holds the application's secret: the accepting side sends a
 * fresh random challenge, the connecting side answers with its HMAC under the secret, and the
 * accepting side closes the connection unless the answer is right. Nothing else is read from a
 * connection before that.
 */
public final class Handshake
{
    private static final int CHALLENGE_BYTES = 32;
    private static final int ACCEPTED = 0x54534b01;
    private static final int HANDSHAKE_TIMEOUT_MILLIS = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Handshake() {}

    /** Run by the side that accepted {@code socket}; throws (and the caller closes it) if the peer does not hold the secret. */
    public static void accept(Socket socket, AppSecret secret, DataInputStream in, DataOutputStream out)
            throws IOException
    {
        int timeout = socket.getSoTimeout();
        socket.setSoTimeout(HANDSHAKE_TIMEOUT_MILLIS);
        byte[] challenge = new byte[CHALLENGE_BYTES];
        RANDOM.nextBytes(challenge);
        out.write(challenge);
        out.flush();
        byte[] answer = new byte[32];
        in.readFully(answer);
        if (!MessageDigest.isEqual(answer, secret.sign(challenge))) {
            throw new IOException("Refused a connection from " + socket.getRemoteSocketAddress() + ": it does not hold this application's secret");
        }
        out.writeInt(ACCEPTED);
        out.flush();
        socket.setSoTimeout(timeout);
    }

    /** Run by the side that connected. */
    public static void connect(Socket socket, AppSecret secret, DataInputStream in, DataOutputStream out)
            throws IOException
    {
        int timeout = socket.getSoTimeout();
        socket.setSoTimeout(HANDSHAKE_TIMEOUT_MILLIS);
        byte[] challenge = new byte[CHALLENGE_BYTES];
        in.readFully(challenge);
        out.write(secret.sign(challenge));
        out.flush();
        if (in.readInt() != ACCEPTED) {
            throw new IOException("The peer at " + socket.getRemoteSocketAddress() + " did not accept this application's secret");
        }
        socket.setSoTimeout(timeout);
    }
}
