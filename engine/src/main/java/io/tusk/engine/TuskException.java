package io.tusk.engine;

import static java.util.Objects.requireNonNull;

/**
 * The one exception family of Tusk. Every error carries a {@link ErrorCode} and through it an
 * {@link ErrorType}; failures of user code are {@link ErrorType#USER} errors that keep the user's
 * exception as the cause.
 */
public class TuskException
        extends RuntimeException
{
    private final ErrorCode errorCode;

    public TuskException(ErrorCode errorCode, String message)
    {
        this(errorCode, message, null);
    }

    public TuskException(ErrorCode errorCode, String message, Throwable cause)
    {
        super(message, cause);
        this.errorCode = requireNonNull(errorCode, "errorCode is null");
    }

    public ErrorCode errorCode()
    {
        return errorCode;
    }

    public ErrorType errorType()
    {
        return errorCode.type();
    }

    public static TuskException invalidArgument(String format, Object... args)
    {
        return new TuskException(ErrorCode.INVALID_ARGUMENT, String.format(format, args));
    }

    /** As {@link #checkArgument(boolean, String, Object...)} without arguments: no array for them on every call. */
    public static void checkArgument(boolean condition, String format)
    {
        if (!condition) {
            throw invalidArgument(format);
        }
    }

    public static void checkArgument(boolean condition, String format, Object... args)
    {
        if (!condition) {
            throw invalidArgument(format, args);
        }
    }

    /** As {@link #checkState(boolean, String, Object...)} without arguments: no array for them on every call. */
    public static void checkState(boolean condition, String format)
    {
        if (!condition) {
            throw new TuskException(ErrorCode.INTERNAL_ERROR, String.format(format));
        }
    }

    public static void checkState(boolean condition, String format, Object... args)
    {
        if (!condition) {
            throw new TuskException(ErrorCode.INTERNAL_ERROR, String.format(format, args));
        }
    }
}
