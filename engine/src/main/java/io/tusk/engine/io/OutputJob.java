package io.tusk.engine.io;

import io.tusk.engine.task.TaskContext;

import java.io.IOException;

/**
 * The commit protocol of one write: the driver sets the job up, each task attempt writes into
 * private files and commits them, and the driver commits the job (making all output visible at
 * once) or aborts it (leaving nothing behind). Travels to tasks through the serde.
 */
public interface OutputJob
{
    /** On the driver, before any task. Fails if the output already exists. */
    void setupJob()
            throws IOException;

    /** On a task: a writer for the output of the attempt {@code context} runs. */
    TaskOutput openTask(TaskContext context)
            throws IOException;

    /** On the driver, after every task committed. */
    void commitJob()
            throws IOException;

    /** On the driver, after a failure: removes everything the job wrote. */
    void abortJob()
            throws IOException;

    /** A description for plans and errors, such as the output path. */
    String describe();

    /**
     * Called on the driver after {@link #setupJob()}, before any task: arranges for the files this
     * write commits to be kept in {@code store} for the jobs that read them next, where the output
     * supports it. {@link Kept#keep()} after {@link #commitJob()} keeps them; {@link Kept#close()}
     * when the write has ended releases what was not kept. Tasks that run in other processes
     * (executors) keep what they commit there under {@link Kept#key()}, when the driver tells them
     * to ({@code Backend.endWrite}). The default keeps nothing.
     */
    default Kept keepInMemory(io.tusk.engine.storage.BlockStore store)
    {
        return Kept.NOTHING;
    }

    /** What {@link #keepInMemory} arranged. */
    interface Kept
            extends AutoCloseable
    {
        Kept NOTHING = new Kept()
        {
            @Override
            public void keep() {}

            @Override
            public void close() {}
        };

        /** The key under which executors hold what this write's attempts committed there, or null if nothing is kept. */
        default String key()
        {
            return null;
        }

        /** After job commit: keeps the committed files' captured bytes. */
        void keep();

        @Override
        void close();
    }

    /** One attempt's output. Confined to the task's thread. */
    interface TaskOutput
    {
        void write(Object record)
                throws IOException;

        /** Makes this attempt's output the task's output. */
        void commit()
                throws IOException;

        /** Discards this attempt's output. */
        void abort();
    }
}
