package dev.nfct.flink.operator;

import dev.nfct.avro.DeadLetter;
import dev.nfct.avro.PacketEvent;
import dev.nfct.flink.records.InputRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/** Dead letters for records the operator cannot use: the record itself is kept, with the reason. */
public final class DeadLetters {
    private DeadLetters() {}

    /**
     * A packet record that decoded but cannot be used (invalid fields, late), with where it came
     * from. The value is the record in single-object encoding; with a registry format the original
     * bytes are at the topic, partition and offset given.
     */
    public static DeadLetter of(InputRecord r, String reason) {
        DeadLetter d = of(r.packet, reason);
        if (r.topic != null) {
            d.setTopic(r.topic);
            d.setPartition(r.partition);
            d.setOffset(r.offset);
            d.setTimestampMs(r.timestampMs);
        }
        d.setKey(r.key == null ? null : ByteBuffer.wrap(r.key));
        return d;
    }

    /** A packet record that decoded but cannot be used, when its origin is not known. */
    public static DeadLetter of(PacketEvent e, String reason) {
        ByteBuffer value;
        try {
            value = PacketEvent.getEncoder().encode(e); // single-object encoding, as on the topic
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return DeadLetter.newBuilder()
                .setReason(reason)
                .setValue(value)
                .setTimestampMs(e.getTimestampNs() / 1_000_000L)
                .build();
    }
}
