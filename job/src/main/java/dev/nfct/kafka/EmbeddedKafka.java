package dev.nfct.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker inside this JVM: one KRaft node that is both broker and controller, bound to
 * {@code 127.0.0.1} only, with settings for a single-node dev box (replication factor 1 and
 * {@code min.insync.replicas} 1 everywhere, including the offsets and transaction-state logs; no group
 * rebalance delay; automatic topic creation off).
 *
 * <p>This is the production {@code KafkaRaftServer} of {@code kafka_2.13}, formatted in code with
 * {@code StorageTool}, not the test kit: the test kit binds its pre-allocated ports on every interface.
 *
 * <p>Starting one installs a JVM-wide guard on Kafka's {@link Exit} so that a fatal broker error
 * cannot terminate the process: the exit/halt request is logged, recorded (see {@link #fatalError()})
 * and turned into an exception in the broker thread that asked for it. The guard stays installed.
 *
 * <p>Transactions: the broker keeps Kafka's {@code transaction.max.timeout.ms} of 15 minutes, so a
 * Flink {@code KafkaSink} with exactly-once delivery needs {@code transaction.timeout.ms} of at most
 * 900000 (its default, one hour, is refused), or a larger maximum passed in the broker properties.
 *
 * <p>Measured on a 2-core box: the first start in a JVM takes 1.5-3.5 s (mostly class loading),
 * later ones 0.3-0.5 s; closing takes 0.2-0.5 s. A JVM shutdown hook closes a broker left open.
 * Not tuned for throughput.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    /** The one node's id; also the id a reused data directory must have been formatted with. */
    static final int NODE_ID = 1;

    static final String BROKER_LISTENER = "PLAINTEXT";
    static final String CONTROLLER_LISTENER = "CONTROLLER";
    static final String HOST = "127.0.0.1";

    /** How long {@link #createTopic} waits for leaders and metadata before giving up. */
    public static final Duration DEFAULT_TOPIC_TIMEOUT = Duration.ofSeconds(30);

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final int BIND_ATTEMPTS = 3;

    private static final AtomicReference<String> FATAL_ERROR = new AtomicReference<>();
    private static boolean exitGuardInstalled;

    private final KafkaRaftServer server;
    private final Path dataDir;
    private final boolean deleteDataDir;
    private final String bootstrapServers;
    private final int controllerPort;
    private final String clusterId;
    private final Thread shutdownHook;
    private final Object closeLock = new Object();
    private boolean closed;

    private EmbeddedKafka(
            KafkaRaftServer server,
            Path dataDir,
            boolean deleteDataDir,
            int brokerPort,
            int controllerPort,
            String clusterId) {
        this.server = server;
        this.dataDir = dataDir;
        this.deleteDataDir = deleteDataDir;
        this.bootstrapServers = HOST + ":" + brokerPort;
        this.controllerPort = controllerPort;
        this.clusterId = clusterId;
        this.shutdownHook = new Thread(this::closeFromHook, "embedded-kafka-shutdown-hook");
    }

    /** Starts a broker whose data lives in a fresh temporary directory that {@link #close()} removes. */
    public static EmbeddedKafka start() {
        return start(null, Map.of());
    }

    /**
     * Starts a broker.
     *
     * @param dataDir          where the broker keeps its logs and metadata; {@code null} for a fresh
     *                         temporary directory removed on close. A given directory is created if
     *                         missing, reused if it already holds a formatted broker (topics and data
     *                         survive a restart) and left in place on close.
     * @param brokerProperties extra or overriding broker settings (for example
     *                         {@code log.retention.ms}); the listeners, roles and node id cannot be changed.
     */
    public static EmbeddedKafka start(Path dataDir, Map<String, String> brokerProperties) {
        Objects.requireNonNull(brokerProperties, "brokerProperties");
        for (String fixed : List.of(
                "process.roles",
                "node.id",
                "listeners",
                "advertised.listeners",
                "controller.quorum.voters",
                "controller.quorum.bootstrap.servers",
                "controller.listener.names",
                "listener.security.protocol.map",
                "inter.broker.listener.name",
                "log.dirs",
                "log.dir",
                "metadata.log.dir")) {
            if (brokerProperties.containsKey(fixed)) {
                throw new IllegalArgumentException(
                        "EmbeddedKafka sets '" + fixed + "' itself; it cannot be overridden");
            }
        }
        installExitGuard();
        long started = System.nanoTime();
        boolean temporary = dataDir == null;
        Path dir;
        try {
            dir = temporary ? Files.createTempDirectory("nfct-kafka-") : Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new KafkaException("Cannot create the broker's data directory " + dataDir, e);
        }
        try {
            EmbeddedKafka kafka = startWithRetries(dir, temporary, brokerProperties);
            try {
                kafka.awaitBrokerReady(READY_TIMEOUT);
            } catch (RuntimeException e) {
                kafka.close();
                throw e;
            }
            Runtime.getRuntime().addShutdownHook(kafka.shutdownHook);
            LOG.info(
                    "Kafka broker ready at {} in {} ms (cluster {}, data in {})",
                    kafka.bootstrapServers,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                    kafka.clusterId,
                    dir);
            return kafka;
        } catch (RuntimeException | Error e) {
            if (temporary) {
                deleteQuietly(dir);
            }
            throw e;
        }
    }

    private static EmbeddedKafka startWithRetries(Path dir, boolean temporary, Map<String, String> extra) {
        // The two ports are found free and released before Kafka binds them: another process can take
        // one in between. That is unlikely (the kernel does not hand a just-released ephemeral port out
        // again at once) and costs one retry.
        for (int attempt = 1; ; attempt++) {
            int brokerPort = freePort();
            int controllerPort = freePort();
            while (controllerPort == brokerPort) {
                controllerPort = freePort();
            }
            Properties props = brokerProperties(dir, brokerPort, controllerPort, extra);
            long t0 = System.nanoTime();
            String clusterId = format(dir, props);
            long t1 = System.nanoTime();
            KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
            long t2 = System.nanoTime();
            try {
                server.startup();
                LOG.debug(
                        "Broker storage formatted in {} ms, server built in {} ms, started in {} ms",
                        (t1 - t0) / 1_000_000,
                        (t2 - t1) / 1_000_000,
                        (System.nanoTime() - t2) / 1_000_000);
                return new EmbeddedKafka(server, dir, temporary, brokerPort, controllerPort, clusterId);
            } catch (RuntimeException e) {
                shutdownQuietly(server);
                if (attempt < BIND_ATTEMPTS && hasCause(e, BindException.class)) {
                    LOG.warn(
                            "Port {} or {} was taken before the broker could bind it; retrying",
                            brokerPort,
                            controllerPort);
                    continue;
                }
                throw new KafkaException("The embedded Kafka broker failed to start (data in " + dir + ")", e);
            }
        }
    }

    static Properties brokerProperties(Path dir, int brokerPort, int controllerPort, Map<String, String> extra) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put(
                "listeners",
                BROKER_LISTENER + "://" + HOST + ":" + brokerPort + "," + CONTROLLER_LISTENER + "://" + HOST + ":"
                        + controllerPort);
        p.put("advertised.listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort);
        p.put("listener.security.protocol.map", BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("inter.broker.listener.name", BROKER_LISTENER);
        p.put("log.dirs", dir.resolve("logs").toAbsolutePath().toString());
        // one node: nothing can be replicated
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("num.partitions", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        // The default cleaner buffer (128 MiB, allocated up front) is meant for a dedicated machine.
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 << 20));
        // fail instead of waiting forever for the broker to be unfenced
        p.put("server.max.startup.time.ms", Long.toString(READY_TIMEOUT.toMillis()));
        p.putAll(extra);
        Properties props = new Properties();
        props.putAll(p);
        return props;
    }

    /**
     * Formats the log directory unless it already holds a broker's data (then reused as it is);
     * returns the cluster id.
     */
    private static String format(Path dir, Properties props) {
        Path configFile = dir.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(configFile)) {
            props.store(out, "written by dev.nfct.kafka.EmbeddedKafka; rewritten at every start");
        } catch (IOException e) {
            throw new KafkaException("Cannot write " + configFile, e);
        }
        Path metaFile = dir.resolve("logs").resolve("meta.properties");
        if (Files.exists(metaFile)) {
            Properties meta = new Properties();
            try (var in = Files.newInputStream(metaFile)) {
                meta.load(in);
            } catch (IOException e) {
                throw new KafkaException("Cannot read " + metaFile, e);
            }
            String nodeId = meta.getProperty("node.id");
            if (!Integer.toString(NODE_ID).equals(nodeId)) {
                throw new KafkaException(dir + " holds the data of node " + nodeId + ", not of node " + NODE_ID);
            }
            return meta.getProperty("cluster.id");
        }
        String clusterId = Uuid.randomUuid().toString();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int rc;
        // StorageTool prints a report: keep it off stdout, which the CLI reserves for events.
        try (PrintStream ps = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            rc = StorageTool.execute(
                    new String[] {"format", "--config", configFile.toString(), "--cluster-id", clusterId}, ps);
        } catch (RuntimeException e) {
            throw new KafkaException(
                    "Formatting the broker's storage in " + dir + " failed: "
                            + output.toString(StandardCharsets.UTF_8).trim(),
                    e);
        }
        if (rc != 0) {
            throw new KafkaException("Formatting the broker's storage in " + dir + " failed (" + rc + "): "
                    + output.toString(StandardCharsets.UTF_8).trim());
        }
        LOG.debug("StorageTool: {}", output.toString(StandardCharsets.UTF_8).trim());
        return clusterId;
    }

    /** Waits until a fresh client sees the broker registered and unfenced. */
    private void awaitBrokerReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        try (Admin admin = Admin.create(adminConfig())) {
            while (System.nanoTime() < deadline) {
                try {
                    if (!admin.describeCluster(new DescribeClusterOptions().timeoutMs(2_000))
                            .nodes()
                            .get(2_500, TimeUnit.MILLISECONDS)
                            .isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                    last = e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new KafkaException("Interrupted while waiting for the broker", e);
                }
                sleep(20);
            }
        }
        throw new org.apache.kafka.common.errors.TimeoutException(
                "The embedded broker at " + bootstrapServers + " did not answer within " + timeout.toMillis() + " ms",
                last);
    }

    /** {@code host:port} of the broker, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** {@code host:port} of the controller, for {@code bootstrap.controllers} (admin clients only). */
    public String bootstrapControllers() {
        return HOST + ":" + controllerPort;
    }

    public String clusterId() {
        return clusterId;
    }

    /** The directory holding the broker's logs (removed on close when it was a temporary one). */
    public Path dataDir() {
        return dataDir;
    }

    /** A fresh map with {@code bootstrap.servers}; add the client's own settings to it. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return config;
    }

    private Map<String, Object> adminConfig() {
        Map<String, Object> config = clientConfig();
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "nfct-embedded-kafka-admin");
        return config;
    }

    /**
     * Creates a topic (replication factor 1) and returns once every partition has a leader that
     * answers a fresh client; throws a {@link KafkaException} if the topic cannot be created (for
     * example because it exists) and a {@link org.apache.kafka.common.errors.TimeoutException} if it
     * is not ready within {@link #DEFAULT_TOPIC_TIMEOUT}.
     */
    public void createTopic(String name, int partitions, Map<String, String> config) {
        createTopic(name, partitions, (short) 1, config, DEFAULT_TOPIC_TIMEOUT);
    }

    /** {@link #createTopic(String, int, Map)} with a given replication factor and time limit. */
    public void createTopic(
            String name, int partitions, short replicationFactor, Map<String, String> config, Duration timeout) {
        ensureOpen();
        NewTopic topic = new NewTopic(name, partitions, replicationFactor).configs(Map.copyOf(config));
        TopicAdmin.createAndAwait(adminConfig(), List.of(topic), false, timeout);
    }

    /** Creates a compacted topic ({@code cleanup.policy=compact}), as {@link #createTopic(String, int, Map)}. */
    public void createCompactedTopic(String name, int partitions) {
        createCompactedTopic(name, partitions, Map.of());
    }

    /** Creates a compacted topic with further settings, as {@link #createTopic(String, int, Map)}. */
    public void createCompactedTopic(String name, int partitions, Map<String, String> config) {
        Map<String, String> all = new LinkedHashMap<>(config);
        all.put("cleanup.policy", "compact");
        createTopic(name, partitions, all);
    }

    /**
     * Waits until the topic exists with at least {@code partitions} partitions, each with a leader
     * that answers a fresh client (use after creating a topic some other way).
     */
    public void awaitTopicReady(String name, int partitions, Duration timeout) {
        ensureOpen();
        TopicAdmin.awaitReady(adminConfig(), Map.of(name, partitions), timeout);
    }

    /**
     * The message of a fatal error the broker reported by asking for the JVM to exit or halt, which
     * the guard refused; empty if none did. Shared by every broker of this JVM.
     */
    public static Optional<String> fatalError() {
        return Optional.ofNullable(FATAL_ERROR.get());
    }

    /** Forgets the recorded fatal error (tests). */
    static void clearFatalError() {
        FATAL_ERROR.set(null);
    }

    public boolean isClosed() {
        synchronized (closeLock) {
            return closed;
        }
    }

    /** Stops the broker and, if it was a temporary one, deletes its data. Idempotent. */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is exiting; the hook is (or was) running
        }
        doClose();
    }

    private void closeFromHook() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        doClose();
    }

    private void doClose() {
        long started = System.nanoTime();
        shutdownQuietly(server);
        if (deleteDataDir) {
            deleteQuietly(dataDir);
        }
        LOG.info(
                "Kafka broker at {} stopped in {} ms",
                bootstrapServers,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    private void ensureOpen() {
        if (isClosed()) {
            throw new IllegalStateException("The embedded Kafka broker at " + bootstrapServers + " is closed");
        }
    }

    @Override
    public String toString() {
        return "EmbeddedKafka[" + bootstrapServers + ", " + dataDir + (isClosed() ? ", closed]" : "]");
    }

    // ---------------------------------------------------------------------------------------------

    /**
     * Makes Kafka's {@code Exit.exit/halt} throw instead of ending the JVM. Kafka calls them on
     * errors it deems fatal for a broker process (for example the loss of all log directories);
     * in this process the job and the CLI must survive them.
     */
    static synchronized void installExitGuard() {
        if (exitGuardInstalled) {
            return;
        }
        Exit.setExitProcedure((status, message) -> refuse("exit", status, message));
        Exit.setHaltProcedure((status, message) -> refuse("halt", status, message));
        exitGuardInstalled = true;
    }

    private static void refuse(String what, int status, String message) {
        String description =
                "Kafka asked the JVM to " + what + " with status " + status + (message == null ? "" : ": " + message);
        FATAL_ERROR.compareAndSet(null, description);
        LOG.error("{} (refused by EmbeddedKafka; the embedded broker is probably unusable now)", description);
        throw new EmbeddedKafkaFatalError(description);
    }

    /** Thrown in the Kafka thread that asked the JVM to exit or halt. */
    public static final class EmbeddedKafkaFatalError extends KafkaException {
        private static final long serialVersionUID = 1L;

        EmbeddedKafkaFatalError(String message) {
            super(message);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new KafkaException("Cannot find a free port on " + HOST, e);
        }
    }

    private static void shutdownQuietly(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.warn("Error while stopping the embedded Kafka broker", e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            Utils.delete(dir.toFile());
        } catch (IOException e) {
            LOG.warn("Cannot delete {}", dir, e);
        }
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("Interrupted", e);
        }
    }
}
