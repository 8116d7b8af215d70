package io.tusk.engine.shuffle;

import java.nio.file.Files;
import java.nio.file.Path;

/** A process that holds a spill directory with a file in it until it is killed; for {@link SpillDirectoryTest}. */
public final class SpillDirectoryHolder
{
    private SpillDirectoryHolder() {}

    public static void main(String[] args)
            throws Exception
    {
        SpillDirectory directory = new SpillDirectory(Path.of(args[0]));
        Files.writeString(directory.newFile("spill"), "a spill");
        System.out.println("holding " + directory.root());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
