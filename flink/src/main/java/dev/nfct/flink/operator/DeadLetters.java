package dev.nfct.flink.operator;

import dev.nfct.avro.DeadLetter;
import dev.nfct.avro.PacketEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/** Dead letters for records the operator cannot use: the record itself is kept, with the reason. */
public final class DeadLetters {
    private DeadLetters() {}

    /** A packet record that decoded but cannot be used (invalid fields, late, wrong hook). */
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
