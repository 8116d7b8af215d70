package io.tusk.engine;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.tusk.engine.TuskException.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * Settings of a Tusk context. Immutable. Every setting has a property name, so the same settings
 * can come from code, system properties ({@code -Dtusk.memory.budget=512m}) or a job's
 * configuration:
 * <ul>
 * <li>{@code tusk.master}: {@code local}, {@code local[N]} or {@code local[*]} (all cores, the default), or
 * {@code yarn} (executors in YARN containers; needs tusk-yarn-runner)</li>
 * <li>{@code tusk.default.parallelism}: partitions of a dataset when none are given on a cluster
 * master (default 8); locally the number of threads</li>
 * <li>{@code tusk.memory.budget}: bytes for shuffle buffers and the cache (default 50% of the heap)</li>
 * <li>{@code tusk.memory.page}: shuffle page size (default budget / 64, between 64 KiB and 4 MiB)</li>
 * <li>{@code tusk.task.maxattempts}: attempts per task before the job fails (default 4)</li>
 * <li>{@code tusk.local.dir}: where spill and cache files go (default {@code java.io.tmpdir})</li>
 * <li>{@code tusk.task.cancel.grace}: how long a cancelled job waits for its attempts to stop (ms, default 10000)</li>
 * </ul>
 * Other properties are passed to file systems (for example {@code fs.defaultFS}).
 */
public record TuskConfig(int threads, long memoryBudget, int pageSize, int maxTaskAttempts, Path localDir, Map<String, String> properties)
{
    public static final String MASTER = "tusk.master";
    /** Partitions of a dataset when none are given, on a cluster master. */
    public static final String DEFAULT_PARALLELISM = "tusk.default.parallelism";
    public static final String MEMORY_BUDGET = "tusk.memory.budget";
    public static final String PAGE_SIZE = "tusk.memory.page";
    public static final String MAX_ATTEMPTS = "tusk.task.maxattempts";
    public static final String LOCAL_DIR = "tusk.local.dir";
    /** How long a cancelled job waits for its running attempts to stop before it ends without them (ms). */
    public static final String CANCEL_GRACE = "tusk.task.cancel.grace";

    private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\*|\\d+)])?");

    public TuskConfig
    {
        checkArgument(threads > 0, "threads must be positive: %s", threads);
        checkArgument(memoryBudget >= 1 << 20, "memory budget must be at least 1 MiB: %s", memoryBudget);
        checkArgument(pageSize >= 4096, "page size must be at least 4 KiB: %s", pageSize);
        checkArgument(maxTaskAttempts >= 1, "max task attempts must be at least 1: %s", maxTaskAttempts);
        requireNonNull(localDir, "localDir is null");
        properties = Map.copyOf(properties);
    }

    /** Defaults overridden by {@code tusk.*} system properties. */
    public static TuskConfig defaults()
    {
        Map<String, String> properties = new LinkedHashMap<>();
        System.getProperties().forEach((key, value) -> {
            if (key.toString().startsWith("tusk.")) {
                properties.put(key.toString(), value.toString());
            }
        });
        return fromProperties(properties);
    }

    public static TuskConfig fromProperties(Map<String, String> properties)
    {
        String master = properties.getOrDefault(MASTER, "local[*]");
        int threads = isLocal(master) ? parseMaster(master) : Integer.parseInt(properties.getOrDefault(DEFAULT_PARALLELISM, "8").trim());
        long budget = properties.containsKey(MEMORY_BUDGET)
                ? parseBytes(MEMORY_BUDGET, properties.get(MEMORY_BUDGET))
                : defaultMemoryBudget(Runtime.getRuntime().maxMemory());
        int page = properties.containsKey(PAGE_SIZE)
                ? (int) parseBytes(PAGE_SIZE, properties.get(PAGE_SIZE))
                : (int) Math.max(64 * 1024, Math.min(4 << 20, budget / 64));
        int attempts = Integer.parseInt(properties.getOrDefault(MAX_ATTEMPTS, "4"));
        Path localDir = localDirs(properties.getOrDefault(LOCAL_DIR, System.getProperty("java.io.tmpdir"))).get(0);
        return new TuskConfig(threads, budget, page, attempts, localDir, properties);
    }

    private static java.util.List<Path> localDirs(String value)
    {
        java.util.List<Path> directories = new java.util.ArrayList<>();
        for (String entry : value.split(",")) {
            if (!entry.isBlank()) {
                directories.add(Path.of(entry.trim()));
            }
        }
        if (directories.isEmpty()) {
            throw new IllegalArgumentException(LOCAL_DIR + " names no directory: '" + value + "'");
        }
        return directories;
    }

    /**
     * Every local directory ({@value #LOCAL_DIR} takes a comma-separated list), {@link #localDir()}
     * first: spill and block files are spread over them.
     */
    public java.util.List<Path> localDirs()
    {
        String value = properties.get(LOCAL_DIR);
        if (value != null) {
            java.util.List<Path> listed = localDirs(value);
            if (listed.get(0).equals(localDir)) {
                return listed;
            }
        }
        return java.util.List.of(localDir);
    }

    /**
     * Half of the heap left after a reserve for everything that is not data (task objects, job
     * configurations, buffers of readers and writers): a quarter of the heap, at most 128 MiB.
     */
    static long defaultMemoryBudget(long maxHeap)
    {
        return (maxHeap - Math.min(maxHeap / 4, 128L << 20)) / 2;
    }

    /** Worker threads of a master string: {@code local} is 1, {@code local[*]} all cores. */
    public static int parseMaster(String master)
    {
        Matcher matcher = LOCAL.matcher(master.trim());
        checkArgument(matcher.matches(), "Unknown master '%s'; use local, local[N], local[*] or yarn", master);
        String threads = matcher.group(1);
        if (threads == null) {
            return 1;
        }
        if (threads.equals("*")) {
            return Runtime.getRuntime().availableProcessors();
        }
        int count = Integer.parseInt(threads);
        checkArgument(count > 0, "Master '%s' asks for no threads", master);
        return count;
    }

    /** Whether {@code master} runs tasks in this process ({@code local...}) rather than on a cluster. */
    public static boolean isLocal(String master)
    {
        return master.trim().startsWith("local");
    }

    /** {@link #MASTER}: {@code local[*]} unless set. */
    public String master()
    {
        return properties.getOrDefault(MASTER, "local[*]").trim();
    }

    /** Parses {@code 512m}, {@code 2g}, {@code 65536}. */
    public static long parseBytes(String name, String value)
    {
        String text = value.trim().toLowerCase(java.util.Locale.ROOT);
        long unit = 1;
        char last = text.isEmpty() ? ' ' : text.charAt(text.length() - 1);
        switch (last) {
            case 'k' -> unit = 1L << 10;
            case 'm' -> unit = 1L << 20;
            case 'g' -> unit = 1L << 30;
            default -> {
            }
        }
        if (unit != 1) {
            text = text.substring(0, text.length() - 1);
        }
        try {
            return Long.parseLong(text) * unit;
        }
        catch (NumberFormatException e) {
            throw TuskException.invalidArgument("%s must be a size such as 512m or 2g, not '%s'", name, value);
        }
    }

    /** See {@link #CANCEL_GRACE}; 10 seconds unless set. */
    public long cancelGraceMillis()
    {
        String value = properties.getOrDefault(CANCEL_GRACE, "10000");
        try {
            return Long.parseLong(value.trim());
        }
        catch (NumberFormatException e) {
            throw TuskException.invalidArgument("%s must be milliseconds, not '%s'", CANCEL_GRACE, value);
        }
    }

    public TuskConfig withThreads(int threads)
    {
        return new TuskConfig(threads, memoryBudget, pageSize, maxTaskAttempts, localDir, properties);
    }

    public TuskConfig withMemoryBudget(long memoryBudget)
    {
        return new TuskConfig(threads, memoryBudget, pageSize, maxTaskAttempts, localDir, properties);
    }

    public TuskConfig withPageSize(int pageSize)
    {
        return new TuskConfig(threads, memoryBudget, pageSize, maxTaskAttempts, localDir, properties);
    }

    public TuskConfig withMaxTaskAttempts(int maxTaskAttempts)
    {
        return new TuskConfig(threads, memoryBudget, pageSize, maxTaskAttempts, localDir, properties);
    }

    public TuskConfig withLocalDir(Path localDir)
    {
        return new TuskConfig(threads, memoryBudget, pageSize, maxTaskAttempts, localDir, properties);
    }

    public TuskConfig withProperty(String key, String value)
    {
        return withProperties(Map.of(key, value));
    }

    /** These settings added, replacing those of the same names. */
    public TuskConfig withProperties(Map<String, String> added)
    {
        Map<String, String> more = new LinkedHashMap<>(properties);
        more.putAll(added);
        return new TuskConfig(threads, memoryBudget, pageSize, maxTaskAttempts, localDir, more);
    }
}
