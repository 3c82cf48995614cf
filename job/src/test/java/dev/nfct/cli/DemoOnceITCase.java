package dev.nfct.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.avro.DeadLetter;
import dev.nfct.flink.format.AvroSingleObjectSerializer;
import dev.nfct.flink.io.Topics;
import dev.nfct.kafka.EmbeddedKafka;
import dev.nfct.kafka.TopicSetup;
import dev.nfct.testing.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code demo --once} prints what {@code replay} prints for a capture whose clock starts at 0 (as
 * generated captures' do), and fails, saying how many and why, when packets went to dead letters.
 */
class DemoOnceITCase {
    @TempDir
    Path dir;

    @Test
    void aCaptureWhoseTimestampsStartAtZeroGivesWhatReplayGives() throws IOException {
        Path zero = rewrite(dir.resolve("zero.pcap"), (first, i, us) -> us - first);
        CommandRun replay = CommandRun.of(ReplayCommand::run, "--pcap", zero.toString());
        CommandRun demo = CommandRun.of(DemoCommand::run, "--pcap", zero.toString(), "--once");
        assertThat(replay.status).isZero();
        assertThat(replay.lines()).isNotEmpty();
        assertThat(demo.status).as(demo.err).isZero();
        assertThat(demo.lines()).containsExactlyElementsOf(replay.lines());
    }

    /**
     * With the capture's own times, expiries come out as {@code replay}'s do: here the last packet
     * comes 30.5 s after the one before it, just after the UDP and ICMP flows' deadlines (30 s
     * after their last packets), so the flows expire right before it, in replay and in the demo.
     */
    @Test
    void withCaptureTimingExpiriesAreReplaysToo() throws IOException {
        var datagrams = dev.nfct.packet.Captures.datagrams(SharedData.sample());
        long beforeLastUs = datagrams.get(datagrams.size() - 2).timestampNanos() / 1000;
        // Half a second after every 30 s deadline: within the job's default out-of-orderness (2 s),
        // which a capture sent as one host in order does not need.
        Path late =
                rewrite(dir.resolve("late-last.pcap"), (first, i, us) -> i == LAST ? beforeLastUs + 30_500_000L : us);
        CommandRun replay = CommandRun.of(ReplayCommand::run, "--pcap", late.toString(), "--timing", "capture");
        CommandRun demo = CommandRun.of(DemoCommand::run, "--pcap", late.toString(), "--timing", "capture", "--once");
        assertThat(replay.lines()).anyMatch(l -> l.startsWith("[DESTROY]") && l.contains(" udp "));
        assertThat(demo.status).as(demo.err).isZero();
        assertThat(demo.lines()).containsExactlyElementsOf(replay.lines());
    }

    /**
     * What {@code --once} does at the end: a dead letter on the topic fails the run and is counted
     * by reason. (A capture cannot be made to produce one on demand: lateness depends on when
     * the source's periodic watermark comes.)
     */
    @Test
    void packetsThatWentToDeadLettersAreCountedByReasonAndFailTheRun() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            Topics topics = Topics.defaults().withPrefix("dl.");
            TopicSetup.createAll(topics, kafka, 1);
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            PrintStream errs = new PrintStream(err, true, StandardCharsets.UTF_8);
            assertThat(DemoCommand.accountFor(59, topics, kafka, errs))
                    .as("no dead letters")
                    .isZero();
            Map<String, Object> c = new HashMap<>(kafka.clientConfig());
            c.put("key.serializer", ByteArraySerializer.class.getName());
            c.put("value.serializer", ByteArraySerializer.class.getName());
            AvroSingleObjectSerializer<DeadLetter> ser = new AvroSingleObjectSerializer<>(DeadLetter.class);
            ser.open(null);
            try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(c)) {
                for (String reason : new String[] {"late", "late", "undecodable"}) {
                    DeadLetter d = DeadLetter.newBuilder()
                            .setReason(reason)
                            .setTopic(topics.packets())
                            .setPartition(0)
                            .setOffset(1)
                            .setTimestampMs(0)
                            .setKey(null)
                            .setValue(ByteBuffer.wrap(new byte[] {1}))
                            .build();
                    p.send(new ProducerRecord<>(topics.deadLetters(), ser.serialize(d)))
                            .get();
                }
            }
            assertThat(DemoCommand.accountFor(59, topics, kafka, errs)).isEqualTo(1);
            assertThat(err.toString(StandardCharsets.UTF_8))
                    .contains("3 of 59 packets went to dead letters")
                    .contains("late=2")
                    .contains("undecodable=1");
        }
    }

    private static final int LAST = -1;

    /** New timestamp (µs) of record {@code index} (LAST for the last one), given the first's and its own. */
    interface Stamp {
        long of(long firstMicros, int index, long micros);
    }

    /** The sample capture (classic pcap, µs, little-endian) with each record's time rewritten. */
    private static Path rewrite(Path out, Stamp stamp) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(SharedData.sample())).order(ByteOrder.LITTLE_ENDIAN);
        int records = 0;
        for (int at = 24; at + 16 <= b.limit(); at += 16 + b.getInt(at + 8)) {
            records++;
        }
        long first = -1;
        int i = 0;
        for (int at = 24; at + 16 <= b.limit(); at += 16 + b.getInt(at + 8), i++) {
            long us = (b.getInt(at) & 0xffffffffL) * 1_000_000L + (b.getInt(at + 4) & 0xffffffffL);
            if (first < 0) {
                first = us;
            }
            long t = stamp.of(first, i == records - 1 ? LAST : i, us);
            b.putInt(at, (int) (t / 1_000_000L));
            b.putInt(at + 4, (int) (t % 1_000_000L));
        }
        return Files.write(out, b.array());
    }
}
