package io.tusk.io;

import org.apache.hadoop.conf.Configuration;

import java.util.Map;

/** Hadoop configurations built from Tusk settings. */
public final class HadoopConfigurations
{
    private HadoopConfigurations() {}

    /** Hadoop's defaults and site files, overridden by every setting that is not Tusk's own. */
    public static Configuration from(Map<String, String> settings)
    {
        Configuration configuration = new Configuration();
        settings.forEach((key, value) -> {
            if (!key.startsWith("tusk.")) {
                configuration.set(key, value);
            }
        });
        return configuration;
    }
}
