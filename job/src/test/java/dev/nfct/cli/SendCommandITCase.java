package dev.nfct.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.avro.PacketEvent;
import dev.nfct.flink.format.AvroSingleObjectDeserializer;
import dev.nfct.flink.io.Topics;
import dev.nfct.kafka.CommittedReader;
import dev.nfct.kafka.EmbeddedKafka;
import dev.nfct.kafka.EmbeddedKafkaExtension;
import dev.nfct.kafka.TopicSetup;
import dev.nfct.packet.CapturedDatagram;
import dev.nfct.packet.Captures;
import dev.nfct.testing.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code send} into a real broker: a capture on standard input, moved in time and rate-limited. */
class SendCommandITCase {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @Test
    void aCaptureOnStandardInputArrivesInOrderShiftedAndNoFasterThanTheRate() throws Exception {
        EmbeddedKafka kafka = KAFKA.broker();
        Topics topics = Topics.defaults().withPrefix("stdin.");
        TopicSetup.createAll(topics, kafka, 3);
        Path sample = SharedData.sample();
        List<CapturedDatagram> datagrams = Captures.datagrams(sample);
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int rate = 40;
        long t0 = System.nanoTime();
        int status;
        try (InputStream in = Files.newInputStream(sample)) {
            status = SendCommand.run(
                    new String[] {
                        "-b",
                        kafka.bootstrapServers(),
                        "--pcap",
                        "-",
                        "--host",
                        "tap",
                        "--topic-prefix",
                        "stdin.",
                        "--time-shift",
                        "1h",
                        "--rate",
                        Integer.toString(rate)
                    },
                    in,
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        String errors = err.toString(StandardCharsets.UTF_8);
        assertThat(status).as(errors).isZero();
        assertThat(out.size()).as("standard output stays empty").isZero();
        assertThat(errors.lines().reduce((a, b) -> b).orElseThrow())
                .isEqualTo(
                        "send: sent " + datagrams.size() + " packets of standard input to stdin.conntrack.packets on "
                                + kafka.bootstrapServers() + " as host tap (timing capture, shifted 1h)");
        assertThat(millis).as("rate limit").isGreaterThanOrEqualTo((datagrams.size() - 1) * 1000L / rate);

        List<ConsumerRecord<byte[], byte[]>> records = CommittedReader.readAll(
                topics.packets(), kafka.clientConfig(), datagrams.size(), Duration.ofSeconds(30));
        assertThat(records).hasSize(datagrams.size());
        assertThat(records)
                .extracting(ConsumerRecord::partition)
                .as("one host, one partition")
                .containsOnly(records.get(0).partition());
        AvroSingleObjectDeserializer<PacketEvent> decode = new AvroSingleObjectDeserializer<>(PacketEvent.class);
        decode.open(null);
        for (int i = 0; i < records.size(); i++) {
            PacketEvent e = decode.deserialize(records.get(i).value());
            assertThat(new String(records.get(i).key(), StandardCharsets.UTF_8)).isEqualTo("tap");
            assertThat(e.getHost()).isEqualTo("tap");
            assertThat(e.getPacketId()).isEqualTo(i + 1);
            assertThat(e.getTimestampNs())
                    .as("packet %d at its own time, one hour later", i + 1)
                    .isEqualTo(datagrams.get(i).timestampNanos() + 3_600_000_000_000L);
        }
    }
}
