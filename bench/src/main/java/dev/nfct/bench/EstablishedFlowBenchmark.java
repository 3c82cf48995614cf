package dev.nfct.bench;

import dev.nfct.core.Conntrack;
import dev.nfct.core.CtInfo;
import dev.nfct.core.HashConnTable;
import dev.nfct.core.Packet;
import dev.nfct.core.PacketCt;
import dev.nfct.core.Settings;
import dev.nfct.core.proto.Trackers;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Packets of already established flows (the common case on a busy box): lookup, tracker, refresh,
 * confirm-hook event delivery. One operation = one packet through entry and confirm hooks.
 *
 * <p>TCP alternates a 100-byte data segment from the client and the server's ACK for it, over all
 * flows in turn, so every packet passes the full window check and moves the windows. Kernel default
 * settings (no acct, no timestamps) with an event listener attached, as on a host running
 * {@code conntrack -E}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms6g", "-Xmx6g", "-XX:+UseParallelGC", "-XX:+UseTransparentHugePages", "-XX:+AlwaysPreTouch"
        })
public class EstablishedFlowBenchmark {
    @Param({"10000", "1000000"})
    public int liveEntries;

    private Conntrack engine;
    private final Packet pkt = new Packet();
    private final PacketCt r = new PacketCt();
    private long now;
    private long[] clientSeq;
    private long[] serverSeq;
    private int next;
    private boolean serverTurn;
    private long events;

    @Setup(Level.Trial)
    public void setUp() {
        Settings s = new Settings();
        s.max = 2 * liveEntries; // the kernel default (262144) would early-drop the larger table
        engine = new Conntrack(s, Trackers.standard(s), new HashConnTable(liveEntries), e -> events++);
        now = 1_700_000_000_000_000_000L;
        clientSeq = new long[liveEntries];
        serverSeq = new long[liveEntries];
        // Flows are set up in a shuffled order, so that where their entries sit in memory has
        // nothing to do with the order the benchmark visits them in, whether or not a garbage
        // collection moves them later (an engine that allocates nothing per packet never
        // triggers one, and entries left in visiting order would let the prefetcher hide misses).
        int[] order = new int[liveEntries];
        for (int k = 0; k < liveEntries; k++) {
            order[k] = k;
        }
        java.util.Random rnd = new java.util.Random(20261125L);
        for (int k = liveEntries - 1; k > 0; k--) {
            int j = rnd.nextInt(k + 1);
            int t = order[k];
            order[k] = order[j];
            order[j] = t;
        }
        for (int k = 0; k < liveEntries; k++) {
            int i = order[k];
            long c = 1000L + i * 7919L, sv = 5000L + i * 104729L;
            forward(Flows.tcp(pkt, i, true, Packet.TH_SYN, c, 0, 0));
            forward(Flows.tcp(pkt, i, false, Packet.TH_SYN | Packet.TH_ACK, sv, c + 1, 0));
            forward(Flows.tcp(pkt, i, true, Packet.TH_ACK, c + 1, sv + 1, 0));
            clientSeq[i] = c + 1;
            serverSeq[i] = sv + 1;
        }
        if (engine.table().size() != liveEntries) {
            throw new IllegalStateException("set-up made " + engine.table().size() + " entries, wanted " + liveEntries);
        }
        // Start from the heap a long-running process has: the entries collected out of the set-up's
        // garbage into the old generation. Otherwise an engine that allocates nothing per packet
        // never collects, and would be measured on entries strewn over the young generation.
        System.gc();
    }

    private CtInfo forward(Packet p) {
        r.reset();
        return engine.forward(p, now, r);
    }

    @Benchmark
    public CtInfo tcpEstablishedPacket() {
        int i = next;
        CtInfo info;
        if (!serverTurn) {
            info = forward(Flows.tcp(pkt, i, true, Packet.TH_ACK | Packet.TH_PSH, clientSeq[i], serverSeq[i], 100));
            clientSeq[i] += 100;
        } else {
            info = forward(Flows.tcp(pkt, i, false, Packet.TH_ACK, serverSeq[i], clientSeq[i], 0));
        }
        if (++next == liveEntries) {
            next = 0;
            serverTurn = !serverTurn;
        }
        return info;
    }
}
