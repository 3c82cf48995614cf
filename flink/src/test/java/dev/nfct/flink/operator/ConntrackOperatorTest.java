package dev.nfct.flink.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.avro.FlowEvent;
import dev.nfct.avro.FlowEventType;
import dev.nfct.avro.Hook;
import dev.nfct.avro.PacketEvent;
import dev.nfct.avro.PacketVerdict;
import dev.nfct.core.Packet;
import dev.nfct.core.Settings;
import dev.nfct.flink.records.InputRecord;
import dev.nfct.flink.records.TableUpdate;
import dev.nfct.packet.CapturedDatagram;
import dev.nfct.replay.OracleFormat;
import dev.nfct.schema.FlowEvents;
import dev.nfct.schema.PacketEvents;
import dev.nfct.schema.TableEntries;
import dev.nfct.testing.Packets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The keyed conntrack operator in Flink's operator test harness: pending entries, confirmation,
 * drops, timeouts by the host's own clock, and that state and armed keys drain to zero.
 */
class ConntrackOperatorTest {
    private static final long T0 = 1_700_000_000_000_000_000L; // ns
    private static final long S = 1_000_000_000L;
    private static final String HOST = "fw-1";
    private static final int MAX_PARALLELISM = 128;

    protected KeyedOneInputStreamOperatorTestHarness<Long, InputRecord, FlowEvent> h;
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

    KeyedOneInputStreamOperatorTestHarness<Long, InputRecord, FlowEvent> harness() throws Exception {
        return harness(1, 0);
    }

    /** Subtask {@code index} of {@code parallelism}, with a maximum parallelism of {@value #MAX_PARALLELISM}. */
    KeyedOneInputStreamOperatorTestHarness<Long, InputRecord, FlowEvent> harness(int parallelism, int index)
            throws Exception {
        Map<String, Integer> sysctls = new java.util.LinkedHashMap<>();
        ConntrackOptions.SYSCTLS.forEach((name, option) -> sysctls.put(name, new Configuration().get(option)));
        sysctls.put("nf_conntrack_acct", 1);
        sysctls.put("nf_conntrack_timestamp", 1);
        // No out-of-orderness: a host's clock is its newest packet's time.
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new ConntrackOperator(sysctls, 5 * S, 0, TableUpdates.EVENTS, false),
                new PacketKeySelector(),
                org.apache.flink.api.common.typeinfo.Types.LONG,
                MAX_PARALLELISM,
                parallelism,
                index);
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
        h.processElement(new StreamRecord<>(InputRecord.packet(e)));
    }

    /**
     * Moves the host's clock to {@code ts} with a packet that leaves nothing behind: a RST that
     * belongs to no connection is invalid and makes no entry.
     */
    private void clockTo(long ts) throws Exception {
        forward(Packets.tcp("10.9.9.9", 9, "10.9.9.8", 9).rst().seq(1).build(), ts);
    }

    private ConntrackOperator operator() {
        return (ConntrackOperator) h.getOperator();
    }

    /** One packet seen once, as from a capture: entry hook and confirm back to back. */
    private void forward(Packet p, long ts) throws Exception {
        process(observed(p, Hook.PRE_ROUTING, ++packetIds, ts, PacketVerdict.UNSPECIFIED, true));
    }

    /** The same, seen by another host. */
    private void forward(String host, Packet p, long ts) throws Exception {
        PacketEvent e = observed(p, Hook.PRE_ROUTING, ++packetIds, ts, PacketVerdict.UNSPECIFIED, true);
        e.setHost(host);
        process(e);
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

    /** The table output so far, each update as `conntrack -L` prints the entry at {@code now}. */
    private List<String> tableLines(long now) {
        List<String> l = new ArrayList<>();
        for (var r : h.getSideOutput(ConntrackOperator.TABLE)) {
            TableUpdate u = r.getValue();
            l.add(
                    u.entry == null
                            ? "TOMBSTONE " + u.key
                            : OracleFormat.entry(TableEntries.toDumpedEntry(u.entry, now)));
        }
        return l;
    }

    /**
     * {@code TYPE host ORIGINAL-TUPLE} of each event: which flows a test expects events for, when
     * their other fields are checked elsewhere.
     */
    private static List<String> flows(List<FlowEvent> events) {
        List<String> l = new ArrayList<>();
        for (FlowEvent f : events) {
            String line = FlowEvents.conntrackLine(f, false);
            int from = line.indexOf("src="), to = line.indexOf(" src=", from + 1);
            String orig =
                    line.substring(from, to).replace(" [UNREPLIED]", "").replaceAll(" packets=\\d+ bytes=\\d+", "");
            l.add(f.getType() + " " + f.getHost() + " " + orig);
        }
        return l;
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

    /** The server's answer to {@link #syn()}. */
    private static Packet synAck() {
        return Packets.tcp("10.0.0.2", 80, "10.0.0.1", 40000)
                .synAck()
                .seq(5000)
                .ackNo(1001)
                .wscale(7)
                .sackPerm()
                .build();
    }

    @Test
    void pendingEntryBecomesATableEntryOnlyWhenItsPacketIsConfirmed() throws Exception {
        process(observed(syn(), Hook.PRE_ROUTING, 7, T0, PacketVerdict.UNSPECIFIED, false));
        assertThat(drainOutput()).as("nothing before the exit hook").isEmpty();
        // Only the pending entry (plus the key's host and timer) exists: no table entry yet.
        assertThat(operator().engine().count()).isEqualTo(1);

        process(observed(syn(), Hook.FORWARD, 7, T0 + 1000, PacketVerdict.ACCEPT, false));
        assertThat(drainOutput()).isEmpty();
        process(observed(syn(), Hook.POST_ROUTING, 7, T0 + 2000, PacketVerdict.UNSPECIFIED, false));
        List<FlowEvent> out = drainOutput();
        assertThat(lines(out))
                .containsExactly(
                        "    [NEW] tcp      6 120 SYN_SENT src=10.0.0.1 dst=10.0.0.2 sport=40000 dport=80 [UNREPLIED] "
                                + "src=10.0.0.2 dst=10.0.0.1 sport=80 dport=40000");
        assertThat(out.get(0).getHost()).isEqualTo(HOST);
        assertThat(tableLines(T0 + 2000))
                .containsExactly("ENTRY ipv4 tcp SYN_SENT 120 | src=10.0.0.1 dst=10.0.0.2 sport=40000 dport=80"
                        + " | src=10.0.0.2 dst=10.0.0.1 sport=80 dport=40000 | UNREPLIED | packets=1:0 bytes=40:0");
    }

    @Test
    void aPacketDroppedBetweenTheHooksLeavesNoEntryNoEventAndNoState() throws Exception {
        process(observed(syn(), Hook.PRE_ROUTING, 9, T0, PacketVerdict.UNSPECIFIED, false));
        process(observed(syn(), Hook.FORWARD, 9, T0 + 1000, PacketVerdict.DROP, false));
        // A late exit observation of the dropped packet must not resurrect it.
        process(observed(syn(), Hook.POST_ROUTING, 9, T0 + 2000, PacketVerdict.UNSPECIFIED, false));
        assertThat(drainOutput()).isEmpty();
        assertThat(keysWithState()).isZero();
        assertThat(operator().armedKeys()).isZero();
    }

    /** One packet of the host's own over loopback: out, confirmed, back in, delivered locally. */
    private void looped(Packet p, long packetId, long ts) throws Exception {
        for (Hook hook : List.of(Hook.LOCAL_OUT, Hook.POST_ROUTING, Hook.PRE_ROUTING, Hook.LOCAL_IN)) {
            process(observed(p, hook, packetId, ts, PacketVerdict.UNSPECIFIED, false));
        }
    }

    @Test
    void aPacketLoopedBackStillCarriesItsEntryAndIsNotTrackedTwice() throws Exception {
        Packet syn =
                Packets.tcp("127.0.0.1", 40000, "127.0.0.1", 80).syn().seq(1000).build();
        Packet synAck = Packets.tcp("127.0.0.1", 80, "127.0.0.1", 40000)
                .synAck()
                .seq(5000)
                .ackNo(1001)
                .build();
        looped(syn, 1_000_000_001L, T0);
        looped(synAck, 1_000_000_002L, T0 + 1000);
        assertThat(lines(drainOutput()))
                .containsExactly(
                        "    [NEW] tcp      6 120 SYN_SENT src=127.0.0.1 dst=127.0.0.1 sport=40000 dport=80 [UNREPLIED] "
                                + "src=127.0.0.1 dst=127.0.0.1 sport=80 dport=40000",
                        " [UPDATE] tcp      6 60 SYN_RECV src=127.0.0.1 dst=127.0.0.1 sport=40000 dport=80 "
                                + "src=127.0.0.1 dst=127.0.0.1 sport=80 dport=40000");
        assertThat(operator().engine().stats().ignore)
                .as("each packet's second pass, at PRE_ROUTING")
                .isEqualTo(2);
        assertThat(tableLines(T0 + 1000))
                .last()
                .as("each packet counted once")
                .isEqualTo("ENTRY ipv4 tcp SYN_RECV 60 | src=127.0.0.1 dst=127.0.0.1 sport=40000 dport=80"
                        + " | src=127.0.0.1 dst=127.0.0.1 sport=80 dport=40000 | - | packets=1:1 bytes=40:40");
        // What the packets carried between their hooks goes with the pending bound.
        clockTo(T0 + 6 * S);
        assertThat(operator().pendingPackets()).isZero();
        assertThat(operator().exitsWithoutEntry())
                .as("the clock packet's exit was not observed")
                .isZero();
    }

    @Test
    void aConfirmedEntryKeepsTheChangeOfADroppedPacketAndItsEventWaitsForTheNextConfirm() throws Exception {
        forward(syn(), T0);
        drainOutput();
        Packet synAck = synAck();
        process(observed(synAck, Hook.PRE_ROUTING, 41, T0 + 4 * S / 1000, PacketVerdict.UNSPECIFIED, false));
        process(observed(synAck, Hook.FORWARD, 41, T0 + 4 * S / 1000, PacketVerdict.DROP, false));
        assertThat(drainOutput()).as("the SYN_RECV update waits on the entry").isEmpty();
        // The client's retransmitted SYN changes nothing, but its confirm delivers what waited,
        // with the entry's values at that moment: 1.024 s after the change, 58 s are left.
        process(observed(syn(), Hook.PRE_ROUTING, 42, T0 + 1028 * S / 1000, PacketVerdict.UNSPECIFIED, false));
        process(observed(syn(), Hook.POST_ROUTING, 42, T0 + 1028 * S / 1000, PacketVerdict.UNSPECIFIED, false));
        assertThat(lines(drainOutput()))
                .containsExactly(" [UPDATE] tcp      6 58 SYN_RECV src=10.0.0.1 dst=10.0.0.2 sport=40000 dport=80 "
                        + "src=10.0.0.2 dst=10.0.0.1 sport=80 dport=40000");
    }

    @Test
    void aPacketReportedTwiceAtPreRoutingIsTrackedOnce() throws Exception {
        forward(syn(), T0);
        Packet synAck = synAck();
        process(observed(synAck, Hook.PRE_ROUTING, 61, T0 + 1000, PacketVerdict.UNSPECIFIED, false));
        process(observed(synAck, Hook.PRE_ROUTING, 61, T0 + 2000, PacketVerdict.UNSPECIFIED, false));
        process(observed(synAck, Hook.POST_ROUTING, 61, T0 + 3000, PacketVerdict.UNSPECIFIED, false));
        assertThat(operator().engine().stats().ignore).isEqualTo(1);
        assertThat(tableLines(T0 + 3000))
                .last()
                .isEqualTo("ENTRY ipv4 tcp SYN_RECV 59 | src=10.0.0.1 dst=10.0.0.2 sport=40000 dport=80"
                        + " | src=10.0.0.2 dst=10.0.0.1 sport=80 dport=40000 | - | packets=1:1 bytes=40:40");
    }

    @Test
    void anExitObservationWithoutAnEntryIsCountedNotAnError() throws Exception {
        process(observed(syn(), Hook.POST_ROUTING, 51, T0, PacketVerdict.UNSPECIFIED, false));
        assertThat(drainOutput()).isEmpty();
        assertThat(operator().exitsWithoutEntry()).isEqualTo(1);
        assertThat(keysWithState()).isZero();
    }

    @Test
    void aPendingEntryWhosePacketNeverLeavesIsDiscardedSilentlyAfterTheBound() throws Exception {
        process(observed(syn(), Hook.PRE_ROUTING, 11, T0, PacketVerdict.UNSPECIFIED, false));
        assertThat(operator().armedKeys()).isEqualTo(1);
        clockTo(T0 + 5 * S);
        assertThat(drainOutput()).as("a lost packet makes no event").isEmpty();
        assertThat(keysWithState()).isZero();
        assertThat(operator().armedKeys()).isZero();
    }

    @Test
    void timersFireDestroyAtTheKernelsTimeout() throws Exception {
        Packet q = Packets.udp("10.0.0.1", 5353, "10.0.0.2", 53).payload(20).build();
        forward(q, T0);
        assertThat(lines(drainOutput()))
                .containsExactly(
                        "    [NEW] udp      17 30 src=10.0.0.1 dst=10.0.0.2 sport=5353 dport=53 [UNREPLIED] src=10.0.0.2 dst=10.0.0.1 sport=53 dport=5353");
        clockTo(T0 + 30 * S - 1_000_000L);
        assertThat(drainOutput()).as("not before 30 s").isEmpty();
        clockTo(T0 + 30 * S);
        List<FlowEvent> out = drainOutput();
        assertThat(out).hasSize(1);
        FlowEvent d = out.get(0);
        assertThat(d.getType()).isEqualTo(FlowEventType.DESTROY);
        assertThat(d.getStopNs()).as("stop is the deadline").isEqualTo(T0 + 30 * S);
        assertThat(d.getCounters().getOrigPackets()).isEqualTo(1);
        assertThat(keysWithState()).isZero();
        assertThat(operator().armedKeys()).isZero();
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
        assertThat(before)
                .containsExactly(
                        "    [NEW] tcp      6 120 SYN_SENT src=10.0.0.1 dst=10.0.0.2 sport=40001 dport=80 [UNREPLIED] src=10.0.0.2 dst=10.0.0.1 sport=80 dport=40001",
                        " [UPDATE] tcp      6 60 SYN_RECV src=10.0.0.1 dst=10.0.0.2 sport=40001 dport=80 src=10.0.0.2 dst=10.0.0.1 sport=80 dport=40001",
                        " [UPDATE] tcp      6 432000 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=40001 dport=80 src=10.0.0.2 dst=10.0.0.1 sport=80 dport=40001 [ASSURED]",
                        " [UPDATE] tcp      6 120 FIN_WAIT src=10.0.0.1 dst=10.0.0.2 sport=40001 dport=80 src=10.0.0.2 dst=10.0.0.1 sport=80 dport=40001 [ASSURED]",
                        " [UPDATE] tcp      6 30 LAST_ACK src=10.0.0.1 dst=10.0.0.2 sport=40001 dport=80 src=10.0.0.2 dst=10.0.0.1 sport=80 dport=40001 [ASSURED]",
                        " [UPDATE] tcp      6 120 TIME_WAIT src=10.0.0.1 dst=10.0.0.2 sport=40001 dport=80 src=10.0.0.2 dst=10.0.0.1 sport=80 dport=40001 [ASSURED]",
                        "    [NEW] udp      17 30 src=10.0.0.1 dst=10.0.0.2 sport=5000 dport=53 [UNREPLIED] src=10.0.0.2 dst=10.0.0.1 sport=53 dport=5000",
                        " [UPDATE] udp      17 30 src=10.0.0.1 dst=10.0.0.2 sport=5000 dport=53 src=10.0.0.2 dst=10.0.0.1 sport=53 dport=5000",
                        "    [NEW] icmp     1 30 src=10.0.0.1 dst=10.0.0.2 type=8 code=0 id=77 [UNREPLIED] src=10.0.0.2 dst=10.0.0.1 type=0 code=0 id=77",
                        " [UPDATE] icmp     1 30 src=10.0.0.1 dst=10.0.0.2 type=8 code=0 id=77 src=10.0.0.2 dst=10.0.0.1 type=0 code=0 id=77");

        clockTo(t + 121 * S);
        assertThat(lines(drainOutput()))
                .containsExactlyInAnyOrder(
                        "[DESTROY] udp      17 src=10.0.0.1 dst=10.0.0.2 sport=5000 dport=53 packets=1 bytes=38 src=10.0.0.2 dst=10.0.0.1 sport=53 dport=5000 packets=1 bytes=58 delta-time=30",
                        "[DESTROY] icmp     1 src=10.0.0.1 dst=10.0.0.2 type=8 code=0 id=77 packets=1 bytes=28 src=10.0.0.2 dst=10.0.0.1 type=0 code=0 id=77 packets=1 bytes=28 delta-time=30",
                        "[DESTROY] tcp      6 TIME_WAIT src=10.0.0.1 dst=10.0.0.2 sport=40001 dport=80 packets=4 bytes=160 src=10.0.0.2 dst=10.0.0.1 sport=80 dport=40001 packets=2 bytes=80 [ASSURED] delta-time=120");
        assertThat(keysWithState()).as("no state left").isZero();
        assertThat(operator().armedKeys()).as("no timers left").isZero();
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
        clockTo(T0 + 200 * S);
        assertThat(flows(drainOutput()))
                .containsExactlyInAnyOrder(
                        "DESTROY " + HOST + " src=10.0.0.1 dst=10.0.0.2 sport=5002 dport=53",
                        "DESTROY " + HOST + " src=10.0.0.1 dst=10.0.0.2 sport=40002 dport=80",
                        "DESTROY " + HOST + " src=10.0.0.1 dst=10.0.0.2 sport=5001 dport=53");
        assertThat(keysWithState()).isZero();
        assertThat(operator().armedKeys()).isZero();
    }

    @Test
    void hostsWhoseClocksDifferAreEachJudgedByTheirOwnClock() throws Exception {
        // Three hosts interleaved on one stream, clocks 5 s and 1 s behind the first: the kernel
        // of each sees its own packets in order, so none of them is late.
        long[] skew = {0, -5 * S, -1 * S};
        String[] hosts = {"a", "b", "c"};
        for (int i = 0; i < 12; i++) {
            for (int k = 0; k < hosts.length; k++) {
                Packet q = Packets.udp("10.0.1." + (k + 1), 6000 + i, "10.0.2.1", 53)
                        .payload(10)
                        .build();
                forward(hosts[k], q, T0 + 10 * S + skew[k] + i * 1_000_000L);
            }
        }
        assertThat(h.getSideOutput(ConntrackOperator.DEAD_LETTERS))
                .as("no dead letters")
                .isNull();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            for (int k = 0; k < hosts.length; k++) {
                expected.add("NEW " + hosts[k] + " src=10.0.1." + (k + 1) + " dst=10.0.2.1 sport=" + (6000 + i)
                        + " dport=53");
            }
        }
        assertThat(flows(drainOutput())).containsExactlyElementsOf(expected);
    }

    @Test
    void aHostsEntriesExpireByItsOwnClockAndNoOtherHosts() throws Exception {
        Packet q = Packets.udp("10.0.0.1", 5353, "10.0.0.2", 53).payload(20).build();
        forward("a", q, T0);
        forward("b", q, T0 - 5 * S); // b's clock runs 5 s behind a's
        assertThat(flows(drainOutput()))
                .containsExactly(
                        "NEW a src=10.0.0.1 dst=10.0.0.2 sport=5353 dport=53",
                        "NEW b src=10.0.0.1 dst=10.0.0.2 sport=5353 dport=53");
        // a's clock passes both deadlines (in a's time and in b's): only a's entry goes.
        forward("a", Packets.tcp("10.9.9.9", 9, "10.9.9.8", 9).rst().seq(1).build(), T0 + 40 * S);
        List<FlowEvent> out = drainOutput();
        assertThat(out).extracting(FlowEvent::getHost).containsExactly("a");
        assertThat(out.get(0).getStopNs()).as("at a's deadline").isEqualTo(T0 + 30 * S);
        forward("b", Packets.tcp("10.9.9.9", 9, "10.9.9.8", 9).rst().seq(1).build(), T0 + 25 * S - 1);
        assertThat(drainOutput()).as("b's clock is not at its deadline yet").isEmpty();
        forward("b", Packets.tcp("10.9.9.9", 9, "10.9.9.8", 9).rst().seq(1).build(), T0 + 25 * S);
        out = drainOutput();
        assertThat(out).extracting(FlowEvent::getHost).containsExactly("b");
        assertThat(out.get(0).getType()).isEqualTo(FlowEventType.DESTROY);
        assertThat(out.get(0).getStopNs()).isEqualTo(T0 + 25 * S);
        assertThat(keysWithState()).isZero();
        assertThat(operator().armedKeys()).isZero();
    }

    @Test
    void aPacketBehindItsOwnHostsClockIsALateDeadLetterThatSaysWhereItCameFrom() throws Exception {
        forward("a", Packets.udp("10.0.0.1", 1, "10.0.0.2", 2).payload(1).build(), T0);
        forward("b", Packets.udp("10.0.0.1", 1, "10.0.0.2", 2).payload(1).build(), T0 - 60 * S); // fine: b's own time
        PacketEvent late = observed(
                Packets.udp("10.0.0.1", 3, "10.0.0.2", 4).payload(1).build(),
                Hook.PRE_ROUTING,
                99,
                T0 - 1,
                PacketVerdict.UNSPECIFIED,
                true);
        late.setHost("a");
        byte[] key = "a".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        h.processElement(new StreamRecord<>(InputRecord.packet(late).from("conntrack.packets", 3, 1234L, 77L, key)));
        var dead = new ArrayList<>(h.getSideOutput(ConntrackOperator.DEAD_LETTERS));
        assertThat(dead).hasSize(1);
        var d = dead.get(0).getValue();
        assertThat(d.getReason()).startsWith("late: ").contains("host a");
        assertThat(d.getTopic()).isEqualTo("conntrack.packets");
        assertThat(d.getPartition()).isEqualTo(3);
        assertThat(d.getOffset()).isEqualTo(1234L);
        assertThat(d.getTimestampMs()).isEqualTo(77L);
        assertThat(d.getKey().array()).isEqualTo(key);
        assertThat(flows(drainOutput()))
                .as("the two good packets only")
                .containsExactly(
                        "NEW a src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2",
                        "NEW b src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2");
    }

    @Test
    void anEstablishedFlowIsArmedOnceNotOncePerPacket() throws Exception {
        Packet q = Packets.udp("10.0.0.1", 7000, "10.0.0.2", 53).payload(20).build();
        Packet a = Packets.udp("10.0.0.2", 53, "10.0.0.1", 7000).payload(20).build();
        long t = T0;
        for (int i = 0; i < 100; i++) {
            forward(i % 2 == 0 ? q : a, t += 100_000_000L); // 10 s in all: a stream by then
        }
        // Every packet moved the deadline later (30 s, then 120 s once it is a stream): the
        // first arming is all it took.
        assertThat(operator().armings()).isLessThanOrEqualTo(2);
        // The early arming comes due, finds nothing to expire and re-arms at the real deadline.
        clockTo(T0 + 31 * S);
        assertThat(drainOutput()).extracting(FlowEvent::getType).doesNotContain(FlowEventType.DESTROY);
        assertThat(operator().armedKeys()).isEqualTo(1);
        clockTo(t + 120 * S);
        assertThat(drainOutput()).extracting(FlowEvent::getType).contains(FlowEventType.DESTROY);
        assertThat(keysWithState()).isZero();
    }

    @Test
    void idsStayUniqueAndCountsStayRightAcrossARestore() throws Exception {
        java.util.Set<Long> ids = new java.util.HashSet<>();
        for (int i = 0; i < 50; i++) {
            forward(
                    Packets.udp("10.0.0.1", 10000 + i, "10.0.0.2", 53)
                            .payload(5)
                            .build(),
                    T0 + i);
        }
        process(observed(
                Packets.udp("10.0.0.1", 9999, "10.0.0.2", 53).payload(10).build(),
                Hook.PRE_ROUTING,
                500,
                T0 + 100,
                PacketVerdict.UNSPECIFIED,
                false));
        drainOutput().forEach(f -> assertThat(ids.add(f.getId())).isTrue());
        var snapshot = h.snapshot(1L, 1L);
        h.close();

        h = harness();
        h.initializeState(snapshot);
        h.open();
        assertThat(operator().engine().count())
                .as("50 entries and one unconfirmed")
                .isEqualTo(51);
        assertThat(operator().pendingPackets()).isEqualTo(1);
        for (int i = 0; i < 50; i++) {
            forward(
                    Packets.udp("10.0.0.1", 20000 + i, "10.0.0.2", 53)
                            .payload(5)
                            .build(),
                    T0 + 200 + i);
        }
        for (FlowEvent f : drainOutput()) {
            assertThat(ids.add(f.getId()))
                    .as("id %s handed out again after the restore", f.getId())
                    .isTrue();
        }
        assertThat(ids).hasSize(100);
        assertThat(operator().engine().count()).isEqualTo(101);
        clockTo(T0 + 60 * S);
        List<String> destroys = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            destroys.add("DESTROY " + HOST + " src=10.0.0.1 dst=10.0.0.2 sport=" + (10000 + i) + " dport=53");
            destroys.add("DESTROY " + HOST + " src=10.0.0.1 dst=10.0.0.2 sport=" + (20000 + i) + " dport=53");
        }
        // Every entry's DESTROY; the lost packet makes none.
        assertThat(flows(drainOutput())).containsExactlyInAnyOrderElementsOf(destroys);
        assertThat(operator().engine().count())
                .as("never negative: back to zero")
                .isZero();
        assertThat(operator().pendingPackets()).isZero();
        assertThat(keysWithState()).isZero();
    }

    @Test
    void idsStayUniqueAndCountsStayRightWhenTwoSubtasksBecomeOne() throws Exception {
        var two = List.of(harness(2, 0), harness(2, 1));
        for (var sub : two) {
            sub.open();
        }
        java.util.Set<Long> ids = new java.util.HashSet<>();
        PacketKeySelector keys = new PacketKeySelector();
        for (int i = 0; i < 60; i++) {
            PacketEvent e = observed(
                    Packets.udp("10.0.0.1", 30000 + i, "10.0.0.2", 53)
                            .payload(5)
                            .build(),
                    Hook.PRE_ROUTING,
                    ++packetIds,
                    T0 + i,
                    PacketVerdict.UNSPECIFIED,
                    true);
            int owner = org.apache.flink.runtime.state.KeyGroupRangeAssignment.assignKeyToParallelOperator(
                    keys.keyOf(e), MAX_PARALLELISM, 2);
            two.get(owner).processElement(new StreamRecord<>(InputRecord.packet(e)));
        }
        long[] counts = new long[2];
        for (int k = 0; k < 2; k++) {
            for (Object o : two.get(k).getOutput()) {
                assertThat(ids.add(((FlowEvent) ((StreamRecord<?>) o).getValue()).getId()))
                        .isTrue();
            }
            counts[k] = ((ConntrackOperator) two.get(k).getOperator()).engine().count();
        }
        assertThat(counts[0]).as("both subtasks had flows").isPositive();
        assertThat(counts[1]).isPositive();
        var merged = org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness.repackageState(
                two.get(0).snapshot(1L, 1L), two.get(1).snapshot(1L, 1L));
        for (var sub : two) {
            sub.close();
        }

        h.close();
        h = harness(1, 0);
        h.initializeState(org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness.repartitionOperatorState(
                merged, MAX_PARALLELISM, 2, 1, 0));
        h.open();
        assertThat(operator().engine().count())
                .as("every restored entry counted")
                .isEqualTo(60);
        for (int i = 0; i < 60; i++) {
            forward(
                    Packets.udp("10.0.0.1", 40000 + i, "10.0.0.2", 53)
                            .payload(5)
                            .build(),
                    T0 + 100 + i);
        }
        for (FlowEvent f : drainOutput()) {
            assertThat(ids.add(f.getId()))
                    .as("id %s handed out again after rescaling", f.getId())
                    .isTrue();
        }
        assertThat(ids).hasSize(120);
        clockTo(T0 + 60 * S);
        List<String> destroys = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            destroys.add("DESTROY " + HOST + " src=10.0.0.1 dst=10.0.0.2 sport=" + (30000 + i) + " dport=53");
            destroys.add("DESTROY " + HOST + " src=10.0.0.1 dst=10.0.0.2 sport=" + (40000 + i) + " dport=53");
        }
        assertThat(flows(drainOutput())).containsExactlyInAnyOrderElementsOf(destroys);
        assertThat(operator().engine().count()).isZero();
        assertThat(keysWithState()).isZero();
    }

    @Test
    void aBroadcastOfHostTimesExpiresThatHostsEntriesAndLeavesNoState() throws Exception {
        forward("a", Packets.udp("10.0.0.1", 5353, "10.0.0.2", 53).payload(20).build(), T0);
        forward("b", Packets.udp("10.0.0.1", 5353, "10.0.0.2", 53).payload(20).build(), T0);
        assertThat(flows(drainOutput()))
                .containsExactly(
                        "NEW a src=10.0.0.1 dst=10.0.0.2 sport=5353 dport=53",
                        "NEW b src=10.0.0.1 dst=10.0.0.2 sport=5353 dport=53");
        long someKey = HostTimeBroadcast.keysForEachKeyGroup(MAX_PARALLELISM)[7];
        h.processElement(new StreamRecord<>(InputRecord.hostTimes(Map.of("a", T0 + 30 * S, "c", T0), someKey)));
        List<FlowEvent> out = drainOutput();
        assertThat(out).extracting(FlowEvent::getHost).containsExactly("a");
        assertThat(out.get(0).getType()).isEqualTo(FlowEventType.DESTROY);
        h.processElement(new StreamRecord<>(InputRecord.hostTimes(Map.of("b", T0 + 30 * S), someKey)));
        assertThat(drainOutput()).extracting(FlowEvent::getHost).containsExactly("b");
        assertThat(keysWithState())
                .as("a broadcast leaves nothing under its routing key")
                .isZero();
        assertThat(operator().armedKeys()).isZero();
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
