package dev.nfct.packet;

import static dev.nfct.packet.Pkt.b;
import static dev.nfct.packet.Pkt.cat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.core.Packet;
import org.junit.jupiter.api.Test;

/**
 * IPv6 payload length 0 without a valid jumbo option: the datagram is its 40-byte header (kernel
 * runner, 6.18: TCP, UDP and ICMPv6 invalid, generic protocols tracked at 40 bytes, a bad jumbo
 * option dropped before conntrack). Regression capture: ipv6-payload-length-zero.
 */
class Ipv6ZeroPayloadTest {
    private static final byte[] UDP = Pkt.udp(4000, 53, b(1, 2, 3, 4));

    private static byte[] zeroPayload(int nextHeader, byte[] rest) {
        byte[] p = Pkt.ipv6(nextHeader, "2001:db8::1", "2001:db8::2", rest);
        p[4] = 0;
        p[5] = 0;
        return p;
    }

    private static byte[] hopByHop(int next, byte[] options) {
        return cat(b(next, (2 + options.length) / 8 - 1), options);
    }

    private static byte[] jumbo(long value) {
        return b(
                0xC2,
                4,
                (int) (value >>> 24) & 0xff,
                (int) (value >>> 16) & 0xff,
                (int) (value >>> 8) & 0xff,
                (int) value & 0xff);
    }

    @Test
    void withoutHopByHopTheDatagramIsItsHeader() {
        byte[] p = zeroPayload(17, UDP);
        assertThat(Ipv6ZeroPayload.datagramLength(p, 0, p.length)).isEqualTo(40);
    }

    @Test
    void hopByHopWithoutJumboStillLeavesTheHeaderAlone() {
        byte[] p = zeroPayload(0, cat(hopByHop(17, b(1, 4, 0, 0, 0, 0)), UDP));
        assertThat(Ipv6ZeroPayload.datagramLength(p, 0, p.length)).isEqualTo(40);
    }

    @Test
    void aJumboValueOfAPlainLengthOrBeyondTheDataIsDropped() {
        byte[] small = zeroPayload(0, cat(hopByHop(17, jumbo(8 + UDP.length)), UDP));
        byte[] beyond = zeroPayload(0, cat(hopByHop(17, jumbo(70_000)), UDP));
        assertThat(Ipv6ZeroPayload.datagramLength(small, 0, small.length)).isEqualTo(Ipv6ZeroPayload.DROPPED);
        assertThat(Ipv6ZeroPayload.datagramLength(beyond, 0, beyond.length)).isEqualTo(Ipv6ZeroPayload.DROPPED);
        assertThat(LinkLayer.extract(LinkLayer.DLT_IPV6, beyond, 1).droppedByIp())
                .isTrue();
    }

    @Test
    void aValidJumbogramKeepsItsLength() {
        byte[] body = new byte[70_000 - 8];
        byte[] p = zeroPayload(0, cat(hopByHop(59, jumbo(70_000)), body));
        assertThat(Ipv6ZeroPayload.datagramLength(p, 0, p.length)).isEqualTo(40 + 70_000);
    }

    @Test
    void decodedTransportIsMissingAndAGenericProtocolCountsFortyBytes() {
        Packet udp = new Packet();
        new PacketDecoder().decode(zeroPayload(17, UDP), 0, 40 + UDP.length, udp);
        assertThat(udp.l3Length).isEqualTo(40);
        assertThat(udp.l4Length).isZero();

        byte[] generic = zeroPayload(253, b(1, 2, 3, 4, 5, 6, 7, 8));
        Packet g = new Packet();
        new PacketDecoder().decode(generic, 0, generic.length, g);
        assertThat(g.l3Length).isEqualTo(40);
        assertThat(g.protocol).isEqualTo(253);
    }
}
