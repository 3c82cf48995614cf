package dev.nfct.flink.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.avro.FlowEvent;
import dev.nfct.avro.FlowEventType;
import dev.nfct.avro.Hook;
import dev.nfct.avro.PacketEvent;
import dev.nfct.avro.PacketVerdict;
import dev.nfct.core.Packet;
import dev.nfct.core.Settings;
import dev.nfct.packet.CapturedDatagram;
import dev.nfct.schema.FlowEvents;
import dev.nfct.schema.PacketEvents;
import dev.nfct.testing.Packets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The keyed conntrack operator in Flink's operator test harness: pending entries, confirmation,
 * drops, event-time timeouts, and that state and timers drain to zero.
 */
class ConntrackFunctionTest {
    private static final long T0 = 1_700_000_000_000_000_000L; // ns
    private static final long S = 1_000_000_000L;
    private static final String HOST = "fw-1";

    protected KeyedOneInputStreamOperatorTestHarness<Long, PacketEvent, FlowEvent> h;
    private long packetIds;

    @BeforeEach
    void setUp() throws Exception {
        h = harness();
        h.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        h.close();
    }

    /** The state backend under test: the heap one here; a subclass runs every test on RocksDB. */
    protected org.apache.flink.runtime.state.StateBackend stateBackend() {
        return null;
    }

    KeyedOneInputStreamOperatorTestHarness<Long, PacketEvent, FlowEvent> harness() throws Exception {
        Map<String, Integer> sysctls = new java.util.LinkedHashMap<>();
        ConntrackOptions.SYSCTLS.forEach((name, option) -> sysctls.put(name, new Configuration().get(option)));
        sysctls.put("nf_conntrack_acct", 1);
        sysctls.put("nf_conntrack_timestamp", 1);
        ConntrackFunction fn = new ConntrackFunction(sysctls, 5 * S, TableUpdates.EVENTS);
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(fn),
                new PacketKeySelector(),
                org.apache.flink.api.common.typeinfo.Types.LONG);
        if (stateBackend() != null) {
            harness.setStateBackend(stateBackend());
        }
        return harness;
    }

    private PacketEvent observed(Packet p, Hook hook, long packetId, long ts, PacketVerdict verdict, boolean once) {
        PacketEvent e = PacketEvents.fromPacket(p, HOST, packetId, ts);
        e.setHook(hook);
        e.setSeenOnce(once);
        e.setVerdict(verdict);
        return e;
    }

    private void process(PacketEvent e) throws Exception {
        h.processElement(new StreamRecord<>(e, e.getTimestampNs() / 1_000_000L));
    }

    /** One packet seen once, as from a capture: entry hook and confirm back to back. */
    private void forward(Packet p, long ts) throws Exception {
        process(observed(p, Hook.PRE_ROUTING, ++packetIds, ts, PacketVerdict.UNSPECIFIED, true));
    }

    private List<FlowEvent> drainOutput() {
        List<FlowEvent> out = new ArrayList<>();
        ConcurrentLinkedQueue<Object> q = h.getOutput();
        for (Object o; (o = q.poll()) != null; ) {
            if (o instanceof StreamRecord) {
                out.add((FlowEvent) ((StreamRecord<?>) o).getValue());
            }
        }
        return out;
    }

    private static List<String> lines(List<FlowEvent> events) {
        List<String> l = new ArrayList<>();
        for (FlowEvent f : events) {
            l.add(FlowEvents.conntrackLine(f, false));
        }
        return l;
    }

    private static Packet syn() {
        return Packets.tcp("10.0.0.1", 40000, "10.0.0.2", 80)
                .syn()
                .seq(1000)
                .wscale(7)
                .sackPerm()
                .build();
    }

    @Test
    void pendingEntryBecomesATableEntryOnlyWhenItsPacketIsConfirmed() throws Exception {
        process(observed(syn(), Hook.PRE_ROUTING, 7, T0, PacketVerdict.UNSPECIFIED, false));
        assertThat(drainOutput()).as("nothing before the exit hook").isEmpty();
        // Only the pending entry (plus the key's host and timer) exists: no table entry yet.
        ConntrackFunction fn = (ConntrackFunction) ((KeyedProcessOperator<?, ?, ?>) h.getOperator()).getUserFunction();
        assertThat(fn.engine().count()).isEqualTo(1);

        process(observed(syn(), Hook.FORWARD, 7, T0 + 1000, PacketVerdict.ACCEPT, false));
        assertThat(drainOutput()).isEmpty();
        process(observed(syn(), Hook.POST_ROUTING, 7, T0 + 2000, PacketVerdict.UNSPECIFIED, false));
        List<FlowEvent> out = drainOutput();
        assertThat(lines(out))
                .containsExactly(
                        "    [NEW] tcp      6 120 SYN_SENT src=10.0.0.1 dst=10.0.0.2 sport=40000 dport=80 [UNREPLIED] "
                                + "src=10.0.0.2 dst=10.0.0.1 sport=80 dport=40000");
        assertThat(out.get(0).getHost()).isEqualTo(HOST);
        assertThat(h.getSideOutput(ConntrackFunction.TABLE)).hasSize(1);
    }

    @Test
    void aPacketDroppedBetweenTheHooksLeavesNoEntryNoEventAndNoState() throws Exception {
        process(observed(syn(), Hook.PRE_ROUTING, 9, T0, PacketVerdict.UNSPECIFIED, false));
        process(observed(syn(), Hook.FORWARD, 9, T0 + 1000, PacketVerdict.DROP, false));
        // A late exit observation of the dropped packet must not resurrect it.
        process(observed(syn(), Hook.POST_ROUTING, 9, T0 + 2000, PacketVerdict.UNSPECIFIED, false));
        assertThat(drainOutput()).isEmpty();
        assertThat(keysWithState()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void aPendingEntryWhosePacketNeverLeavesIsDiscardedSilentlyAfterTheBound() throws Exception {
        process(observed(syn(), Hook.PRE_ROUTING, 11, T0, PacketVerdict.UNSPECIFIED, false));
        assertThat(h.numEventTimeTimers()).isEqualTo(1);
        h.processWatermark((T0 + 5 * S) / 1_000_000L);
        assertThat(drainOutput()).as("a lost packet makes no event").isEmpty();
        assertThat(keysWithState()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void timersFireDestroyAtTheKernelsTimeout() throws Exception {
        Packet q = Packets.udp("10.0.0.1", 5353, "10.0.0.2", 53).payload(20).build();
        forward(q, T0);
        assertThat(lines(drainOutput())).hasSize(1);
        h.processWatermark((T0 + 30 * S) / 1_000_000L - 1);
        assertThat(drainOutput()).as("not before 30 s").isEmpty();
        h.processWatermark((T0 + 30 * S) / 1_000_000L);
        List<FlowEvent> out = drainOutput();
        assertThat(out).hasSize(1);
        FlowEvent d = out.get(0);
        assertThat(d.getType()).isEqualTo(FlowEventType.DESTROY);
        assertThat(d.getStopNs()).as("stop is the deadline").isEqualTo(T0 + 30 * S);
        assertThat(d.getCounters().getOrigPackets()).isEqualTo(1);
        assertThat(keysWithState()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void stateAndTimersDrainToZeroWhenAllFlowsEnd() throws Exception {
        // A full TCP conversation closing into TIME_WAIT, a UDP exchange and a ping, all seen once.
        String c = "10.0.0.1", s = "10.0.0.2";
        long t = T0;
        forward(Packets.tcp(c, 40001, s, 80).syn().seq(100).build(), t);
        forward(Packets.tcp(s, 80, c, 40001).synAck().seq(500).ackNo(101).build(), t += 1000);
        forward(Packets.tcp(c, 40001, s, 80).ack().seq(101).ackNo(501).build(), t += 1000);
        forward(Packets.tcp(c, 40001, s, 80).finAck().seq(101).ackNo(501).build(), t += 1000);
        forward(Packets.tcp(s, 80, c, 40001).finAck().seq(501).ackNo(102).build(), t += 1000);
        forward(Packets.tcp(c, 40001, s, 80).ack().seq(102).ackNo(502).build(), t += 1000);
        forward(Packets.udp(c, 5000, s, 53).payload(10).build(), t += 1000);
        forward(Packets.udp(s, 53, c, 5000).payload(30).build(), t += 1000);
        forward(Packets.icmp(c, s, 8, 0, 77).build(), t += 1000);
        forward(Packets.icmp(s, c, 0, 0, 77).build(), t += 1000);
        List<String> before = lines(drainOutput());
        assertThat(before).filteredOn(l -> l.contains("[NEW]")).hasSize(3);
        assertThat(before).anyMatch(l -> l.contains("TIME_WAIT"));

        h.processWatermark((t + 121 * S) / 1_000_000L);
        List<FlowEvent> destroys = drainOutput();
        assertThat(destroys)
                .extracting(FlowEvent::getType)
                .containsOnly(FlowEventType.DESTROY)
                .hasSize(3);
        assertThat(keysWithState()).as("no state left").isZero();
        assertThat(h.numEventTimeTimers()).as("no timers left").isZero();
    }

    @Test
    void harnessReplayGivesTheSameEventsAsTheEngineAlone() throws Exception {
        java.nio.file.Path sample = dev.nfct.testing.SharedData.sample();
        List<String> expected = new ArrayList<>();
        Settings settings = Settings.replayDefaults();
        dev.nfct.core.Conntrack engine = new dev.nfct.core.Conntrack(
                settings,
                dev.nfct.core.proto.Trackers.standard(settings),
                new dev.nfct.core.HashConnTable(),
                e -> expected.add(dev.nfct.core.format.EventFormat.event(e, true)));
        List<CapturedDatagram> datagrams = new ArrayList<>();
        try (var reader = dev.nfct.packet.CaptureReader.open(sample)) {
            for (CapturedDatagram d; (d = reader.next()) != null; ) {
                datagrams.add(d);
            }
        }
        long t = datagrams.get(0).timestampNanos();
        dev.nfct.core.PacketCt r = new dev.nfct.core.PacketCt();
        for (CapturedDatagram d : datagrams) {
            r.reset();
            engine.forward(d.packet(), t, r);
        }
        // The same packets, through the harness, all at the capture's first instant ("top" timing).
        for (CapturedDatagram d : datagrams) {
            process(PacketEvents.fromPacket(d.packet(), HOST, ++packetIds, t));
        }
        List<String> ours = new ArrayList<>();
        for (FlowEvent f : drainOutput()) {
            ours.add(FlowEvents.conntrackLine(f, true).replaceAll(" delta-time=\\d+", ""));
        }
        expected.replaceAll(l -> l.replaceAll(" delta-time=\\d+", ""));
        assertThat(ours).containsExactlyElementsOf(expected);
    }

    @Test
    void entriesPendingPacketsAndTimersSurviveASnapshotAndRestore() throws Exception {
        String c = "10.0.0.1", sv = "10.0.0.2";
        forward(Packets.tcp(c, 40002, sv, 80).syn().seq(100).build(), T0);
        forward(Packets.tcp(sv, 80, c, 40002).synAck().seq(500).ackNo(101).build(), T0 + 1000);
        forward(Packets.tcp(c, 40002, sv, 80).ack().seq(101).ackNo(501).build(), T0 + 2000);
        forward(Packets.udp(c, 5001, sv, 53).payload(10).build(), T0 + 3000);
        // A packet between its hooks at snapshot time.
        process(observed(
                Packets.udp(c, 5002, sv, 53).payload(10).build(),
                Hook.PRE_ROUTING,
                500,
                T0 + 4000,
                PacketVerdict.UNSPECIFIED,
                false));
        drainOutput();
        var snapshot = h.snapshot(1L, 1L);
        h.close();

        h = harness();
        h.initializeState(snapshot);
        h.open();
        process(observed(
                Packets.udp(c, 5002, sv, 53).payload(10).build(),
                Hook.POST_ROUTING,
                500,
                T0 + 5000,
                PacketVerdict.UNSPECIFIED,
                false));
        forward(Packets.tcp(c, 40002, sv, 80).finAck().seq(101).ackNo(501).build(), T0 + 6000);
        forward(Packets.udp(sv, 53, c, 5001).payload(40).build(), T0 + 7000);
        List<String> after = lines(drainOutput());
        assertThat(after)
                .containsExactly(
                        "    [NEW] udp      17 30 src=10.0.0.1 dst=10.0.0.2 sport=5002 dport=53 [UNREPLIED] src=10.0.0.2 dst=10.0.0.1 sport=53 dport=5002",
                        " [UPDATE] tcp      6 120 FIN_WAIT src=10.0.0.1 dst=10.0.0.2 sport=40002 dport=80 src=10.0.0.2 dst=10.0.0.1 sport=80 dport=40002 [ASSURED]",
                        " [UPDATE] udp      17 30 src=10.0.0.1 dst=10.0.0.2 sport=5001 dport=53 src=10.0.0.2 dst=10.0.0.1 sport=53 dport=5001");
        // The restored timers still expire everything, and nothing is left behind.
        h.processWatermark((T0 + 200 * S) / 1_000_000L);
        assertThat(drainOutput())
                .extracting(FlowEvent::getType)
                .containsOnly(FlowEventType.DESTROY)
                .hasSize(3);
        assertThat(keysWithState()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    /**
     * Keys that still hold any of the operator's states. (The harness's own entry counter only
     * works on the heap backend; this asks the keyed backend itself, so it works on both.)
     */
    private long keysWithState() throws Exception {
        var backend = h.getOperator().getKeyedStateBackend();
        long n = 0;
        for (String state : List.of("conntrack-table", "conntrack-pending", "conntrack-timer", "conntrack-host")) {
            try (var keys = backend.getKeys(state, org.apache.flink.runtime.state.VoidNamespace.INSTANCE)) {
                n += keys.count();
            }
        }
        return n;
    }
}
