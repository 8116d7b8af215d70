package io.tusk.streaming;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ScriptProcessTest
{
    @Test
    void splitsCommandsAsHadoopStreamingDoes()
    {
        assertThat(ScriptProcess.splitCommand("python3 mapper.py")).containsExactly("python3", "mapper.py");
        assertThat(ScriptProcess.splitCommand("  cat   -n ")).containsExactly("cat", "-n");
        assertThat(ScriptProcess.splitCommand("grep 'a b' \"c d\"")).containsExactly("grep", "a b", "c d");
        // a quote inside the other kind of quotes is kept; every quote that opens or closes ends a word
        assertThat(ScriptProcess.splitCommand("echo \"it's\" x'y z'w")).containsExactly("echo", "it's", "x", "y z", "w");
        assertThat(ScriptProcess.splitCommand("echo ''")).containsExactly("echo");
    }
}
