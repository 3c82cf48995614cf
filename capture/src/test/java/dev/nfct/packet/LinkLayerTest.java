package dev.nfct.packet;

import static dev.nfct.packet.Pkt.b;
import static dev.nfct.packet.Pkt.cat;
import static dev.nfct.packet.Pkt.u16;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LinkLayerTest {
    private static final byte[] V4 = Pkt.ipv4(17, "192.0.2.1", "192.0.2.2", Pkt.udp(1000, 53, b(1, 2, 3, 4)));
    private static final byte[] V6 = Pkt.ipv6(17, "2001:db8::1", "2001:db8::2", Pkt.udp(1000, 53, b(1, 2)));

    private static byte[] ipOf(int linkType, byte[] frame) {
        IpSlice s = LinkLayer.extract(linkType, frame, 7);
        assertThat(s.isIp()).as("skip reason %s", s.skipReason()).isTrue();
        return Arrays.copyOfRange(s.buf(), s.offset(), s.offset() + s.length());
    }

    @Test
    void ethernetFrameYieldsItsIpDatagram() {
        assertThat(ipOf(1, Pkt.ether(0x0800, V4))).containsExactly(V4);
        assertThat(ipOf(1, Pkt.ether(0x86DD, V6))).containsExactly(V6);
    }

    @Test
    void vlanQinQAnd9100TagsAreAllStripped() {
        byte[] single = Pkt.ether(0x8100, cat(u16(10), u16(0x0800), V4));
        byte[] qinq = Pkt.ether(0x88A8, cat(u16(100), u16(0x8100), u16(10), u16(0x86DD), V6));
        byte[] old = Pkt.ether(0x9100, cat(u16(5), u16(0x8100), u16(6), u16(0x8100), u16(7), u16(0x0800), V4));

        assertThat(ipOf(1, single)).containsExactly(V4);
        assertThat(ipOf(1, qinq)).containsExactly(V6);
        assertThat(ipOf(1, old)).containsExactly(V4);
    }

    @Test
    void pppoeSessionCarriesIpv4AndIpv6AndOtherPppProtocolsAreSkipped() {
        byte[] session = b(0x11, 0, 0x12, 0x34, 0, 0);
        assertThat(ipOf(1, Pkt.ether(0x8864, cat(session, u16(0x21), V4)))).containsExactly(V4);
        assertThat(ipOf(1, Pkt.ether(0x8100, cat(u16(3), u16(0x8864), session, u16(0x57), V6))))
                .containsExactly(V6);

        IpSlice lcp = LinkLayer.extract(1, Pkt.ether(0x8864, cat(session, u16(0xC021), b(1, 2, 3, 4))), 1);
        assertThat(lcp.isIp()).isFalse();
        assertThat(lcp.skipReason()).isEqualTo("non-ip PPP protocol 0xc021");
    }

    @Test
    void linuxCookedV1AndV2AreStripped() {
        byte[] sll = cat(u16(0), u16(1), u16(6), new byte[8], u16(0x0800), V4);
        byte[] sll2 = cat(u16(0x86DD), u16(0), Pkt.u32(2), u16(1), b(0, 6), new byte[8], V6);

        assertThat(ipOf(113, sll)).containsExactly(V4);
        assertThat(ipOf(276, sll2)).containsExactly(V6);
        assertThat(LinkLayer.extract(113, cat(new byte[14], u16(0x0806), new byte[28]), 1)
                        .isIp())
                .isFalse();
    }

    @Test
    void rawIpLinkTypesNeedNoStripping() {
        for (int dlt : new int[] {101, 12, 14}) {
            assertThat(ipOf(dlt, V4)).containsExactly(V4);
            assertThat(ipOf(dlt, V6)).containsExactly(V6);
        }
        assertThat(ipOf(228, V4)).containsExactly(V4);
        assertThat(ipOf(229, V6)).containsExactly(V6);
        assertThat(LinkLayer.extract(228, V6, 1).skipReason()).startsWith("bad-ip");
    }

    @Test
    void bsdNullAndLoopbackHeadersAreStripped() {
        assertThat(ipOf(0, cat(b(2, 0, 0, 0), V4))).containsExactly(V4);
        assertThat(ipOf(0, cat(b(0, 0, 0, 30), V6))).containsExactly(V6);
        assertThat(ipOf(108, cat(b(0, 0, 0, 2), V4))).containsExactly(V4);
    }

    @Test
    void arpIsSkippedWithAReasonNotAnError() {
        IpSlice arp = LinkLayer.extract(1, Pkt.ether(0x0806, new byte[28]), 3);

        assertThat(arp.isIp()).isFalse();
        assertThat(arp.skipReason()).isEqualTo("non-ip ethertype 0x0806");
        assertThat(LinkLayer.extract(1, new byte[10], 3).skipReason()).isEqualTo("short");
    }

    @Test
    void unknownLinkTypeIsAnErrorNamingLinkTypeAndFrame() {
        assertThatThrownBy(() -> LinkLayer.extract(147, V4, 12))
                .isInstanceOf(UnsupportedLinkTypeException.class)
                .hasMessageContaining("frame 12: unsupported link type 147");
    }

    @Test
    void snaplenTruncatedDatagramsAreZeroPaddedToTheirIpLength() {
        byte[] cutV4 = Arrays.copyOf(V4, 24);
        byte[] cutV6 = Arrays.copyOf(V6, 44);

        byte[] v4 = ipOf(1, Pkt.ether(0x0800, cutV4));
        byte[] v6 = ipOf(229, cutV6);

        assertThat(v4).hasSize(V4.length).startsWith(cutV4);
        assertThat(Arrays.copyOfRange(v4, 24, v4.length)).containsOnly(0);
        assertThat(v6).hasSize(V6.length).startsWith(cutV6);
        assertThat(Arrays.copyOfRange(v6, 44, v6.length)).containsOnly(0);
    }

    @Test
    void ethernetTrailerPaddingIsNotPartOfTheDatagram() {
        assertThat(ipOf(1, Pkt.ether(0x0800, cat(V4, new byte[6])))).containsExactly(V4);
    }

    @Test
    void ipHeaderThatDoesNotMatchItsEthertypeIsSkippedAsBadIp() {
        assertThat(LinkLayer.extract(1, Pkt.ether(0x0800, V6), 1).skipReason()).startsWith("bad-ip");
        assertThat(LinkLayer.extract(1, Pkt.ether(0x86DD, Arrays.copyOf(V6, 30)), 1)
                        .skipReason())
                .startsWith("bad-ip");
    }
}
