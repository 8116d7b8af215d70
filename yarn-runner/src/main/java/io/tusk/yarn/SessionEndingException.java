package io.tusk.yarn;

import java.io.IOException;

/** A named session's master refuses a job because it is ending: the client takes the job to another session. */
public final class SessionEndingException
        extends IOException
{
    public SessionEndingException(String message)
    {
        super(message);
    }
}
