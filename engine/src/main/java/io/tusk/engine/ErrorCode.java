package io.tusk.engine;

import static java.util.Objects.requireNonNull;

/** Error codes of {@link TuskException}; the code is stable, the message is for people. */
public enum ErrorCode
{
    INVALID_ARGUMENT(1, ErrorType.USER),
    USER_TASK_FAILED(2, ErrorType.USER),
    NOT_SERIALIZABLE(3, ErrorType.USER),
    EMPTY_DATASET(4, ErrorType.USER),
    OUTPUT_EXISTS(5, ErrorType.USER),
    CONTEXT_CLOSED(6, ErrorType.USER),
    JOB_CANCELLED(7, ErrorType.USER),
    /** An attempt reported no progress for longer than its task's timeout; it runs again. */
    TASK_TIMED_OUT(8, ErrorType.USER),
    /** A reducer could not read a map's output; the map runs again. */
    FETCH_FAILED(302, ErrorType.EXTERNAL),
    /** The executor running an attempt was lost; the attempt runs again elsewhere. */
    EXECUTOR_LOST(303, ErrorType.EXTERNAL),
    CLUSTER_UNAVAILABLE(304, ErrorType.EXTERNAL),
    INTERNAL_ERROR(100, ErrorType.INTERNAL),
    EXCEEDED_MEMORY(200, ErrorType.INSUFFICIENT_RESOURCES),
    IO_ERROR(300, ErrorType.EXTERNAL),
    MISSING_PROVIDER(301, ErrorType.EXTERNAL);

    private final int code;
    private final ErrorType type;

    ErrorCode(int code, ErrorType type)
    {
        this.code = code;
        this.type = requireNonNull(type, "type is null");
    }

    public int code()
    {
        return code;
    }

    public ErrorType type()
    {
        return type;
    }
}
