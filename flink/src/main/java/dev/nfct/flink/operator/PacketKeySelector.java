package dev.nfct.flink.operator;

import dev.nfct.avro.PacketEvent;
import dev.nfct.core.Packet;
import dev.nfct.flink.records.InputRecord;
import dev.nfct.schema.InvalidPacketEventException;
import dev.nfct.schema.PacketEvents;
import org.apache.flink.api.java.functions.KeySelector;

/** Keys an input packet record by {@link FlowKey}: host, zone and the direction-independent tuple. */
public final class PacketKeySelector implements KeySelector<InputRecord, Long> {
    private static final long serialVersionUID = 1L;
    /** Flink calls getKey more than once per record: only the fields the key is made of are filled. */
    private transient Packet scratch;

    private transient Packet scratchInner;

    @Override
    public Long getKey(InputRecord r) {
        return r.packet != null ? keyOf(r.packet) : r.routingKey;
    }

    /** The key of one packet record. */
    public Long keyOf(PacketEvent e) {
        if (scratch == null) {
            scratch = new Packet();
            scratchInner = new Packet();
        }
        try {
            PacketEvents.toKeyPacket(e, scratch, scratchInner);
        } catch (InvalidPacketEventException ex) {
            // Such records are dead-lettered by the operator; any stable key will do.
            return 0L;
        }
        return FlowKey.of(e.getHost(), e.getZone(), scratch);
    }
}
