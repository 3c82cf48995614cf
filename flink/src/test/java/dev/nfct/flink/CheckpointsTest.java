package dev.nfct.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.util.FlinkRuntimeException;
import org.junit.jupiter.api.Test;

class CheckpointsTest {
    @Test
    void localRunsCheckpointToADirectoryToleranceAndBoundedRestarts() {
        Configuration c = new Configuration();
        Checkpoints.localDefaults(c, Path.of("/var/tmp/x"));
        assertThat(c.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isEqualTo("file:///var/tmp/x");
        assertThat(c.get(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER)).isEqualTo(3);
        assertThat(c.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("fixed-delay");
        assertThat(c.get(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS))
                .isEqualTo(3);
        Checkpoints.requireDurableStorage(c);
    }

    @Test
    void whatTheUserSetWins() {
        Configuration c = new Configuration();
        c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, "s3://bucket/ckpt");
        c.set(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER, 10);
        c.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        Checkpoints.localDefaults(c, Path.of("/var/tmp/x"));
        assertThat(c.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isEqualTo("s3://bucket/ckpt");
        assertThat(c.get(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER)).isEqualTo(10);
        assertThat(c.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("exponential-delay");
    }

    @Test
    void aClusterWithoutACheckpointDirectoryIsRefusedWithTheOptionToSet() {
        assertThatThrownBy(() -> Checkpoints.requireDurableStorage(new Configuration()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("execution.checkpointing.dir is not set")
                .hasMessageContaining("5 MB");
        Configuration jm = new Configuration();
        jm.set(CheckpointingOptions.CHECKPOINT_STORAGE, "jobmanager");
        jm.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, "file:///x");
        assertThatThrownBy(() -> Checkpoints.requireDurableStorage(jm)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFailureIsExplainedInOneLineNamingCheckpointsWhenTheyStoppedIt() {
        Throwable cause = new java.io.IOException(
                "Size of the state is larger than the maximum permitted memory-backed state.\nmore");
        Throwable stop = new RuntimeException(
                "Job failed", new FlinkRuntimeException("Exceeded checkpoint tolerable failure threshold.", cause));
        assertThat(Checkpoints.explain(stop))
                .isEqualTo(
                        "checkpoints kept failing (more than 3 in a row), last cause IOException: Size of the state is"
                                + " larger than the maximum permitted memory-backed state.");
        assertThat(Checkpoints.explain(new RuntimeException("x", new IllegalStateException("broken"))))
                .isEqualTo("IllegalStateException: broken");
    }
}
