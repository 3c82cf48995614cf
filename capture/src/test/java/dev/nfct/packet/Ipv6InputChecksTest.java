package dev.nfct.packet;

import static dev.nfct.packet.Pkt.b;
import static dev.nfct.packet.Pkt.cat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.core.Packet;
import org.junit.jupiter.api.Test;

/**
 * The kernel's IPv6 input checks, as the kernel runner (6.18) showed them: payload length 0 without
 * a valid jumbo option leaves the 40-byte header (TCP, UDP and ICMPv6 invalid, generic protocols
 * tracked at 40 bytes); a malformed first hop-by-hop header drops the datagram. Regression
 * captures: ipv6-payload-length-zero, ipv6-hop-by-hop-options.
 */
class Ipv6InputChecksTest {
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
        assertThat(Ipv6InputChecks.datagramLength(p, 0, p.length)).isEqualTo(40);
    }

    @Test
    void hopByHopWithoutJumboStillLeavesTheHeaderAlone() {
        byte[] p = zeroPayload(0, cat(hopByHop(17, b(1, 4, 0, 0, 0, 0)), UDP));
        assertThat(Ipv6InputChecks.datagramLength(p, 0, p.length)).isEqualTo(40);
    }

    @Test
    void aJumboValueOfAPlainLengthOrBeyondTheDataIsDropped() {
        byte[] small = zeroPayload(0, cat(hopByHop(17, jumbo(8 + UDP.length)), UDP));
        byte[] beyond = zeroPayload(0, cat(hopByHop(17, jumbo(70_000)), UDP));
        assertThat(Ipv6InputChecks.datagramLength(small, 0, small.length)).isEqualTo(Ipv6InputChecks.DROPPED);
        assertThat(Ipv6InputChecks.datagramLength(beyond, 0, beyond.length)).isEqualTo(Ipv6InputChecks.DROPPED);
        assertThat(LinkLayer.extract(LinkLayer.DLT_IPV6, beyond, 1).droppedByIp())
                .isTrue();
    }

    @Test
    void aValidJumbogramKeepsItsLength() {
        byte[] body = new byte[70_000 - 8];
        byte[] p = zeroPayload(0, cat(hopByHop(59, jumbo(70_000)), body));
        assertThat(Ipv6InputChecks.datagramLength(p, 0, p.length)).isEqualTo(40 + 70_000);
    }

    @Test
    void theFrameIsCutToTheHeaderSoTheTransportIsMissingAndAGenericProtocolCountsFortyBytes() {
        IpSlice udp = LinkLayer.extract(LinkLayer.DLT_IPV6, zeroPayload(17, UDP), 1);
        assertThat(udp.length()).isEqualTo(40);
        Packet p = new Packet();
        new PacketDecoder().decode(udp.buf(), udp.offset(), udp.length(), p);
        assertThat(p.l3Length).isEqualTo(40);
        assertThat(p.l4Length).isZero();

        IpSlice generic = LinkLayer.extract(LinkLayer.DLT_IPV6, zeroPayload(253, b(1, 2, 3, 4, 5, 6, 7, 8)), 1);
        Packet g = new Packet();
        new PacketDecoder().decode(generic.buf(), generic.offset(), generic.length(), g);
        assertThat(g.l3Length).isEqualTo(40);
        assertThat(g.protocol).isEqualTo(253);
    }

    @Test
    void aFirstHopByHopHeaderWithABadOptionDropsTheDatagram() {
        byte[] pastEnd = Pkt.ipv6(0, "2001:db8::1", "2001:db8::2", cat(hopByHop(17, b(1, 9, 0, 0, 0, 0)), UDP));
        byte[] jumboWithLength = Pkt.ipv6(0, "2001:db8::1", "2001:db8::2", cat(hopByHop(17, jumbo(100_000)), UDP));
        byte[] misaligned =
                Pkt.ipv6(0, "2001:db8::1", "2001:db8::2", cat(hopByHop(17, b(0, 0xC2, 4, 0, 1, 0x86)), UDP));
        for (byte[] p : new byte[][] {pastEnd, jumboWithLength, misaligned}) {
            assertThat(Ipv6InputChecks.datagramLength(p, 0, p.length)).isEqualTo(Ipv6InputChecks.DROPPED);
        }
    }

    @Test
    void unknownOptionsAndLaterOptionHeadersPass() {
        byte[] unknown = Pkt.ipv6(0, "2001:db8::1", "2001:db8::2", cat(hopByHop(17, b(0x9E, 4, 1, 2, 3, 4)), UDP));
        byte[] destJumbo = Pkt.ipv6(60, "2001:db8::1", "2001:db8::2", cat(hopByHop(17, jumbo(100_000)), UDP));
        assertThat(Ipv6InputChecks.datagramLength(unknown, 0, unknown.length)).isEqualTo(unknown.length);
        assertThat(Ipv6InputChecks.datagramLength(destJumbo, 0, destJumbo.length))
                .isEqualTo(destJumbo.length);
    }
}
