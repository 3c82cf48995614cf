package dev.nfct.kafka;

import dev.nfct.avro.PacketEvent;
import dev.nfct.flink.format.AvroSingleObjectSerializer;
import dev.nfct.packet.CaptureReader;
import dev.nfct.packet.CapturedDatagram;
import dev.nfct.replay.Timing;
import dev.nfct.schema.PacketEvents;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends a capture to the packet topic as single-observation {@code PacketEvent}s of one host, in
 * capture order, keyed by host (so the whole capture is one partition, in order, as the job's
 * input contract asks).
 */
public final class CaptureProducer {
    private CaptureProducer() {}

    /** @return the number of packet records sent */
    public static long send(
            CaptureReader capture, String host, Timing timing, String topic, Map<String, Object> clientConfig)
            throws IOException {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.put("key.serializer", ByteArraySerializer.class.getName());
        c.put("value.serializer", ByteArraySerializer.class.getName());
        c.put("enable.idempotence", "true");
        c.put("acks", "all");
        c.put("linger.ms", "5");
        AvroSingleObjectSerializer<PacketEvent> ser = new AvroSingleObjectSerializer<>(PacketEvent.class);
        ser.open(null);
        byte[] key = host.getBytes(StandardCharsets.UTF_8);
        long n = 0;
        long first = Long.MIN_VALUE;
        capture.fragmentTimeoutsByCaptureTime(timing == Timing.CAPTURE);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(c)) {
            for (CapturedDatagram d; (d = capture.next()) != null; ) {
                if (first == Long.MIN_VALUE) {
                    first = d.timestampNanos();
                }
                // Top timing: the whole capture at its first instant, as a top-speed replay.
                long ts = timing == Timing.TOP ? first : d.timestampNanos();
                producer.send(new ProducerRecord<>(
                        topic, key, ser.serialize(PacketEvents.fromPacket(d.packet(), host, ++n, ts))));
            }
            producer.flush();
        }
        return n;
    }
}
