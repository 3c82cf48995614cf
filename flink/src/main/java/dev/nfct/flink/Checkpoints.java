package dev.nfct.flink;

import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.RestartStrategyOptions;

/**
 * Where checkpoints go and what happens when they fail. Flink's defaults suit neither this job
 * nor its users: without a checkpoint directory state is checkpointed into the JobManager's memory,
 * which refuses more than 5 MB (about 30,000 connections), and by default a failed checkpoint
 * fails the job, which then restarts from the last good one without end. Here checkpoints always
 * go to a directory, a few failures in a row are tolerated (a slow broker, a full disk for a
 * moment) and then the job fails, and a job that keeps failing stops after a bounded number of
 * restarts with its cause, instead of looping.
 */
public final class Checkpoints {
    /** Consecutive failed checkpoints tolerated before the job fails. */
    public static final int TOLERABLE_FAILURES = 3;
    /** Restarts before a failing job gives up (local runs; a cluster keeps its own strategy). */
    public static final int RESTART_ATTEMPTS = 3;

    public static final Duration RESTART_DELAY = Duration.ofSeconds(2);

    private Checkpoints() {}

    /**
     * Fills in, where {@code conf} does not set them: checkpoints in {@code defaultDir}, the
     * tolerated failures, and a bounded fixed-delay restart strategy. Options already set win.
     */
    public static void localDefaults(Configuration conf, Path defaultDir) {
        if (conf.getOptional(CheckpointingOptions.CHECKPOINTS_DIRECTORY).isEmpty()) {
            conf.set(
                    CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                    defaultDir.toAbsolutePath().toUri().toString());
        }
        failureDefaults(conf);
        if (conf.getOptional(RestartStrategyOptions.RESTART_STRATEGY).isEmpty()) {
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, RESTART_ATTEMPTS);
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, RESTART_DELAY);
        }
    }

    /** The tolerated failures and the retention of checkpoints on cancellation, where not set. */
    public static void failureDefaults(Configuration conf) {
        if (conf.getOptional(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER).isEmpty()) {
            conf.set(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER, TOLERABLE_FAILURES);
        }
        if (conf.getOptional(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION)
                .isEmpty()) {
            // A stopped job can be resumed from its last checkpoint (execution.state-recovery.path).
            conf.set(
                    CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                    ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        }
    }

    /**
     * Refuses a configuration that would checkpoint into the JobManager's memory: such a job
     * works until its table passes 5 MB and then fails every checkpoint.
     *
     * @throws IllegalArgumentException naming the option to set
     */
    public static void requireDurableStorage(ReadableConfig conf) {
        String storage =
                conf.getOptional(CheckpointingOptions.CHECKPOINT_STORAGE).orElse(null);
        boolean jobManager = "jobmanager".equalsIgnoreCase(storage)
                || (storage == null
                        && conf.getOptional(CheckpointingOptions.CHECKPOINTS_DIRECTORY)
                                .isEmpty());
        if (jobManager) {
            throw new IllegalArgumentException(CheckpointingOptions.CHECKPOINTS_DIRECTORY.key()
                    + " is not set: checkpoints would be kept in the JobManager's memory, which refuses state "
                    + "over 5 MB (about 30,000 connections); set it to durable storage (s3://..., hdfs://..., "
                    + "or file:// on a volume every Flink process shares)");
        }
    }

    /**
     * One line for a job that failed: the deepest cause's message, said as checkpoint trouble
     * when that is what stopped it.
     */
    public static String explain(Throwable failure) {
        Throwable root = failure;
        boolean checkpoints = false;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            checkpoints |= String.valueOf(t.getMessage()).contains("tolerable failure threshold");
            root = t;
            if (t.getCause() == t) {
                break;
            }
        }
        String cause = root.getClass().getSimpleName() + ": " + firstLine(root.getMessage());
        return checkpoints
                ? "checkpoints kept failing (more than " + TOLERABLE_FAILURES + " in a row), last cause " + cause
                : cause;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "(no message)";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
