package io.tusk.engine.shuffle;

import io.tusk.engine.ErrorCode;
import io.tusk.engine.TuskException;

import static java.util.Objects.requireNonNull;

/**
 * A reducer could not read the output of one map: its executor is gone, did not answer, or sent
 * data that failed its checksum. Not the reducer's fault: the scheduler runs the map again and then
 * the reducer, without counting the attempt against the reducer's limit.
 */
public final class FetchFailedException
        extends TuskException
{
    private final int shuffleId;
    private final int mapIndex;
    private final String location;
    private final boolean executorUnreachable;

    public FetchFailedException(int shuffleId, int mapIndex, String location, String message, Throwable cause)
    {
        this(shuffleId, mapIndex, location, false, message, cause);
    }

    /** @param executorUnreachable the executor did not answer at all: none of its outputs can be read */
    public FetchFailedException(int shuffleId, int mapIndex, String location, boolean executorUnreachable, String message, Throwable cause)
    {
        super(ErrorCode.FETCH_FAILED, "Cannot fetch the output of map " + mapIndex + " of shuffle " + shuffleId + " from " + location + ": " + message, cause);
        this.shuffleId = shuffleId;
        this.mapIndex = mapIndex;
        this.location = requireNonNull(location, "location is null");
        this.executorUnreachable = executorUnreachable;
    }

    public boolean executorUnreachable()
    {
        return executorUnreachable;
    }

    public int shuffleId()
    {
        return shuffleId;
    }

    public int mapIndex()
    {
        return mapIndex;
    }

    /** The executor that held the output. */
    public String location()
    {
        return location;
    }
}
