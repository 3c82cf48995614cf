package dev.nfct.flink;

import dev.nfct.avro.FlowEvent;
import dev.nfct.avro.Hook;
import dev.nfct.avro.PacketEvent;
import dev.nfct.flink.operator.ConntrackOptions;
import dev.nfct.flink.records.InputRecord;
import dev.nfct.packet.CapturedDatagram;
import dev.nfct.packet.Captures;
import dev.nfct.schema.PacketEvents;
import dev.nfct.testing.SharedData;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;

/**
 * The scenario behind the committed savepoint fixtures: the bundled sample capture (one host, its
 * own timestamps) cut in two. Part A runs before the savepoint and leaves the table, timers and one
 * pending entry (an entry-hook observation whose exit-hook observation has not come yet) in state;
 * part B, after the restore, completes the pending packet, plays the rest of the capture and ends
 * with a packet ten days later so that every timer fires. A restored job must give exactly the
 * events the job that wrote the savepoint gave after its own restore.
 */
public final class SavepointFixture {
    /** Datagrams of the capture before the cut. */
    static final int CUT = 40;

    static final String HOST = "fixture-host";
    /** Packet id of the observation that is pending across the savepoint. */
    static final long PENDING_ID = 1_000_000;
    /** Where the fixtures live (under the test resources). */
    static final String RESOURCES = "savepoints";

    private SavepointFixture() {}

    /** The job's configuration in both runs: the harness sysctls, no Kryo, heap state. */
    public static Configuration config() {
        Configuration conf = new Configuration();
        conf.set(ConntrackOptions.SYSCTLS.get("nf_conntrack_acct"), 1);
        conf.set(ConntrackOptions.SYSCTLS.get("nf_conntrack_timestamp"), 1);
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        return conf;
    }

    /** The records before the savepoint. */
    static List<InputRecord> partA() throws IOException {
        List<PacketEvent> all = capture();
        List<InputRecord> out = new ArrayList<>();
        for (PacketEvent e : all.subList(0, CUT)) {
            out.add(InputRecord.packet(e));
        }
        out.add(InputRecord.packet(pending(all.get(CUT), Hook.PRE_ROUTING)));
        return out;
    }

    /** The records after the restore. */
    static List<InputRecord> partB() throws IOException {
        List<PacketEvent> all = capture();
        List<InputRecord> out = new ArrayList<>();
        out.add(InputRecord.packet(pending(all.get(CUT), Hook.POST_ROUTING)));
        for (PacketEvent e : all.subList(CUT + 1, all.size())) {
            out.add(InputRecord.packet(e));
        }
        PacketEvent last = all.get(all.size() - 1);
        PacketEvent late = PacketEvent.newBuilder(last)
                .setPacketId(last.getPacketId() + 1)
                .setTimestampNs(last.getTimestampNs() + TimeUnit.DAYS.toNanos(10))
                .build();
        out.add(InputRecord.packet(late));
        return out;
    }

    /** One observation of a two-hook packet (not seen once). */
    private static PacketEvent pending(PacketEvent e, Hook hook) {
        return PacketEvent.newBuilder(e)
                .setSeenOnce(false)
                .setHook(hook)
                .setPacketId(PENDING_ID)
                .build();
    }

    private static List<PacketEvent> capture() throws IOException {
        List<PacketEvent> out = new ArrayList<>();
        for (CapturedDatagram d : Captures.datagrams(SharedData.sample())) {
            out.add(PacketEvents.fromPacket(d.packet(), HOST, d.frameNumber(), d.timestampNanos()));
        }
        if (out.size() <= CUT + 1) {
            throw new IllegalStateException("the sample capture is shorter than the fixture's cut");
        }
        return out;
    }

    /** One line per event: every field, as Avro prints the record. */
    static List<String> lines(Iterable<FlowEvent> events) {
        List<String> out = new ArrayList<>();
        events.forEach(e -> out.add(e.toString()));
        return out;
    }
}
