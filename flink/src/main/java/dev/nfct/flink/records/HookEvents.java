package dev.nfct.flink.records;

import dev.nfct.avro.Hook;
import dev.nfct.avro.PacketEvent;
import dev.nfct.avro.PacketVerdict;
import dev.nfct.replay.HookObservation;
import dev.nfct.schema.PacketEvents;

/** A host's hook observation as the job's input record. */
public final class HookEvents {
    private HookEvents() {}

    /**
     * The PacketEvent of an observation: at its hook, with its packet id, DROP when the host
     * dropped it there, never {@code seenOnce}.
     *
     * @param timestampNs the event time to give it (the observation's own, or shifted)
     */
    public static PacketEvent of(HookObservation o, String host, long timestampNs) {
        PacketEvent e = PacketEvents.fromPacket(o.packet(), host, o.packetId(), timestampNs);
        e.setSeenOnce(false);
        e.setHook(Hook.valueOf(o.hook().name()));
        e.setVerdict(o.dropped() ? PacketVerdict.DROP : PacketVerdict.UNSPECIFIED);
        return e;
    }
}
