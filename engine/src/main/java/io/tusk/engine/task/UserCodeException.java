package io.tusk.engine.task;

import static java.util.Objects.requireNonNull;

/**
 * Carries an exception thrown by user code through the engine's iterators, which cannot throw
 * checked exceptions. The task runner unwraps it and reports the user's exception.
 */
public final class UserCodeException
        extends RuntimeException
{
    public UserCodeException(Throwable cause)
    {
        super(requireNonNull(cause, "cause is null").toString(), cause, false, false);
    }

    /** Rethrows unchecked exceptions as they are and wraps checked ones. */
    public static RuntimeException wrap(Throwable throwable)
    {
        if (throwable instanceof RuntimeException runtime) {
            return runtime;
        }
        if (throwable instanceof Error error) {
            throw error;
        }
        return new UserCodeException(throwable);
    }

    /** The user's exception inside any number of {@code UserCodeException}s. */
    public static Throwable unwrap(Throwable throwable)
    {
        while (throwable instanceof UserCodeException && throwable.getCause() != null) {
            throwable = throwable.getCause();
        }
        return throwable;
    }
}
