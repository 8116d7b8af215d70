package io.tusk.engine;

/** Who is responsible for an error, which decides what the user should do about it. */
public enum ErrorType
{
    /** The user's code, data or arguments are wrong; retrying the same thing will fail again. */
    USER,
    /** A bug in Tusk. */
    INTERNAL,
    /** The job needs more memory, disk or slots than it was given. */
    INSUFFICIENT_RESOURCES,
    /** A system outside Tusk failed: a file system, the network, a child process. */
    EXTERNAL,
}
