package io.tusk.engine;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TuskConfigTest
{
    @Test
    void localMastersSetTheThreadsAndClusterMastersTheDefaultParallelism()
    {
        assertThat(TuskConfig.fromProperties(Map.of(TuskConfig.MASTER, "local[3]")).threads()).isEqualTo(3);
        assertThat(TuskConfig.fromProperties(Map.of(TuskConfig.MASTER, "local")).threads()).isEqualTo(1);
        TuskConfig yarn = TuskConfig.fromProperties(Map.of(TuskConfig.MASTER, "yarn", TuskConfig.DEFAULT_PARALLELISM, "12"));
        assertThat(yarn.threads()).isEqualTo(12);
        assertThat(yarn.master()).isEqualTo("yarn");
        assertThat(TuskConfig.isLocal(yarn.master())).isFalse();
    }

    @Test
    void aClusterMasterWithoutItsModuleSaysWhichModuleIsMissing()
    {
        // tusk-yarn-runner is not on the engine's class path
        assertThatThrownBy(() -> Tusk.create("yarn"))
                .isInstanceOfSatisfying(TuskException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.MISSING_PROVIDER))
                .hasMessageContaining("tusk-yarn-runner");
        assertThatThrownBy(() -> Tusk.yarn(Map.of("yarn.resourcemanager.address", "rm:8032").entrySet()))
                .isInstanceOf(TuskException.class)
                .hasMessageContaining("tusk-yarn-runner");
        assertThatThrownBy(() -> Tusk.create("mesos")).isInstanceOf(TuskException.class).hasMessageContaining("mesos");
    }
}
