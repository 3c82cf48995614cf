package dev.nfct.kafka;

import dev.nfct.flink.io.Topics;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the job's {@link Topics}: on the embedded broker, or whichever are missing on any cluster. */
public final class TopicSetup {
    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);

    /** The default partition count of {@link #ensureTopics(Topics, String)}. */
    public static final int DEFAULT_PARTITIONS = 4;

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private TopicSetup() {}

    /**
     * Creates the four topics on the embedded broker and waits until they are ready; fails if one exists.
     */
    public static void createAll(Topics topics, EmbeddedKafka kafka, int partitions) {
        for (String name : topics.all()) {
            kafka.createTopic(name, partitions, topics.configFor(name));
        }
    }

    /** {@link #ensureTopics(Topics, Map, int, Duration)} with {@link #DEFAULT_PARTITIONS} and no client security settings. */
    public static List<String> ensureTopics(Topics topics, String bootstrapServers) {
        return ensureTopics(topics, bootstrapServers, DEFAULT_PARTITIONS);
    }

    /** {@link #ensureTopics(Topics, Map, int, Duration)} with no client security settings. */
    public static List<String> ensureTopics(Topics topics, String bootstrapServers, int partitions) {
        return ensureTopics(
                topics,
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                partitions,
                DEFAULT_TIMEOUT);
    }

    /**
     * Creates whichever of the four topics are missing on any cluster (replication factor: the
     * cluster's default) and waits until all four are ready. Existing topics are left alone, but the
     * table topic must be compacted: an existing table topic without {@code compact} in its
     * {@code cleanup.policy} is an error, since it would lose flows after the retention time.
     *
     * @param adminConfig admin client settings: {@code bootstrap.servers} and, if needed, security
     * @return the names of the topics this call created
     * @throws IllegalStateException if the existing table topic is not compacted
     * @throws org.apache.kafka.common.errors.TimeoutException if the topics are not ready in time
     */
    public static List<String> ensureTopics(
            Topics topics, Map<String, Object> adminConfig, int partitions, Duration timeout) {
        Map<String, Object> config = new LinkedHashMap<>(adminConfig);
        config.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "nfct-topics");
        List<String> created =
                TopicAdmin.createAndAwait(config, topics.newTopics(partitions, Optional.empty()), true, timeout);
        if (!created.contains(topics.table())) {
            checkCompacted(topics.table(), config);
        }
        if (!created.isEmpty()) {
            LOG.info("Created topics {} on {}", created, config.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
        }
        return created;
    }

    private static void checkCompacted(String table, Map<String, Object> adminConfig) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, table);
        Config config;
        try (Admin admin = Admin.create(adminConfig)) {
            config = admin.describeConfigs(List.of(resource), new DescribeConfigsOptions().timeoutMs(10_000))
                    .all()
                    .get(15, TimeUnit.SECONDS)
                    .get(resource);
        } catch (ExecutionException e) {
            throw new KafkaException(
                    "Cannot read the settings of topic '" + table + "': "
                            + e.getCause().getMessage(),
                    e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new org.apache.kafka.common.errors.TimeoutException(
                    "Timed out reading the settings of topic '" + table + "'");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("Interrupted while reading the settings of topic '" + table + "'", e);
        }
        ConfigEntry policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG);
        String value = policy == null || policy.value() == null ? "" : policy.value();
        if (!Arrays.asList(value.replace(" ", "").split(",")).contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
            throw new IllegalStateException("Topic '" + table + "' exists but is not compacted (cleanup.policy="
                    + value + "); the connection table needs cleanup.policy=compact. Alter it with "
                    + "kafka-configs.sh --alter --entity-type topics --entity-name " + table
                    + " --add-config cleanup.policy=compact");
        }
    }
}
