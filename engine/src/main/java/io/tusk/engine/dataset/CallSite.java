package io.tusk.engine.dataset;

import java.util.Set;

/** Where user code called the dataset API, for plans and error messages: {@code WordCount.java:31}. */
final class CallSite
{
    private static final Set<String> API_CLASSES = Set.of(
            Dataset.class.getName(),
            PairDataset.class.getName(),
            CallSite.class.getName(),
            io.tusk.engine.Tusk.class.getName());
    private static final StackWalker WALKER = StackWalker.getInstance();

    private CallSite() {}

    static String describe(String operation)
    {
        return WALKER.walk(frames -> frames
                .filter(frame -> !API_CLASSES.contains(frame.getClassName()) && !frame.getClassName().startsWith("java."))
                .findFirst()
                .map(frame -> operation + " at " + frame.getFileName() + ":" + frame.getLineNumber())
                .orElse(operation));
    }
}
