package dev.nfct.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.runtime.checkpoint.CheckpointException;
import org.apache.flink.runtime.checkpoint.CheckpointFailureReason;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;
import org.junit.jupiter.api.Test;

class ShutdownNoiseTest {
    private static Log4jLogEvent warning(Throwable t) {
        return Log4jLogEvent.newBuilder()
                .setLoggerName("org.apache.flink.runtime.checkpoint.CheckpointFailureManager")
                .setLevel(Level.WARN)
                .setMessage(new SimpleMessage("Failed to trigger or complete checkpoint 54"))
                .setThrown(t)
                .build();
    }

    @Test
    void aCheckpointDeclinedBecauseTheTaskIsClosingIsDropped() throws Exception {
        var filter = (Filter) newFilter();
        Throwable declined = new CheckpointException(CheckpointFailureReason.CHECKPOINT_DECLINED_TASK_CLOSING);
        assertThat(declined.getMessage()).contains(ShutdownNoise.DECLINED_WHILE_CLOSING);
        assertThat(filter.filter(warning(declined))).isEqualTo(Filter.Result.DENY);
        assertThat(filter.filter(warning(new RuntimeException("wrapped", declined))))
                .isEqualTo(Filter.Result.DENY);
        assertThat(filter.filter(null, Level.WARN, null, "Failed to trigger {} for {}", 54L, "job", declined))
                .isEqualTo(Filter.Result.DENY);
    }

    @Test
    void aCheckpointRequestForATaskThatHasFinishedIsDropped() throws Exception {
        var filter = (Filter) newFilter();
        Throwable gone = new CheckpointException(
                "TaskManager received a checkpoint request for unknown task d02e8d7a_0_0.",
                CheckpointFailureReason.TASK_CHECKPOINT_FAILURE);
        assertThat(filter.filter(warning(gone))).isEqualTo(Filter.Result.DENY);
    }

    @Test
    void everyOtherCheckpointFailureIsStillLogged() throws Exception {
        var filter = (Filter) newFilter();
        assertThat(filter.filter(warning(new CheckpointException(CheckpointFailureReason.CHECKPOINT_EXPIRED))))
                .isEqualTo(Filter.Result.NEUTRAL);
        assertThat(filter.filter(warning(null))).isEqualTo(Filter.Result.NEUTRAL);
    }

    private static Object newFilter() throws Exception {
        var c = ShutdownNoise.class.getDeclaredConstructor();
        c.setAccessible(true);
        return c.newInstance();
    }
}
