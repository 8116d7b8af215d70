package io.tusk.engine.scheduler;

/** How close an attempt ran to the data it reads, best first. */
public enum Locality
{
    /** On a host that holds the task's data. */
    NODE_LOCAL,
    /** On another host of a rack that holds the task's data. */
    RACK_LOCAL,
    /** Anywhere else. */
    OFF_RACK,
    /** The task prefers no host, or the backend does not place tasks by host (local mode). */
    NO_PREFERENCE
}
