package dev.nfct.flink.io;

import dev.nfct.avro.DeadLetter;
import dev.nfct.avro.PacketEvent;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

/**
 * What the packet source yields: a decoded packet record, or a dead letter for bytes that could not
 * be decoded (so a bad record never fails the job). Exactly one of the two is set. A Flink POJO.
 */
public class InputRecord {
    public PacketEvent packet;
    public DeadLetter deadLetter;

    public InputRecord() {}

    public static InputRecord packet(PacketEvent p) {
        InputRecord r = new InputRecord();
        r.packet = p;
        return r;
    }

    public static InputRecord deadLetter(DeadLetter d) {
        InputRecord r = new InputRecord();
        r.deadLetter = d;
        return r;
    }

    /** Explicit type information: Avro serializers for both fields, never Kryo. */
    public static TypeInformation<InputRecord> typeInfo() {
        return Types.POJO(
                InputRecord.class,
                Map.of(
                        "packet", new AvroTypeInfo<>(PacketEvent.class),
                        "deadLetter", new AvroTypeInfo<>(DeadLetter.class)));
    }
}
