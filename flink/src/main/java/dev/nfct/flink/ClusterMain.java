package dev.nfct.flink;

import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The entry point of {@code job/target/conntrack-job.jar} under Flink (its manifest's
 * Program-Class): {@code flink run conntrack-job.jar --conntrack.kafka.bootstrap-servers kafka:9092}.
 * Every setting is a Flink option, from the cluster's configuration or the arguments
 * ({@link JobArgs}); see {@link KafkaJobOptions} and the generated table in docs/CONFIGURATION.md.
 */
public final class ClusterMain {
    /** Checkpoints commit the exactly-once output, so a cluster that sets no interval gets this one. */
    static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(10);

    private ClusterMain() {}

    public static void main(String[] args) throws Exception {
        Configuration given = JobArgs.parse(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(given);
        Configuration config = effective(env, given);
        Checkpoints.requireDurableStorage(config);
        if (config.getOptional(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER).isEmpty()) {
            env.getCheckpointConfig().setTolerableCheckpointFailureNumber(Checkpoints.TOLERABLE_FAILURES);
        }
        if (config.getOptional(CheckpointingOptions.CHECKPOINTING_INTERVAL).isEmpty()) {
            env.enableCheckpointing(DEFAULT_CHECKPOINT_INTERVAL.toMillis());
        }
        KafkaConntrackJob.addTo(env, config); // checks every option first
        env.execute("nfct conntrack");
    }

    /** The cluster's configuration with the arguments laid over it. */
    static Configuration effective(StreamExecutionEnvironment env, Configuration given) {
        Configuration config = Configuration.fromMap(env.getConfiguration().toMap());
        config.addAll(given);
        return config;
    }
}
