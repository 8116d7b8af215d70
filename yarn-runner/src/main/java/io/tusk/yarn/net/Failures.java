package io.tusk.yarn.net;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;

/**
 * Sends a task's failure from an executor to the master: the exception itself (Java serialization,
 * read with the job's classes, so the master sees the user's exception and what is attached to it),
 * and a description that stands in for it when it cannot be read there.
 */
public final class Failures
{
    /** Causes of a failure that are described; a description read with more is corrupt. */
    private static final int MAX_CAUSES = 16;
    /** Stack frames a description read may have (the JVM's deepest stacks have fewer). */
    private static final int MAX_FRAMES = 1 << 16;
    private Failures() {}

    public static void write(DataOutput out, Throwable failure)
            throws IOException
    {
        byte[] serialized;
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream objects = new ObjectOutputStream(bytes)) {
                objects.writeObject(failure);
            }
            serialized = bytes.toByteArray();
        }
        catch (IOException | RuntimeException e) {
            serialized = new byte[0];
        }
        ControlProtocol.writeBytes(out, serialized);
        writeDescription(out, failure, 0);
    }

    /** Reads a failure; {@code classes} loads the job's exception classes. */
    public static Throwable read(DataInput in, ClassLoader classes)
            throws IOException
    {
        byte[] serialized = ControlProtocol.readBytes(in);
        RemoteFailure description = readDescription(in);
        if (serialized.length > 0) {
            try (ObjectInputStream objects = new LoaderObjectInputStream(new ByteArrayInputStream(serialized), classes)) {
                return (Throwable) objects.readObject();
            }
            catch (IOException | ClassNotFoundException | RuntimeException | LinkageError e) {
                description.addSuppressed(e);
            }
        }
        return description;
    }

    private static void writeDescription(DataOutput out, Throwable failure, int depth)
            throws IOException
    {
        out.writeUTF(failure.getClass().getName());
        String message = failure.getMessage();
        out.writeBoolean(message != null);
        if (message != null) {
            ControlProtocol.writeBytes(out, message.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        StackTraceElement[] stack = failure.getStackTrace();
        out.writeInt(stack.length);
        for (StackTraceElement element : stack) {
            out.writeUTF(element.getClassName());
            out.writeUTF(element.getMethodName());
            out.writeUTF(element.getFileName() == null ? "" : element.getFileName());
            out.writeInt(element.getLineNumber());
        }
        Throwable cause = failure.getCause();
        boolean hasCause = cause != null && cause != failure && depth < MAX_CAUSES;
        out.writeBoolean(hasCause);
        if (hasCause) {
            writeDescription(out, cause, depth + 1);
        }
    }

    private static RemoteFailure readDescription(DataInput in)
            throws IOException
    {
        return readDescription(in, 0);
    }

    private static RemoteFailure readDescription(DataInput in, int depth)
            throws IOException
    {
        if (depth > MAX_CAUSES) {
            throw new IOException("a failure description has more than " + MAX_CAUSES + " causes");
        }
        String type = in.readUTF();
        String message = in.readBoolean() ? new String(ControlProtocol.readBytes(in), java.nio.charset.StandardCharsets.UTF_8) : null;
        StackTraceElement[] stack = new StackTraceElement[ControlProtocol.readCount(in, MAX_FRAMES, "stack frames")];
        for (int i = 0; i < stack.length; i++) {
            String className = in.readUTF();
            String method = in.readUTF();
            String file = in.readUTF();
            stack[i] = new StackTraceElement(className, method, file.isEmpty() ? null : file, in.readInt());
        }
        RemoteFailure cause = in.readBoolean() ? readDescription(in, depth + 1) : null;
        RemoteFailure failure = new RemoteFailure(type, message, cause);
        failure.setStackTrace(stack);
        return failure;
    }

    /** An exception from an executor whose class could not be loaded here; prints as the original did. */
    public static final class RemoteFailure
            extends RuntimeException
    {
        private final String type;

        RemoteFailure(String type, String message, Throwable cause)
        {
            super(message, cause);
            this.type = type;
        }

        /** The class name of the original exception. */
        public String type()
        {
            return type;
        }

        @Override
        public String toString()
        {
            String message = getLocalizedMessage();
            return message == null ? type : type + ": " + message;
        }
    }

    private static final class LoaderObjectInputStream
            extends ObjectInputStream
    {
        private final ClassLoader loader;

        LoaderObjectInputStream(InputStream in, ClassLoader loader)
                throws IOException
        {
            super(in);
            this.loader = loader;
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass description)
                throws IOException, ClassNotFoundException
        {
            try {
                return Class.forName(description.getName(), false, loader);
            }
            catch (ClassNotFoundException e) {
                return super.resolveClass(description);
            }
        }
    }
}
