package dev.nfct.flink.io;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InvalidTopicException;

/**
 * The names of the job's topics and the settings they are created with (the commands module
 * creates them: {@code dev.nfct.kafka.TopicSetup}).
 *
 * <ul>
 *   <li>{@link #packets()}: packets going into the conntrack engine;</li>
 *   <li>{@link #flowEvents()}: the flow events coming out (NEW, UPDATE, DESTROY);</li>
 *   <li>{@link #table()}: the connection table, one record per flow key; compacted, so it keeps the
 *       latest state of each flow (a tombstone removes it);</li>
 *   <li>{@link #deadLetters()}: input that could not be processed.</li>
 * </ul>
 *
 * <p>Every record the job and its producers write carries the time it was written as its Kafka
 * timestamp (the producer's clock), never a packet's time: retention counts from the writing, so
 * the events of an old capture are not deleted at the broker's next check. A record's own time is
 * inside it ({@code timestampNs}). Topics are created with their retention stated:
 * {@value #PACKETS_RETENTION_DAYS} days for packets and flow events, {@value
 * #DEAD_LETTERS_RETENTION_DAYS} for dead letters (time to look into them), and the table compacted
 * (an entry stays until its tombstone).
 */
public record Topics(String packets, String flowEvents, String table, String deadLetters) {
    public static final String PACKETS = "conntrack.packets";
    public static final String FLOW_EVENTS = "conntrack.flow-events";
    public static final String TABLE = "conntrack.table";
    public static final String DEAD_LETTERS = "conntrack.dead-letters";

    /** Retention of the packet and flow-event topics, in days. */
    public static final int PACKETS_RETENTION_DAYS = 7;
    /** Retention of the dead-letter topic, in days. */
    public static final int DEAD_LETTERS_RETENTION_DAYS = 30;

    /** Kafka's limit on a topic name's length. */
    private static final int MAX_NAME_LENGTH = 249;

    private static final Topics DEFAULTS = new Topics(PACKETS, FLOW_EVENTS, TABLE, DEAD_LETTERS);

    public Topics {
        for (String name : Arrays.asList(packets, flowEvents, table, deadLetters)) {
            Objects.requireNonNull(name, "topic name");
            validate(name);
        }
        if (new HashSet<>(List.of(packets, flowEvents, table, deadLetters)).size() != 4) {
            throw new IllegalArgumentException(
                    "The four topics need four different names: " + List.of(packets, flowEvents, table, deadLetters));
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
        return prefix.isEmpty()
                ? this
                : new Topics(prefix + packets, prefix + flowEvents, prefix + table, prefix + deadLetters);
    }

    /** All four names, in the order packets, flow events, table, dead letters. */
    public List<String> all() {
        return List.of(packets, flowEvents, table, deadLetters);
    }

    /** The topic settings {@code topic} is created with. */
    public Map<String, String> configFor(String topic) {
        if (table.equals(topic)) {
            return Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        }
        if (deadLetters.equals(topic)) {
            return deleteAfterDays(DEAD_LETTERS_RETENTION_DAYS);
        }
        if (all().contains(topic)) {
            return deleteAfterDays(PACKETS_RETENTION_DAYS);
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

    private static Map<String, String> deleteAfterDays(int days) {
        return Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG,
                TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG,
                Long.toString(java.time.Duration.ofDays(days).toMillis()));
    }

    /** Kafka's rules for a topic name: 1 to 249 of {@code [a-zA-Z0-9._-]}, and not "." or "..". */
    private static void validate(String name) {
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            throw new InvalidTopicException("Topic name '" + name + "' is not allowed");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw new InvalidTopicException(
                    "Topic name '" + name + "' is longer than " + MAX_NAME_LENGTH + " characters");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean legal = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '.'
                    || c == '_'
                    || c == '-';
            if (!legal) {
                throw new InvalidTopicException("Topic name '" + name + "' has '" + c
                        + "', which Kafka does not accept (only ASCII letters, digits, '.', '_' and '-')");
            }
        }
    }
}
