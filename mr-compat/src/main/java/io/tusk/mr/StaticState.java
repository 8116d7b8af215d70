package io.tusk.mr;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Whether a job's classes can keep state from one job to the next in their static fields. On
 * Hadoop every task runs in a new JVM, so a job never sees what an earlier job left in a static
 * field; a class can only carry such state in a static field that is not final, or that is final
 * but holds an object that can change. A class whose static fields are all final and of types
 * whose values cannot change (primitives, strings, boxed numbers, enums, patterns, loggers) holds
 * nothing a later job could see: its loaded, compiled code can serve the next job too.
 * <p>
 * The check reads field declarations only: it never initializes a class nor reads a value.
 */
public final class StaticState
{
    /** Types by name, so that a job's logging library need not be on Tusk's own class path. */
    private static final Set<String> IMMUTABLE_TYPE_NAMES = Set.of(
            "org.apache.commons.logging.Log",
            "org.slf4j.Logger",
            "org.apache.log4j.Logger",
            "org.apache.logging.log4j.Logger",
            "java.util.logging.Logger",
            "java.lang.System$Logger");
    private static final Set<Class<?>> IMMUTABLE_TYPES = Set.of(
            String.class, Boolean.class, Character.class, Byte.class, Short.class, Integer.class,
            Long.class, Float.class, Double.class, BigInteger.class, BigDecimal.class, Class.class,
            Pattern.class);

    private StaticState() {}

    /**
     * The first static field among {@code classes} that can hold state from one job to the next
     * (as {@code Class.field}), or empty if none can. A class whose fields cannot be read (a type
     * missing from the class path) counts as holding state.
     */
    public static Optional<String> firstStatefulField(Iterable<Class<?>> classes)
    {
        for (Class<?> type : classes) {
            Field[] fields;
            try {
                fields = type.getDeclaredFields();
            }
            catch (LinkageError | SecurityException e) {
                return Optional.of(type.getName() + " (its fields cannot be read: " + e + ")");
            }
            for (Field field : fields) {
                if (canHoldState(field)) {
                    return Optional.of(type.getName() + "." + field.getName());
                }
            }
        }
        return Optional.empty();
    }

    private static boolean canHoldState(Field field)
    {
        int modifiers = field.getModifiers();
        if (!Modifier.isStatic(modifiers)) {
            return false;
        }
        if (!Modifier.isFinal(modifiers)) {
            return true;
        }
        // the compiler's own: an enum's array of its constants, a switch's map over an enum,
        // whether assertions are enabled
        if (field.isSynthetic()) {
            return false;
        }
        Class<?> type = field.getType();
        return !(type.isPrimitive() || type.isEnum() || IMMUTABLE_TYPES.contains(type) || IMMUTABLE_TYPE_NAMES.contains(type.getName()));
    }
}
