package dev.nfct.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.nfct.core.proto.TcpConn;
import dev.nfct.core.proto.Trackers;
import dev.nfct.core.proto.UdpConn;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HexFormat;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The entry format is what Flink checkpoints and savepoints hold, so it is an API: a build must
 * read what earlier builds of the same {@link ConnCodec#VERSION} wrote, and write it the same way.
 * The expected bytes were written by the format-1 writer before TCP data moved into the entry
 * (commit 502b510), for a fixed scenario: a TCP connection with acct and timestamps on, taken
 * through handshake, data, its ACK and the client's FIN, and one DNS query over UDP.
 */
class ConnCodecFormatTest {
    private static final String TCP_V1 =
            "0102060a000001c00002019c4001bb00000206c00002010a00000101bb9c4000004a30a239000000"
                    + "000000000e17979d1a2704fb4000000000000000000f000000000000000400000000000001040000"
                    + "000000000002000000000000005017979cfe362a000000000000000000000000000001040000044e"
                    + "00390c4d00000000003908000000138907000000370000138900391b890000000000390800000004"
                    + "4d07000000230002000013890000044d0000138900007210000000000000000000";
    private static final String UDP_V1 =
            "0102110a000002c000023514e9003500000211c00002350a000002003514e9000073c167bc000000"
                    + "000000000817979d0532a9398017979cfeadbb2180070000000000000001000000000000003a0000"
                    + "000000000000000000000000000017979cfe36858d80000000000000000000000000";

    private static final long T0 = 1_700_000_000_000_000_000L;

    @Test
    @DisplayName("entries of today's engine are written exactly as format 1 wrote them")
    void writesFormatOne() throws IOException {
        Conntrack engine = scenario();
        assertEquals(TCP_V1, hex(entry(engine, Packet.IPPROTO_TCP)));
        assertEquals(UDP_V1, hex(entry(engine, Packet.IPPROTO_UDP)));
    }

    @Test
    @DisplayName("format-1 bytes read back into the same entries, each of its tracker's class")
    void readsFormatOne() throws IOException {
        Conn tcp = read(TCP_V1);
        assertInstanceOf(TcpConn.class, tcp);
        assertEquals(
                "FIN_WAIT", new Trackers(new Settings()).get(Packet.IPPROTO_TCP).stateName(tcp));
        assertEquals(TCP_V1, hex(tcp));
        Conn udp = read(UDP_V1);
        assertEquals(UdpConn.class, udp.getClass());
        assertEquals(UDP_V1, hex(udp));
        Conntrack engine = scenario();
        assertEquals(entry(engine, Packet.IPPROTO_TCP).toString(), tcp.toString());
        assertEquals(entry(engine, Packet.IPPROTO_UDP).toString(), udp.toString());
    }

    private static Conntrack scenario() {
        Settings s = new Settings();
        s.acct = 1;
        s.timestamp = 1;
        Conntrack engine = new Conntrack(s, Trackers.standard(s), new HashConnTable(), e -> {});
        long now = T0;
        // client flag bits, seq, ack, payload: SYN, SYN-ACK, ACK, PSH-ACK with 100 bytes, ACK, FIN-ACK
        long[][] segments = {
            {1, 0x02, 1000, 0, 0}, {0, 0x12, 5000, 1001, 0}, {1, 0x10, 1001, 5001, 0},
            {1, 0x18, 1001, 5001, 100}, {0, 0x10, 5001, 1101, 0}, {1, 0x11, 1101, 5001, 0},
        };
        Packet p = new Packet();
        for (long[] g : segments) {
            boolean fromClient = g[0] == 1;
            ipv4(
                    p,
                    Packet.IPPROTO_TCP,
                    fromClient ? 0x0A000001L : 0xC0000201L,
                    fromClient ? 0xC0000201L : 0x0A000001L,
                    fromClient ? 40000 : 443,
                    fromClient ? 443 : 40000);
            p.tcpFlags = (int) g[1];
            p.tcpSeq = g[2];
            p.tcpAck = g[3];
            p.tcpDataOffset = 20;
            p.tcpWindow = 29200;
            boolean syn = (g[1] & Packet.TH_SYN) != 0;
            p.tcpWscale = syn ? 7 : -1;
            p.tcpSackPerm = syn;
            p.l4Length = 20 + (int) g[4];
            p.l3Length = 20 + p.l4Length;
            engine.forward(p, now, new PacketCt());
            now += 1_000_000;
        }
        ipv4(p, Packet.IPPROTO_UDP, 0x0A000002L, 0xC0000235L, 5353, 53);
        p.l4Length = 8 + 30;
        p.udpLengthField = p.l4Length;
        p.l3Length = 20 + p.l4Length;
        engine.forward(p, now, new PacketCt());
        return engine;
    }

    private static void ipv4(Packet p, int protocol, long src, long dst, int srcPort, int dstPort) {
        p.family = Packet.AF_INET;
        p.protocol = protocol;
        p.srcLo = src;
        p.dstLo = dst;
        p.srcPort = srcPort;
        p.dstPort = dstPort;
        p.l4ChecksumOk = true;
    }

    private static Conn entry(Conntrack engine, int protocol) {
        Conn[] found = new Conn[1];
        engine.table().forEach(ct -> {
            if (ct.protocol() == protocol) {
                found[0] = ct;
            }
        });
        return found[0];
    }

    private static String hex(Conn ct) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConnCodec.writeConn(ct, Trackers.ENTRY_TYPES, new DataOutputStream(bytes));
        return HexFormat.of().formatHex(bytes.toByteArray());
    }

    private static Conn read(String hex) throws IOException {
        return ConnCodec.readConn(
                new DataInputStream(new ByteArrayInputStream(HexFormat.of().parseHex(hex))), Trackers.ENTRY_TYPES);
    }
}
