package dev.nfct.flink.operator;

import dev.nfct.avro.PacketEvent;
import dev.nfct.core.Packet;
import dev.nfct.flink.avro.InvalidPacketEventException;
import dev.nfct.flink.avro.PacketEvents;
import org.apache.flink.api.java.functions.KeySelector;

/** Keys a packet record by {@link FlowKey}: host, zone and the direction-independent tuple. */
public final class PacketKeySelector implements KeySelector<PacketEvent, Long> {
    private static final long serialVersionUID = 1L;
    private transient Packet scratch;

    @Override
    public Long getKey(PacketEvent e) {
        if (scratch == null) {
            scratch = new Packet();
        }
        try {
            PacketEvents.toPacket(e, scratch);
        } catch (InvalidPacketEventException ex) {
            // Such records are dead-lettered by the operator; any stable key will do.
            return 0L;
        }
        return FlowKey.of(e.getHost(), e.getZone(), scratch);
    }
}
