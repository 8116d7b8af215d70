package io.tusk.yarn.master;

import org.apache.hadoop.yarn.api.records.ContainerExitStatus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class YarnExecutorPoolTest
{
    @Test
    void onlyExecutorsThatFailedThemselvesCountAgainstTheLimit()
    {
        // crashed, could not start (a bad JVM option), killed by the node manager for its memory
        assertThat(YarnExecutorPool.countsAsFailure(1)).isTrue();
        assertThat(YarnExecutorPool.countsAsFailure(143)).isTrue();
        assertThat(YarnExecutorPool.countsAsFailure(ContainerExitStatus.KILLED_EXCEEDED_PMEM)).isTrue();
        assertThat(YarnExecutorPool.countsAsFailure(ContainerExitStatus.KILLED_EXCEEDED_VMEM)).isTrue();
        // YARN took the container back, or its node failed
        assertThat(YarnExecutorPool.countsAsFailure(ContainerExitStatus.SUCCESS)).isFalse();
        assertThat(YarnExecutorPool.countsAsFailure(ContainerExitStatus.PREEMPTED)).isFalse();
        assertThat(YarnExecutorPool.countsAsFailure(ContainerExitStatus.ABORTED)).isFalse();
        assertThat(YarnExecutorPool.countsAsFailure(ContainerExitStatus.DISKS_FAILED)).isFalse();
        assertThat(YarnExecutorPool.countsAsFailure(ContainerExitStatus.KILLED_BY_RESOURCEMANAGER)).isFalse();
        assertThat(YarnExecutorPool.countsAsFailure(ContainerExitStatus.KILLED_AFTER_APP_COMPLETION)).isFalse();
    }
}
