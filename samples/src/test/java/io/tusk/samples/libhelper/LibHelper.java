package io.tusk.samples.libhelper;

/** A class that reaches the job only through {@code -libjars} in {@code GenericOptionsIT}. */
public final class LibHelper
{
    private LibHelper() {}

    public static String tag(String word)
    {
        return "lib:" + word;
    }
}
