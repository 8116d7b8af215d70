package io.tusk.samples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The memory options {@code bin/tusk} gives a batch JVM: the parallel collector, the heap committed
 * at start, a young generation of at most 256 MiB, unless {@code TUSK_OPTS} sizes it, whose survivors
 * are tenured at once, unless {@code TUSK_OPTS} says otherwise; and its
 * compiler thresholds, unless {@code TUSK_OPTS} sets the compiler up.
 */
class LauncherMemoryIT
{
    private static final long MIB = 1024 * 1024;

    @TempDir
    Path work;

    @Test
    void aLargeHeapGetsAYoungGenerationOf256MiBAndTheWholeHeapCommitted()
            throws Exception
    {
        String flags = flags("2g", "");
        assertThat(flag(flags, "UseParallelGC")).isEqualTo("true");
        assertThat(flag(flags, "MaxHeapSize")).isEqualTo(String.valueOf(2048 * MIB));
        assertThat(flag(flags, "InitialHeapSize")).isEqualTo(String.valueOf(2048 * MIB));
        assertThat(flag(flags, "MaxNewSize")).isEqualTo(String.valueOf(256 * MIB));
    }

    @Test
    void aSmallHeapAndAYoungGenerationSizedByTheUserKeepTheirOwn()
            throws Exception
    {
        // a third of 512 MiB is under 256 MiB: the collector's own sizing
        assertThat(Long.parseLong(flag(flags("512m", ""), "MaxNewSize"))).isLessThan(256 * MIB);
        assertThat(flag(flags("2048m", "-XX:NewRatio=2"), "MaxNewSize")).isNotEqualTo(String.valueOf(256 * MIB));
        assertThat(flag(flags("2g", "-Xmn100m"), "MaxNewSize")).isEqualTo(String.valueOf(100 * MIB));
        // a heap given in TUSK_OPTS, not TUSK_HEAP: the young generation is the collector's third of it
        String optionsHeap = flags("2g", "-Xmx300m");
        assertThat(flag(optionsHeap, "MaxHeapSize")).isEqualTo(String.valueOf(300 * MIB));
        assertThat(Long.parseLong(flag(optionsHeap, "MaxNewSize"))).isLessThan(150 * MIB);
        // leading zeros are decimal
        assertThat(flag(flags("02g", ""), "MaxNewSize")).isEqualTo(String.valueOf(256 * MIB));
    }

    @Test
    void whatSurvivesAYoungCollectionIsTenuredAtOnceUnlessTheOptionsSayOtherwise()
            throws Exception
    {
        assertThat(flag(flags("2g", ""), "MaxTenuringThreshold")).isEqualTo("0");
        assertThat(flag(flags("512m", ""), "MaxTenuringThreshold")).isEqualTo("0");
        assertThat(flag(flags("2g", "-XX:MaxTenuringThreshold=5"), "MaxTenuringThreshold")).isEqualTo("5");
        assertThat(flag(flags("2g", "-XX:+NeverTenure"), "NeverTenure")).isEqualTo("true");
        // another collector: none of the parallel collector's options
        assertThat(flag(flags("2g", "-XX:+UseG1GC"), "MaxTenuringThreshold")).isEqualTo("15");
    }

    @Test
    void theOptimizingCompilerWaitsForHotterCodeAndInlinesLessUnlessTheOptionsSetTheCompilerUp()
            throws Exception
    {
        String flags = optionsFlags("512m", "-XX:+PrintFlagsFinal");
        assertThat(flag(flags, "Tier4InvocationThreshold")).isEqualTo("60000");
        assertThat(flag(flags, "Tier4CompileThreshold")).isEqualTo("80000");
        assertThat(flag(flags, "Tier4BackEdgeThreshold")).isEqualTo("400000");
        assertThat(flag(flags, "FreqInlineSize")).isEqualTo("150");
        String inlining = optionsFlags("512m", "-XX:+PrintFlagsFinal -XX:FreqInlineSize=325");
        assertThat(flag(inlining, "FreqInlineSize")).isEqualTo("325");
        assertThat(flag(inlining, "Tier4InvocationThreshold")).isEqualTo("5000");
        String own = optionsFlags("512m", "-XX:+PrintFlagsFinal -XX:Tier4InvocationThreshold=7000");
        assertThat(flag(own, "Tier4InvocationThreshold")).isEqualTo("7000");
        assertThat(flag(own, "Tier4CompileThreshold")).isEqualTo("15000");
        assertThat(flag(optionsFlags("512m", "-XX:+PrintFlagsFinal -XX:TieredStopAtLevel=1"), "Tier4InvocationThreshold")).isEqualTo("5000");
    }

    /** The final flags of a batch JVM of the launcher with this heap and these options, compiled by the quick compiler only. */
    private String flags(String heap, String options)
            throws Exception
    {
        return optionsFlags(heap, TestProcesses.QUICK_JIT + " -XX:+PrintFlagsFinal " + options);
    }

    /** The final flags of a batch JVM of the launcher with this heap and exactly these options. */
    private String optionsFlags(String heap, String options)
            throws Exception
    {
        List<String> command = new ArrayList<>(List.of("env", "TUSK_HEAP=" + heap, "TUSK_OPTS=" + options));
        command.addAll(TestProcesses.tusk("run"));
        command.add("io.tusk.mr.StartupTraining");
        Path log = work.resolve("flags-" + heap + options.replaceAll("[^A-Za-z0-9]", "") + ".log");
        TestProcesses.Result result = TestProcesses.run(command, work, log);
        assertThat(result.exitCode()).as(result.log()).isZero();
        return result.log();
    }

    private static String flag(String flags, String name)
    {
        Matcher matcher = Pattern.compile("^\\s*\\S+\\s+" + name + "\\s+=\\s+(\\S+)", Pattern.MULTILINE).matcher(flags);
        assertThat(matcher.find()).as("flag %s in %s", name, flags.length() > 2000 ? flags.substring(0, 2000) : flags).isTrue();
        return matcher.group(1);
    }
}
