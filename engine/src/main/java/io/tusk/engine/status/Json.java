package io.tusk.engine.status;

import java.util.Map;

/**
 * Writes JSON, for the status API: objects and arrays opened and closed in order, commas placed
 * by the writer. Not thread-safe.
 */
public final class Json
{
    private final StringBuilder out = new StringBuilder(256);
    /** Whether the current object or array has a member yet, one bit per nesting level. */
    private long members;
    private int depth;

    public Json beginObject()
    {
        value();
        out.append('{');
        push();
        return this;
    }

    public Json endObject()
    {
        depth--;
        out.append('}');
        return this;
    }

    public Json beginArray()
    {
        value();
        out.append('[');
        push();
        return this;
    }

    public Json endArray()
    {
        depth--;
        out.append(']');
        return this;
    }

    /** The name of the next member of the current object. */
    public Json name(String name)
    {
        separate();
        string(name);
        out.append(':');
        return this;
    }

    public Json value(String value)
    {
        value();
        if (value == null) {
            out.append("null");
        }
        else {
            string(value);
        }
        return this;
    }

    public Json value(long value)
    {
        value();
        out.append(value);
        return this;
    }

    public Json value(double value)
    {
        value();
        if (Double.isFinite(value)) {
            out.append(value);
        }
        else {
            out.append("null");
        }
        return this;
    }

    public Json value(boolean value)
    {
        value();
        out.append(value);
        return this;
    }

    public Json field(String name, String value)
    {
        return name(name).value(value);
    }

    public Json field(String name, long value)
    {
        return name(name).value(value);
    }

    public Json field(String name, boolean value)
    {
        return name(name).value(value);
    }

    /** A member whose value is a time in milliseconds, or null when it is 0 (not yet). */
    public Json time(String name, long millis)
    {
        name(name);
        if (millis == 0) {
            value();
            out.append("null");
            return this;
        }
        return value(millis);
    }

    /** An object of string members. */
    public Json strings(String name, Map<String, String> values)
    {
        name(name).beginObject();
        values.forEach(this::field);
        return endObject();
    }

    private void push()
    {
        depth++;
        members &= ~(1L << depth);
    }

    /** Before a member name, or before a value in an array. */
    private void separate()
    {
        if ((members & (1L << depth)) != 0) {
            out.append(',');
        }
        members |= 1L << depth;
    }

    /** Before any value: separated in an array, right after its name in an object. */
    private void value()
    {
        int length = out.length();
        if (length > 0 && out.charAt(length - 1) == ':') {
            return;
        }
        separate();
    }

    private void string(String text)
    {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char character = text.charAt(i);
            switch (character) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (character < 0x20 || character == '\u2028' || character == '\u2029') {
                        out.append(String.format("\\u%04x", (int) character));
                    }
                    else {
                        out.append(character);
                    }
                }
            }
        }
        out.append('"');
    }

    @Override
    public String toString()
    {
        return out.toString();
    }
}
