package dev.nfct.packet;

import static dev.nfct.packet.Pkt.b;
import static dev.nfct.packet.Pkt.cat;
import static dev.nfct.packet.Pkt.u32;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.core.Packet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The SACK value the decoder hands to the window check ({@link Packet#tcpSackMax}): the right
 * edges of the first well-formed SACK option folded in order, starting from the ack number, an
 * edge replacing the running value when it is after it modulo 2^32. Every rule here was checked
 * against kernel 6.18 (fuzz findings tcp-sack-* in src/test/resources/conformance/regressions/
 * and the experiments listed in docs/CONFORMANCE.md).
 */
class TcpDecoderSackTest {
    private static final String A = "192.0.2.1", B = "198.51.100.7";
    private static final long ACK = 1066;
    private static final long HALF = 1L << 31;

    private final PacketDecoder decoder = new PacketDecoder();

    private Packet decode(long ack, byte[] options) {
        byte[] tcp = Pkt.tcp(80, 1111, 5001, ack, Packet.TH_ACK, 65000, options, b());
        byte[] ip = Pkt.ipv4(6, A, B, tcp);
        Packet p = new Packet();
        decoder.decode(ip, 0, ip.length, p);
        return p;
    }

    /** NOP, NOP, then a SACK option with the given (left, right) pairs. */
    private static byte[] sack(long... edges) {
        byte[] o = b(1, 1, 5, 2 + 4 * edges.length);
        for (long e : edges) {
            o = cat(o, u32(e & 0xffffffffL));
        }
        return o;
    }

    @Test
    @DisplayName("the fold starts at the ack: edges not after it leave the ack")
    void foldStartsAtTheAck() {
        Packet p = decode(ACK, sack(1000, 1050, 900, 1000));
        assertThat(p.tcpHasSack).isTrue();
        assertThat(p.tcpSackMax).isEqualTo(ACK);
    }

    @Test
    @DisplayName("only right edges count: a left edge beyond everything is not looked at")
    void leftEdgesAreIgnored() {
        Packet p = decode(ACK, sack(ACK + 5000, ACK + 100));
        assertThat(p.tcpSackMax).isEqualTo(ACK + 100);
    }

    @Test
    @DisplayName("order matters: edge past td_end then one ~2^31 later ends 'behind' the ack (kernel: IGNORE)")
    void overThenWrapEndsBehind() {
        // tcp-sack-fold-over-then-wrap: {156:166}{2147483803:2147483813} with ack 66 (relative)
        long second = (ACK + 100 + HALF - 1) & 0xffffffffL;
        Packet p = decode(ACK, sack(ACK + 90, ACK + 100, second - 10, second));
        assertThat(p.tcpSackMax)
                .as("after ack+100 (by 2^31-1), so it replaces it")
                .isEqualTo(second);
        assertThat((int) (second - ACK))
                .as("and it lies before the ack: a maximum would differ")
                .isNegative();
    }

    @Test
    @DisplayName("the same two blocks the other way round: the wrapped edge is skipped, the near one kept")
    void wrapThenOverKeepsTheNearEdge() {
        // tcp-sack-fold-wrap-then-over
        Packet p = decode(ACK, sack(ACK + 100 + HALF, ACK + 100 + HALF + 10, ACK + 90, ACK + 100));
        assertThat(p.tcpSackMax).isEqualTo(ACK + 100);
    }

    @Test
    @DisplayName("not a maximum: an edge after the current value replaces it even if an earlier one is 'after' it")
    void notAMaximum() {
        // tcp-handshake-ack-sack-ignored-v4: ack+1449, ack-1348, then an edge 2^31+ beyond ack+1449
        long ack = 2147483649L;
        Packet p = decode(ack, sack(ack + 1448, ack + 1449, ack - 1448, ack - 1348, 1, 101));
        assertThat(p.tcpSackMax).isEqualTo(101);
    }

    @Test
    @DisplayName("all four blocks are folded")
    void fourBlocks() {
        Packet p = decode(ACK, sack(ACK, ACK, ACK, ACK, ACK, ACK, ACK, ACK + 50));
        assertThat(p.tcpSackMax).isEqualTo(ACK + 50);
    }

    @Test
    @DisplayName("only the first well-formed SACK option counts (kernel: a later over-the-end block was not checked)")
    void firstWellFormedOptionOnly() {
        Packet p = decode(ACK, cat(sack(ACK, ACK), sack(ACK, ACK + 50)));
        assertThat(p.tcpSackMax).isEqualTo(ACK);
        Packet q = decode(ACK, cat(sack(ACK, ACK - 5), b(8, 10), u32(0), u32(0), sack(ACK, ACK + 50)));
        assertThat(q.tcpSackMax).as("also across other options").isEqualTo(ACK);
    }

    @Test
    @DisplayName("malformed SACK options (length 2, 3, 14) are skipped and a later well-formed one is used")
    void malformedSackOptionsAreSkipped() {
        Packet p = decode(ACK, cat(b(5, 2), sack(ACK, ACK + 50)));
        assertThat(p.tcpSackMax).isEqualTo(ACK + 50);
        Packet q = decode(ACK, cat(b(5, 14), u32(ACK), u32(ACK + 70), u32(0), sack(ACK, ACK + 50)));
        assertThat(q.tcpSackMax).isEqualTo(ACK + 50);
        Packet r = decode(ACK, cat(b(5, 14), u32(ACK), u32(ACK + 70), u32(0), b(0, 0)));
        assertThat(r.tcpHasSack).isFalse();
    }

    @Test
    @DisplayName("a malformed option before the SACK ends the walk: no SACK")
    void malformedOptionBeforeEndsTheWalk() {
        assertThat(decode(ACK, cat(b(8, 0), sack(ACK, ACK + 50))).tcpHasSack).isFalse();
        assertThat(decode(ACK, cat(b(0, 0), sack(ACK, ACK + 50))).tcpHasSack).isFalse();
    }
}
