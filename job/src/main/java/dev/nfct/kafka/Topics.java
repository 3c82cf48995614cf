package dev.nfct.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The names of the job's topics, and their creation.
 *
 * <ul>
 *   <li>{@link #packets()}: packets going into the conntrack engine;</li>
 *   <li>{@link #flowEvents()}: the flow events coming out (NEW, UPDATE, DESTROY);</li>
 *   <li>{@link #table()}: the connection table, one record per flow key; compacted, so it keeps the
 *       latest state of each flow (a tombstone removes it);</li>
 *   <li>{@link #deadLetters()}: input that could not be processed.</li>
 * </ul>
 *
 * <p>Only the table topic has its own setting ({@code cleanup.policy=compact}); the others take the
 * cluster's defaults.
 */
public record Topics(String packets, String flowEvents, String table, String deadLetters) {
    private static final Logger LOG = LoggerFactory.getLogger(Topics.class);

    public static final String PACKETS = "conntrack.packets";
    public static final String FLOW_EVENTS = "conntrack.flow-events";
    public static final String TABLE = "conntrack.table";
    public static final String DEAD_LETTERS = "conntrack.dead-letters";

    /** The default partition count of {@link #createAll} and {@link #ensureTopics(String)}. */
    public static final int DEFAULT_PARTITIONS = 4;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private static final Topics DEFAULTS = new Topics(PACKETS, FLOW_EVENTS, TABLE, DEAD_LETTERS);

    public Topics {
        for (String name : Arrays.asList(packets, flowEvents, table, deadLetters)) {
            Objects.requireNonNull(name, "topic name");
            Topic.validate(name); // InvalidTopicException: empty, too long, or a character Kafka does not accept
        }
        if (new HashSet<>(List.of(packets, flowEvents, table, deadLetters)).size() != 4) {
            throw new IllegalArgumentException("The four topics need four different names: "
                    + List.of(packets, flowEvents, table, deadLetters));
        }
    }

    /** {@code conntrack.packets}, {@code conntrack.flow-events}, {@code conntrack.table}, {@code conntrack.dead-letters}. */
    public static Topics defaults() {
        return DEFAULTS;
    }

    /**
     * The same topics with {@code prefix} put in front of each name, as it is: {@code withPrefix("ci-42.")}
     * gives {@code ci-42.conntrack.packets}. Useful to keep test runs or users apart on one cluster.
     *
     * @throws InvalidTopicException if the prefixed names are not valid topic names
     */
    public Topics withPrefix(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        return prefix.isEmpty() ? this
                : new Topics(prefix + packets, prefix + flowEvents, prefix + table, prefix + deadLetters);
    }

    /** All four names, in the order packets, flow events, table, dead letters. */
    public List<String> all() {
        return List.of(packets, flowEvents, table, deadLetters);
    }

    /** The topic settings this class creates {@code topic} with (empty: the cluster's defaults). */
    public Map<String, String> configFor(String topic) {
        if (table.equals(topic)) {
            return Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        }
        if (all().contains(topic)) {
            return Map.of();
        }
        throw new IllegalArgumentException("Not one of " + all() + ": " + topic);
    }

    /**
     * The four topics to create, with {@code partitions} partitions each and the given replication
     * factor (empty: the cluster's {@code default.replication.factor}).
     */
    public List<NewTopic> newTopics(int partitions, Optional<Short> replicationFactor) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1: " + partitions);
        }
        return all().stream()
                .map(name -> new NewTopic(name, Optional.of(partitions), replicationFactor).configs(configFor(name)))
                .toList();
    }

    /**
     * Creates the four topics on the embedded broker and waits until they are ready; fails if one exists.
     */
    public void createAll(EmbeddedKafka kafka, int partitions) {
        for (String name : all()) {
            kafka.createTopic(name, partitions, configFor(name));
        }
    }

    /** {@link #ensureTopics(Map, int, Duration)} with {@link #DEFAULT_PARTITIONS} and no client security settings. */
    public List<String> ensureTopics(String bootstrapServers) {
        return ensureTopics(bootstrapServers, DEFAULT_PARTITIONS);
    }

    /** {@link #ensureTopics(Map, int, Duration)} with no client security settings. */
    public List<String> ensureTopics(String bootstrapServers, int partitions) {
        return ensureTopics(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), partitions,
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
    public List<String> ensureTopics(Map<String, Object> adminConfig, int partitions, Duration timeout) {
        Map<String, Object> config = new LinkedHashMap<>(adminConfig);
        config.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "nfct-topics");
        List<String> created = TopicAdmin.createAndAwait(config, newTopics(partitions, Optional.empty()), true,
                timeout);
        if (!created.contains(table)) {
            checkCompacted(config);
        }
        if (!created.isEmpty()) {
            LOG.info("Created topics {} on {}", created, config.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
        }
        return created;
    }

    private void checkCompacted(Map<String, Object> adminConfig) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, table);
        Config config;
        try (Admin admin = Admin.create(adminConfig)) {
            config = admin.describeConfigs(List.of(resource), new DescribeConfigsOptions().timeoutMs(10_000))
                    .all().get(15, TimeUnit.SECONDS).get(resource);
        } catch (ExecutionException e) {
            throw new KafkaException("Cannot read the settings of topic '" + table + "': " + e.getCause().getMessage(),
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
