package dev.nfct.flink.format;

import dev.nfct.avro.PacketEvent;
import dev.nfct.packet.CapturedDatagram;
import dev.nfct.packet.Captures;
import dev.nfct.schema.PacketEvents;
import dev.nfct.testing.SharedData;
import java.util.ArrayList;
import java.util.List;

/** Packet records from the project's sample capture. */
final class Samples {
    private Samples() {}

    static List<CapturedDatagram> datagrams() throws Exception {
        return Captures.datagrams(SharedData.sample());
    }

    static List<PacketEvent> packets(int n) throws Exception {
        List<CapturedDatagram> ds = datagrams();
        long t = ds.get(0).timestampNanos();
        List<PacketEvent> out = new ArrayList<>();
        for (int i = 0; i < Math.min(n, ds.size()); i++) {
            out.add(PacketEvents.fromPacket(ds.get(i).packet(), "host-a", i + 1, t));
        }
        return out;
    }
}
