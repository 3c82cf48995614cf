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
 * New connections into a table holding a steady number of live entries. One operation = one SYN
 * of a never-seen flow through entry and confirm hooks (tuple build, miss, create, tracker init,
 * insert under both tuples, NEW event) plus, on average, the expiry of one old entry with its
 * DESTROY: the clock advances by SYN_SENT's timeout divided by the table size per operation, so
 * the table stays at its size, as under a steady connection rate.
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
public class NewConnectionBenchmark {
    @Param({"10000", "1000000"})
    public int liveEntries;

    private Conntrack engine;
    private final Packet pkt = new Packet();
    private final PacketCt r = new PacketCt();
    private long now;
    private long step;
    private int flow;
    private long events;

    @Setup(Level.Trial)
    public void setUp() {
        Settings s = new Settings();
        s.max = 2 * liveEntries; // room for the steady state; expiry, not early drop, frees entries
        engine = new Conntrack(s, Trackers.standard(s), new HashConnTable(liveEntries), e -> events++);
        now = 1_700_000_000_000_000_000L;
        step = s.tcpTimeoutSynSent * 1_000_000_000L / liveEntries;
        for (int i = 0; i < liveEntries; i++) {
            syn();
        }
    }

    private CtInfo syn() {
        // Flow ids run through 16 M client addresses, far more than any table holds at once.
        int i = flow++ & 0xffffff;
        now += step;
        engine.expire(now);
        r.reset();
        return engine.forward(Flows.tcp(pkt, i, true, Packet.TH_SYN, 1000L + i, 0, 0), now, r);
    }

    @Benchmark
    public CtInfo tcpNewConnection() {
        return syn();
    }
}
