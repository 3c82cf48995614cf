package dev.nfct.kafka;

import dev.nfct.avro.PacketEvent;
import dev.nfct.flink.format.AvroSingleObjectSerializer;
import dev.nfct.flink.records.HookEvents;
import dev.nfct.packet.CaptureReader;
import dev.nfct.packet.CapturedDatagram;
import dev.nfct.replay.HookObservation;
import dev.nfct.replay.HookObservationReader;
import dev.nfct.replay.Timing;
import dev.nfct.schema.PacketEvents;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends a capture to the packet topic as single-observation {@code PacketEvent}s of one host, in
 * capture order, keyed by host: a host's packets all go to one partition, in order, which is the
 * job's input contract. What {@code send} and {@code demo} feed the job with.
 */
public final class PacketSender {
    /** Where the packets' times come from. */
    public record Clock(Timing timing, boolean startNow, long shiftNs) {
        /** The capture's times as they are ({@code top}: all at the first one's). */
        public static Clock of(Timing timing) {
            return new Clock(timing, false, 0);
        }

        /**
         * The capture moved in time, by whole seconds, so that its first packet is within the
         * second sending starts in.
         */
        public static Clock startingNow(Timing timing) {
            return new Clock(timing, true, 0);
        }
    }

    private final String topic;
    private final String host;
    private final Clock clock;
    private final long ratePerSecond;
    private final Map<String, Object> clientConfig;
    private Duration reachTimeout = Duration.ofSeconds(30);
    private PrintStream progress;
    private Duration progressEvery = Duration.ofSeconds(5);

    /**
     * @param ratePerSecond at most this many packets per second, 0 for no limit
     * @param clientConfig Kafka client settings (bootstrap.servers at least)
     */
    public PacketSender(String topic, String host, Clock clock, long ratePerSecond, Map<String, Object> clientConfig) {
        this.topic = topic;
        this.host = host;
        this.clock = clock;
        this.ratePerSecond = ratePerSecond;
        this.clientConfig = clientConfig;
    }

    /** How long to wait for the brokers before giving up (default 30 s). */
    public PacketSender reachTimeout(Duration timeout) {
        this.reachTimeout = timeout;
        return this;
    }

    /** Report progress on {@code out} every {@code every} (one line each). */
    public PacketSender progress(PrintStream out, Duration every) {
        this.progress = out;
        this.progressEvery = every;
        return this;
    }

    /**
     * Checks that the brokers answer and the topic exists, within the reach timeout.
     *
     * @throws KafkaUnavailableException saying which of the two failed
     */
    public void checkTopic() {
        KafkaReach.requireTopics(clientConfig, List.of(topic), reachTimeout);
    }

    /**
     * Sends every datagram of {@code capture}, each as a packet seen once (entry and exit hook in
     * one record), and waits until the brokers have them all.
     *
     * @return the number of packet records sent
     * @throws IllegalArgumentException when a packet's time would not be a positive event time
     * @throws KafkaUnavailableException when the brokers refuse or lose records
     */
    public long send(CaptureReader capture) throws IOException {
        // Each record carries the producer's verdict on its checksum, by the kernel's rules for a
        // packet entering at PRE_ROUTING; the job honours it only with nf_conntrack_checksum=1.
        capture.verifyChecksums(true);
        capture.fragmentTimeoutsByCaptureTime(clock.timing() == Timing.CAPTURE);
        return send(new Source() {
            private CapturedDatagram d;

            @Override
            public boolean next() throws IOException {
                return (d = capture.next()) != null;
            }

            @Override
            public long time() {
                return d.timestampNanos();
            }

            @Override
            public PacketEvent event(long seq, long ts) {
                return PacketEvents.fromPacket(d.packet(), host, seq, ts);
            }
        });
    }

    /**
     * Sends a host's hook observations, each at its hook with its own packet id and verdict, and
     * waits until the brokers have them all.
     *
     * @return the number of packet records sent
     */
    public long send(HookObservationReader observations) throws IOException {
        return send(new Source() {
            private HookObservation o;

            @Override
            public boolean next() throws IOException {
                return (o = observations.next()) != null;
            }

            @Override
            public long time() {
                return o.timestampNanos();
            }

            @Override
            public PacketEvent event(long seq, long ts) {
                return HookEvents.of(o, host, ts);
            }
        });
    }

    /** What is sent: one packet record after another. */
    private interface Source {
        /** Moves to the next packet; false after the last. */
        boolean next() throws IOException;

        /** The current packet's own time (ns). */
        long time();

        /** The current packet's record, the {@code seq}th sent, at time {@code ts}. */
        PacketEvent event(long seq, long ts);
    }

    private long send(Source source) throws IOException {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        c.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        c.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        c.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "10");
        c.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        c.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(reachTimeout.toMillis()));
        AvroSingleObjectSerializer<PacketEvent> ser = new AvroSingleObjectSerializer<>(PacketEvent.class);
        ser.open(null);
        byte[] key = host.getBytes(StandardCharsets.UTF_8);
        AtomicReference<Exception> failed = new AtomicReference<>();
        long n = 0;
        long first = Long.MIN_VALUE;
        long shift = clock.shiftNs();
        long startNanos = System.nanoTime();
        long nextReport = startNanos + progressEvery.toNanos();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(c)) {
            while (source.next()) {
                if (first == Long.MIN_VALUE) {
                    first = source.time();
                    if (clock.startNow()) {
                        // By whole seconds: each time keeps its place within its second, so what is
                        // counted in seconds (conntrack's delta-time) comes out as for the capture.
                        long second = 1_000_000_000L;
                        shift = Math.floorDiv(System.currentTimeMillis() * 1_000_000L, second) * second
                                - Math.floorDiv(first, second) * second;
                    }
                }
                // Top timing: the whole capture at its first instant, as a top-speed replay.
                long ts = (clock.timing() == Timing.TOP ? first : source.time()) + shift;
                if (ts <= 0) {
                    throw new IllegalArgumentException("packet " + (n + 1) + " would be at " + ts
                            + " ns, not a positive time since the epoch: shift the capture later"
                            + " (--time-shift, or --time-shift now)");
                }
                producer.send(new ProducerRecord<>(topic, key, ser.serialize(source.event(++n, ts))), (meta, e) -> {
                    if (e != null) {
                        failed.compareAndSet(null, e);
                    }
                });
                if (failed.get() != null) {
                    break;
                }
                pace(n, startNanos);
                if (progress != null && System.nanoTime() >= nextReport) {
                    long elapsed = System.nanoTime() - startNanos;
                    progress.println(
                            "send: " + n + " packets (" + n * 1_000_000_000L / Math.max(1, elapsed) + " packets/s)");
                    nextReport += progressEvery.toNanos();
                }
            }
            producer.flush();
        }
        if (failed.get() != null) {
            throw new KafkaUnavailableException(
                    "Kafka refused a packet record: " + failed.get().getMessage());
        }
        return n;
    }

    /** Sleeps as long as sending is ahead of the rate limit. */
    private void pace(long sent, long startNanos) {
        if (ratePerSecond <= 0) {
            return;
        }
        long due = startNanos + sent * 1_000_000_000L / ratePerSecond;
        long ahead = due - System.nanoTime();
        if (ahead > 1_000_000L) {
            try {
                TimeUnit.NANOSECONDS.sleep(ahead);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaUnavailableException("interrupted while sending");
            }
        }
    }
}
