package dev.nfct.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Topic creation that returns only once the topics can be used.
 *
 * <p>Producing right after {@code createTopics} can lose the first batch after two minutes of retries
 * (KAFKA-15591 / KAFKA-19880, open in 4.1): a topic counts as ready here only once every partition
 * has a leader in the metadata a fresh client receives and that leader answers a ListOffsets request.
 */
final class TopicAdmin {
    private static final long MAX_CALL_MS = 2_000;
    /** A call needs this long at least to have a chance; the last one may overrun the deadline by it. */
    private static final long MIN_CALL_MS = 100;

    private static final String NO_ANSWER = "no answer in time";
    private static final String LEADERS = "(leaders)";

    private TopicAdmin() {}

    /**
     * Creates the topics and waits until they are ready.
     *
     * @param skipExisting true: topics that exist already are left as they are (and waited for);
     *                     false: an existing topic is an error
     * @return the names of the topics this call created
     */
    static List<String> createAndAwait(
            Map<String, Object> adminConfig, List<NewTopic> topics, boolean skipExisting, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String where = String.valueOf(adminConfig.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
        List<String> created = new ArrayList<>();
        Map<String, Integer> expected = new LinkedHashMap<>();
        try (Admin admin = Admin.create(adminConfig)) {
            List<NewTopic> toCreate = new ArrayList<>(topics);
            if (skipExisting) {
                Set<String> existing = get(
                        admin.listTopics(new ListTopicsOptions().timeoutMs(wholeMs(deadline)))
                                .names(),
                        deadline,
                        "listing the topics on " + where);
                toCreate.removeIf(t -> existing.contains(t.name()));
                topics.stream().filter(t -> existing.contains(t.name())).forEach(t -> expected.put(t.name(), 1));
            }
            if (!toCreate.isEmpty()) {
                Map<String, KafkaFuture<Void>> results = admin.createTopics(
                                toCreate, new CreateTopicsOptions().timeoutMs(wholeMs(deadline)))
                        .values();
                for (NewTopic topic : toCreate) {
                    try {
                        results.get(topic.name()).get(Math.max(1, remainingMs(deadline)), TimeUnit.MILLISECONDS);
                        created.add(topic.name());
                        expected.put(topic.name(), topic.numPartitions());
                    } catch (ExecutionException e) {
                        Throwable cause = e.getCause();
                        if (cause instanceof TopicExistsException && skipExisting) {
                            expected.put(topic.name(), 1); // created by someone else meanwhile
                        } else {
                            throw new KafkaException(
                                    "Could not create topic '" + topic.name() + "' (" + describe(topic) + ") on "
                                            + where + ": " + cause.getMessage(),
                                    cause);
                        }
                    } catch (java.util.concurrent.TimeoutException e) {
                        throw new TimeoutException("Timed out after " + timeout.toMillis() + " ms creating topic '"
                                + topic.name() + "' (" + describe(topic) + ") on " + where);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new KafkaException("Interrupted while creating topic '" + topic.name() + "'", e);
                    }
                }
            }
        }
        awaitReady(adminConfig, expected, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        return created;
    }

    /**
     * Waits until each topic exists with at least the given number of partitions, each with a leader
     * that answers, as seen by a client created for the purpose.
     */
    static void awaitReady(Map<String, Object> adminConfig, Map<String, Integer> minPartitions, Duration timeout) {
        if (minPartitions.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        String where = String.valueOf(adminConfig.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
        Map<String, Object> config = new HashMap<>(adminConfig);
        config.compute(AdminClientConfig.CLIENT_ID_CONFIG, (k, v) -> (v == null ? "nfct" : v) + "-readiness");
        // what stands in the way, per topic; a later "no answer in time" does not hide an earlier finding
        Map<String, String> problems = new TreeMap<>();
        long backoff = 10;
        try (Admin admin = Admin.create(config)) {
            do {
                Map<String, String> current = new TreeMap<>();
                Map<String, KafkaFuture<TopicDescription>> descriptions = admin.describeTopics(
                                minPartitions.keySet(), new DescribeTopicsOptions().timeoutMs(callMs(deadline)))
                        .topicNameValues();
                Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
                for (Map.Entry<String, Integer> topic : minPartitions.entrySet()) {
                    String name = topic.getKey();
                    TopicDescription description;
                    try {
                        description = descriptions.get(name).get(callMs(deadline) + 500L, TimeUnit.MILLISECONDS);
                    } catch (ExecutionException e) {
                        Throwable cause = e.getCause();
                        if (cause instanceof UnknownTopicOrPartitionException) {
                            current.put(name, "not in the metadata");
                        } else if (cause instanceof TimeoutException) {
                            current.put(name, NO_ANSWER);
                        } else if (cause instanceof RetriableException) {
                            current.put(name, cause.toString());
                        } else {
                            throw new KafkaException(
                                    "Cannot describe topic '" + name + "' on " + where + ": " + cause.getMessage(),
                                    cause);
                        }
                        continue;
                    } catch (java.util.concurrent.TimeoutException e) {
                        current.put(name, NO_ANSWER);
                        continue;
                    }
                    List<Integer> leaderless = new ArrayList<>();
                    for (TopicPartitionInfo p : description.partitions()) {
                        if (p.leader() == null || p.leader().isEmpty()) {
                            leaderless.add(p.partition());
                        } else {
                            partitions.put(new TopicPartition(name, p.partition()), OffsetSpec.latest());
                        }
                    }
                    if (description.partitions().size() < topic.getValue()) {
                        current.put(
                                name,
                                description.partitions().size() + " of " + topic.getValue()
                                        + " partitions in the metadata");
                    } else if (!leaderless.isEmpty()) {
                        current.put(name, "partitions " + leaderless + " have no leader");
                    }
                }
                if (current.isEmpty()) {
                    try {
                        admin.listOffsets(partitions, new ListOffsetsOptions().timeoutMs(callMs(deadline)))
                                .all()
                                .get(callMs(deadline) + 500L, TimeUnit.MILLISECONDS);
                        return;
                    } catch (ExecutionException e) {
                        current.put(
                                LEADERS,
                                e.getCause() instanceof TimeoutException
                                        ? NO_ANSWER
                                        : "the partition leaders do not answer yet: " + e.getCause());
                    } catch (java.util.concurrent.TimeoutException e) {
                        current.put(LEADERS, NO_ANSWER);
                    }
                }
                Map<String, String> previous = new TreeMap<>(problems);
                problems.clear();
                current.forEach((topic, problem) -> problems.put(
                        topic, NO_ANSWER.equals(problem) ? previous.getOrDefault(topic, problem) : problem));
                EmbeddedKafka.sleep(Math.min(backoff, Math.max(1, remainingMs(deadline))));
                backoff = Math.min(200, backoff * 2);
            } while (remainingMs(deadline) > 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("Interrupted while waiting for topics " + minPartitions.keySet(), e);
        }
        StringBuilder message = new StringBuilder("Timed out after ")
                .append(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))
                .append(" ms waiting for topic(s) ")
                .append(minPartitions.keySet())
                .append(" on ")
                .append(where)
                .append(" to be ready:");
        problems.forEach((topic, problem) ->
                message.append(' ').append(topic).append(": ").append(problem).append(';'));
        message.setLength(message.length() - 1);
        throw new TimeoutException(message.toString());
    }

    private static String describe(NewTopic topic) {
        return (topic.numPartitions() < 0 ? "default" : Integer.toString(topic.numPartitions())) + " partitions, "
                + "replication factor " + (topic.replicationFactor() < 0 ? "default" : topic.replicationFactor());
    }

    private static <T> T get(KafkaFuture<T> future, long deadline, String what) {
        try {
            return future.get(Math.max(1, remainingMs(deadline)), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new KafkaException("Failed " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new TimeoutException("Timed out " + what);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("Interrupted " + what, e);
        }
    }

    private static long remainingMs(long deadline) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    private static int wholeMs(long deadline) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, remainingMs(deadline)));
    }

    private static int callMs(long deadline) {
        return (int) Math.max(MIN_CALL_MS, Math.min(MAX_CALL_MS, remainingMs(deadline)));
    }
}
