package io.tusk.yarn;

/** A JVM that loads classes from Hadoop's jars and exits with the status it is given; for {@link ClassDataLauncherIT}. */
public final class ClassDataProbe
{
    private ClassDataProbe() {}

    public static void main(String[] args)
    {
        new org.apache.hadoop.conf.Configuration(false).set("probe", "x");
        System.exit(Integer.parseInt(args[0]));
    }
}
