package dev.nfct.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Checks, before anything starts, that the brokers answer and the topics exist: a command that
 * needs Kafka says in one line what is wrong instead of retrying for ever.
 */
public final class KafkaReach {
    private KafkaReach() {}

    /**
     * @param clientConfig Kafka client settings, {@code bootstrap.servers} and security
     * @throws KafkaUnavailableException naming the missing topics, or saying the brokers did not answer
     */
    public static void requireTopics(Map<String, Object> clientConfig, Collection<String> topics, Duration timeout) {
        Map<String, Object> c = new HashMap<>(clientConfig);
        int ms = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
        c.put("default.api.timeout.ms", ms);
        c.put("request.timeout.ms", Math.min(ms, 30_000));
        c.putIfAbsent("client.id", "nfct-check");
        Object where = c.get("bootstrap.servers");
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> missing = new ArrayList<>();
        try (Admin admin = Admin.create(c)) {
            Map<String, KafkaFuture<org.apache.kafka.clients.admin.TopicDescription>> answers =
                    admin.describeTopics(topics).topicNameValues();
            for (Map.Entry<String, KafkaFuture<org.apache.kafka.clients.admin.TopicDescription>> a :
                    answers.entrySet()) {
                try {
                    a.getValue().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                        missing.add(a.getKey());
                    } else {
                        throw new KafkaUnavailableException("cannot use Kafka at " + where + ": "
                                + e.getCause().getMessage());
                    }
                }
            }
        } catch (java.util.concurrent.TimeoutException e) {
            throw new KafkaUnavailableException("cannot reach Kafka at " + where + " within " + timeout.toSeconds()
                    + " s (are the brokers up and reachable, and the security settings right?)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailableException("interrupted while reaching Kafka at " + where);
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new KafkaUnavailableException("cannot use Kafka at " + where + ": " + e.getMessage());
        }
        if (!missing.isEmpty()) {
            throw new KafkaUnavailableException((missing.size() == 1 ? "topic " : "topics ")
                    + String.join(", ", missing) + (missing.size() == 1 ? " does" : " do") + " not exist on " + where
                    + " (create them with `run --create-topics N`)");
        }
    }
}
