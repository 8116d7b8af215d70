package io.tusk.yarn;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JavaCommandTest
{
    private static String command(JavaCommand.Role role, String options)
    {
        return JavaCommand.of(role, 1000, options, "a.jar", null, "Main", "x").get(0);
    }

    @Test
    void sizesTheHeapFromTheContainerUnlessTheOptionsDo()
    {
        assertThat(command(JavaCommand.Role.EXECUTOR, "")).contains(" -Xmx800m ");
        assertThat(command(JavaCommand.Role.EXECUTOR, "-Xmx300m")).doesNotContain("-Xmx800m").contains(" -Xmx300m ");
    }

    @Test
    void logsThroughOneContextUnlessTheJobChoosesAnotherSelector()
    {
        String selector = "-Dlog4j2.contextSelector=org.apache.logging.log4j.core.selector.BasicContextSelector";
        assertThat(command(JavaCommand.Role.EXECUTOR, "")).contains(" " + selector + " ");
        // the job's options come after, and the last of a system property's values is the one set
        String own = command(JavaCommand.Role.EXECUTOR, "-Dlog4j2.contextSelector=x.Own");
        assertThat(own.indexOf("-Dlog4j2.contextSelector=x.Own")).isGreaterThan(own.indexOf(selector));
    }

    @Test
    void eachRoleHasItsCollectorUnlessTheJobNamesOne()
    {
        assertThat(command(JavaCommand.Role.EXECUTOR, "")).contains(" -XX:+UseParallelGC ").doesNotContain("TieredStopAtLevel");
        assertThat(command(JavaCommand.Role.MASTER, "")).contains(" -XX:+UseSerialGC ").contains(" -XX:TieredStopAtLevel=1 ");
        // two collectors would stop the JVM from starting
        String g1 = command(JavaCommand.Role.MASTER, "-XX:+UseG1GC -Dx=y");
        assertThat(g1).contains("-XX:+UseG1GC").doesNotContain("UseSerialGC").doesNotContain("UseParallelGC");
        assertThat(command(JavaCommand.Role.EXECUTOR, "-XX:+UseZGC")).doesNotContain("UseParallelGC");
    }

    @Test
    void executorsCompileAsTheLauncherDoesUnlessTheJobSaysOtherwise()
    {
        String command = command(JavaCommand.Role.EXECUTOR, "");
        assertThat(command).contains(" -XX:Tier4InvocationThreshold=60000 ", " -XX:Tier4CompileThreshold=80000 ", " -XX:Tier4BackEdgeThreshold=400000 ",
                " -XX:FreqInlineSize=150 ");
        assertThat(command(JavaCommand.Role.MASTER, "")).doesNotContain("Tier4").doesNotContain("FreqInlineSize");
        // a compiler option of the job's own replaces all of them, as in bin/tusk
        for (String own : new String[] {"-XX:FreqInlineSize=325", "-XX:Tier4InvocationThreshold=5000", "-XX:-TieredCompilation", "-Xint -Dx=y", "-Dx=y -Xcomp"}) {
            assertThat(command(JavaCommand.Role.EXECUTOR, own)).as(own).contains(own).doesNotContain("Tier4CompileThreshold").doesNotContain("FreqInlineSize=150");
        }
        assertThat(command(JavaCommand.Role.EXECUTOR, "-XX:+UseCompressedOops -Dtier=x")).contains(" -XX:FreqInlineSize=150 ");
    }

    @Test
    void theJobsOptionsComeAfterTheDefaultsSoTheyWin()
    {
        String command = command(JavaCommand.Role.MASTER, "-XX:MaxInlineLevel=12 -Dlog4j2.level=debug");
        assertThat(command.indexOf("-XX:MaxInlineLevel=12")).isGreaterThan(command.indexOf("-XX:TieredStopAtLevel=1")).isGreaterThan(command.indexOf("-Dlog4j2.contextSelector"));
        assertThat(command(JavaCommand.Role.MASTER, "-XX:TieredStopAtLevel=4")).contains("-XX:TieredStopAtLevel=4").doesNotContain("TieredStopAtLevel=1");
        assertThat(command).endsWith("-cp 'a.jar' Main x 1><LOG_DIR>/stdout 2><LOG_DIR>/stderr");
    }

    @Test
    void theLauncherStartsTheJvmWithItsRoleWhenThereIsOne()
    {
        assertThat(command(JavaCommand.Role.EXECUTOR, "")).startsWith("{{JAVA_HOME}}/bin/java ");
        assertThat(JavaCommand.of(JavaCommand.Role.EXECUTOR, 1000, "", "a.jar", "tusk-java.sh", "Main").get(0))
                .startsWith("/bin/bash tusk-java.sh executor {{JAVA_HOME}}/bin/java ");
        assertThat(JavaCommand.of(JavaCommand.Role.MASTER, 1000, "", "a.jar", "tusk-java.sh", "Main").get(0))
                .startsWith("/bin/bash tusk-java.sh master {{JAVA_HOME}}/bin/java ");
    }
}
