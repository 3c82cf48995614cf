package dev.nfct.cli.bench;

import dev.nfct.avro.PacketEvent;
import dev.nfct.core.Packet;
import dev.nfct.schema.PacketEvents;
import java.io.Serializable;

/**
 * The benchmark's traffic, generated deterministically: packet {@code i} of a workload is a pure
 * function of {@code i}, so any source subtask can make its share and every run sees the same
 * packets. Time advances 1 µs per packet on every host.
 *
 * <p>The packets are split into {@code streams} contiguous index ranges, one per source subtask,
 * and each stream has hosts of its own, as Kafka partitions keyed by host would: all packets of a
 * flow come from one stream, in order, so keying never reorders a flow.
 */
public final class Workload implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The kinds of traffic. */
    public enum Kind {
        /** Short TCP connections, 6 packets each (handshake, FIN both ways, last ACK), 64 at a time. */
        SHORT_TCP,
        /** {@code flows} UDP flows: each opens, is answered, then gets a packet per round, in turn. */
        ESTABLISHED_UDP,
        /** A new UDP flow with every packet (a scan): the table grows by one entry per packet. */
        NEW_UDP,
        /**
         * Shaped like traffic at a gateway: of every 10 packets, 7 on established UDP flows, 2 of
         * short TCP connections, 1 opening a UDP flow nobody answers.
         */
        MIX
    }

    private static final long SERVER = 0xC0000201L; // 192.0.2.1
    private static final int TCP_WINDOW = 64;
    private static final long START_NS = 1_700_000_000_000_000_000L;
    /** Hosts of each stream. */
    private static final int HOSTS_PER_STREAM = 4;

    private final Kind kind;
    private final long packets;
    private final int streams;
    private final long flows;

    /**
     * @param packets packets in all
     * @param streams source subtasks (each makes a contiguous share)
     * @param flows live UDP flows of {@link Kind#ESTABLISHED_UDP} and {@link Kind#MIX}, in all
     */
    public Workload(Kind kind, long packets, int streams, long flows) {
        this.kind = kind;
        this.packets = packets;
        this.streams = streams;
        this.flows = Math.max(streams, flows);
    }

    public Kind kind() {
        return kind;
    }

    public long packets() {
        return packets;
    }

    public int streams() {
        return streams;
    }

    public long flows() {
        return flows;
    }

    /** Packets before the measured part: those that open the established flows and answer them. */
    public long warmup() {
        return switch (kind) {
            case ESTABLISHED_UDP -> Math.min(packets / 2, 2 * flows);
            case MIX -> Math.min(packets / 2, 2 * flows * 10 / 7);
            default -> 0;
        };
    }

    /** Packet {@code i}, {@code 0 <= i < packets()}. */
    public PacketEvent packet(long i, Packet scratch) {
        long perStream = (packets + streams - 1) / streams;
        int stream = (int) (i / perStream);
        long j = i % perStream;
        long t = START_NS + i * 1_000;
        Packet p = switch (kind) {
            case SHORT_TCP -> shortTcp(scratch, stream, j, 0);
            case ESTABLISHED_UDP -> establishedUdp(scratch, stream, j, flows / streams);
            case NEW_UDP -> newUdp(scratch, stream, j, 0);
            case MIX -> mix(scratch, stream, j);
        };
        long client = (p.srcLo == SERVER ? p.dstLo : p.srcLo) & 0x00ffffffL;
        return PacketEvents.fromPacket(p, host(stream, client), i + 1, t);
    }

    private Packet mix(Packet p, int stream, long j) {
        long block = j / 10;
        int pos = (int) (j % 10);
        if (pos < 7) {
            return establishedUdp(p, stream, block * 7 + pos, flows * 7 / 10 / streams);
        } else if (pos < 9) {
            return shortTcp(p, stream, block * 2 + pos - 7, 1);
        }
        return newUdp(p, stream, block, 2);
    }

    private Packet establishedUdp(Packet p, int stream, long j, long perStream) {
        long n = Math.max(1, perStream);
        long f = j % n;
        long round = j / n;
        // Round 0 opens the flow, round 1 answers it, then they alternate.
        return udp(p, flow(stream, f, 0), round % 2 == 0, 64);
    }

    private Packet newUdp(Packet p, int stream, long j, int space) {
        return udp(p, flow(stream, j, space), true, 64);
    }

    private Packet shortTcp(Packet p, int stream, long j, int space) {
        long block = j / (6 * TCP_WINDOW);
        int inBlock = (int) (j % (6 * TCP_WINDOW));
        int step = inBlock / TCP_WINDOW;
        long conn = block * TCP_WINDOW + inBlock % TCP_WINDOW;
        long flow = flow(stream, conn, 1 + space);
        long c = 1000; // client's initial sequence number
        long s = 5000; // server's
        return switch (step) {
            case 0 -> tcp(p, flow, true, Packet.TH_SYN, c, 0);
            case 1 -> tcp(p, flow, false, Packet.TH_SYN | Packet.TH_ACK, s, c + 1);
            case 2 -> tcp(p, flow, true, Packet.TH_ACK, c + 1, s + 1);
            case 3 -> tcp(p, flow, true, Packet.TH_FIN | Packet.TH_ACK, c + 1, s + 1);
            case 4 -> tcp(p, flow, false, Packet.TH_FIN | Packet.TH_ACK, s + 1, c + 2);
            default -> tcp(p, flow, true, Packet.TH_ACK, c + 2, s + 2);
        };
    }

    /** A flow number unique across streams and address spaces (each kind of traffic in a mix gets its own). */
    private static long flow(int stream, long f, int space) {
        return ((long) space << 40) | ((long) stream << 32) | f;
    }

    /** The flow's host, one of its stream's own, picked by the client address's low bits. */
    private static String host(int stream, long client) {
        return "bench-" + (stream * HOSTS_PER_STREAM + (int) (client % HOSTS_PER_STREAM));
    }

    /** Client 10.0.0.0/8 (plus the space and stream in the port's upper range) to 192.0.2.1. */
    private static void endpoints(Packet p, long flow, boolean fromClient, int serverPort) {
        long client = 0x0A000000L | (flow & 0x00ffffffL);
        int clientPort = 1024 + (int) ((flow >>> 24) % 60000);
        p.family = Packet.AF_INET;
        p.srcHi = 0;
        p.dstHi = 0;
        p.srcLo = fromClient ? client : SERVER;
        p.dstLo = fromClient ? SERVER : client;
        p.srcPort = fromClient ? clientPort : serverPort;
        p.dstPort = fromClient ? serverPort : clientPort;
        p.hopLimit = 64;
        p.inner = null;
        p.l4Unreachable = false;
        p.l4ChecksumOk = true;
    }

    private static Packet udp(Packet p, long flow, boolean fromClient, int payload) {
        endpoints(p, flow, fromClient, 53);
        p.protocol = Packet.IPPROTO_UDP;
        p.l4Length = 8 + payload;
        p.udpLengthField = p.l4Length;
        p.udpChecksumField = 0;
        p.l3Length = 20 + p.l4Length;
        return p;
    }

    private static Packet tcp(Packet p, long flow, boolean fromClient, int flags, long seq, long ack) {
        endpoints(p, flow, fromClient, 443);
        p.protocol = Packet.IPPROTO_TCP;
        p.tcpFlags = flags;
        p.tcpSeq = seq & 0xffffffffL;
        p.tcpAck = ack & 0xffffffffL;
        p.tcpDataOffset = 20;
        p.tcpWindow = 65535;
        p.tcpWscale = (flags & Packet.TH_SYN) != 0 ? 7 : -1;
        p.tcpSackPerm = (flags & Packet.TH_SYN) != 0;
        p.tcpHasSack = false;
        p.l4Length = 20;
        p.l3Length = 40;
        return p;
    }
}
