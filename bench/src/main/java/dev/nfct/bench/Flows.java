package dev.nfct.bench;

import dev.nfct.core.Packet;

/**
 * Deterministic synthetic flows for the benchmarks: flow {@code i} is client 10.0.0.0 + i, port
 * 1024 + (i mod 60000), to server 192.0.2.1:443. Packets are written into one reused {@link Packet},
 * as a decoder on the hot path would.
 */
final class Flows {
    static final long SERVER = 0xC0000201L;
    static final int SERVER_PORT = 443;

    private Flows() {}

    static long client(int i) {
        return 0x0A000000L + i;
    }

    static int clientPort(int i) {
        return 1024 + (i % 60000);
    }

    /** A TCP segment of flow {@code i}, from the client when {@code fromClient}. */
    static Packet tcp(Packet p, int i, boolean fromClient, int flags, long seq, long ack, int payload) {
        p.family = Packet.AF_INET;
        p.protocol = Packet.IPPROTO_TCP;
        endpoints(p, i, fromClient);
        p.tcpFlags = flags;
        p.tcpSeq = seq & 0xffffffffL;
        p.tcpAck = ack & 0xffffffffL;
        p.tcpDataOffset = 20;
        p.tcpWindow = 65535;
        p.tcpWscale = (flags & Packet.TH_SYN) != 0 ? 7 : -1;
        p.tcpSackPerm = (flags & Packet.TH_SYN) != 0;
        p.tcpHasSack = false;
        p.l4Length = 20 + payload;
        p.l3Length = 20 + p.l4Length;
        p.inner = null;
        p.l4Unreachable = false;
        return p;
    }

    /** A UDP datagram of flow {@code i}. */
    static Packet udp(Packet p, int i, boolean fromClient, int payload) {
        p.family = Packet.AF_INET;
        p.protocol = Packet.IPPROTO_UDP;
        endpoints(p, i, fromClient);
        p.l4Length = 8 + payload;
        p.udpLengthField = p.l4Length;
        p.udpChecksumField = 0;
        p.l3Length = 20 + p.l4Length;
        p.inner = null;
        p.l4Unreachable = false;
        return p;
    }

    /** Addresses and ports of flow {@code i} in the packet's direction. */
    private static void endpoints(Packet p, int i, boolean fromClient) {
        p.srcHi = 0;
        p.dstHi = 0;
        p.srcLo = fromClient ? client(i) : SERVER;
        p.dstLo = fromClient ? SERVER : client(i);
        p.srcPort = fromClient ? clientPort(i) : SERVER_PORT;
        p.dstPort = fromClient ? SERVER_PORT : clientPort(i);
    }
}
