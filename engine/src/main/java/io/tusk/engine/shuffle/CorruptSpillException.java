package io.tusk.engine.shuffle;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A spill file on local disk is not what was written (a flipped bit, a truncated or overwritten
 * file): its records are not handed on. Where the file is a map's output, the map runs again.
 */
public final class CorruptSpillException
        extends IOException
{
    private final Path file;

    public CorruptSpillException(Path file, long offset, String what)
    {
        super("Spill file " + file + " is corrupt at byte " + offset + ": " + what + "; its records are not used (a disk or memory fault, or the file was changed)");
        this.file = file;
    }

    public Path file()
    {
        return file;
    }
}
