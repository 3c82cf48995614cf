package dev.nfct.schema;

import dev.nfct.avro.DeadLetter;
import dev.nfct.avro.FlowEvent;
import dev.nfct.avro.PacketEvent;
import dev.nfct.avro.TableEntry;
import org.apache.avro.specific.SpecificData;

/**
 * Turns on the encoders and decoders Avro generated into our record classes, for every reader and
 * writer of them in this JVM (Flink's Avro serializer and ours take the classes' own
 * {@code SpecificData}, which this configures).
 *
 * <p>Avro leaves them off by default and reads through reflection instead: a constructor call by
 * reflection per nested record, and a class lookup per field. The generated code does the same
 * work directly, schema resolution included (it reads through the same resolving decoder), and
 * makes a packet record's round trip through Flink's serializer about a third cheaper here.
 */
public final class AvroCoders {
    private static volatile boolean done;

    private AvroCoders() {}

    /** Idempotent and cheap after the first call. */
    public static void useGenerated() {
        if (done) {
            return;
        }
        for (Class<?> c : new Class<?>[] {PacketEvent.class, FlowEvent.class, TableEntry.class, DeadLetter.class}) {
            SpecificData.getForClass(c).setCustomCoders(true);
        }
        done = true;
    }
}
