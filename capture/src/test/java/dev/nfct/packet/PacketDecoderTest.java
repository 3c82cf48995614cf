package dev.nfct.packet;

import static dev.nfct.packet.Pkt.b;
import static dev.nfct.packet.Pkt.cat;
import static dev.nfct.packet.Pkt.u16;
import static dev.nfct.packet.Pkt.u32;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nfct.core.Packet;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PacketDecoderTest {
    private static final String A = "192.0.2.1", B = "198.51.100.7";
    private static final String A6 = "2001:db8::1", B6 = "2001:db8:ffff::8000:2";

    private final PacketDecoder decoder = new PacketDecoder();

    private Packet decode(byte[] datagram) {
        Packet p = new Packet();
        decoder.decode(datagram, 0, datagram.length, p);
        return p;
    }

    @Test
    void ipv4TcpHeaderFieldsAreDecoded() {
        byte[] tcp =
                Pkt.tcp(40000, 443, 0xFFFFFFF0L, 0x80000001L, Packet.TH_SYN | Packet.TH_ACK, 65000, b(), b(1, 2, 3));

        Packet p = decode(Pkt.ipv4(6, A, B, tcp));

        assertThat(p.family).isEqualTo(Packet.AF_INET);
        assertThat(p.srcLo).isEqualTo(Pkt.v4(A));
        assertThat(p.dstLo).isEqualTo(0xC6336407L);
        assertThat(p.srcHi).isZero();
        assertThat(p.l3Length).isEqualTo(20 + tcp.length);
        assertThat(p.protocol).isEqualTo(6);
        assertThat(p.hopLimit).isEqualTo(64);
        assertThat(p.l4Length).isEqualTo(tcp.length);
        assertThat(p.srcPort).isEqualTo(40000);
        assertThat(p.dstPort).isEqualTo(443);
        assertThat(p.tcpSeq).isEqualTo(0xFFFFFFF0L);
        assertThat(p.tcpAck).isEqualTo(0x80000001L);
        assertThat(p.tcpFlags).isEqualTo(Packet.TH_SYN | Packet.TH_ACK);
        assertThat(p.tcpDataOffset).isEqualTo(20);
        assertThat(p.tcpWindow).isEqualTo(65000);
        assertThat(p.tcpPayloadLength()).isEqualTo(3);
        assertThat(p.tcpWscale).isEqualTo(-1);
        assertThat(p.l4Unreachable).isFalse();
        assertThat(p.l4ChecksumOk).isTrue();
    }

    @Test
    void ipv4OptionsMoveTheL4StartAndTrailingBytesBeyondTotalLengthAreIgnored() {
        byte[] udp = Pkt.udp(1, 2, b(9));
        byte[] ip = Pkt.ipv4(17, A, B, cat(b(1, 1, 1, 0), udp)); // 4 bytes of IP options (NOPs + EOL)
        ip[0] = 0x46;
        Packet p = decode(cat(ip, new byte[10]));

        assertThat(p.l3Length).isEqualTo(ip.length);
        assertThat(p.l4Length).isEqualTo(udp.length);
        assertThat(p.srcPort).isEqualTo(1);
    }

    @Test
    void tcpOptionsWindowScaleSackPermittedAndSackBlocksAreParsed() {
        byte[] opts = cat(
                b(2, 4, 5, 0xB4),
                b(1, 3, 3, 14),
                b(4, 2),
                b(1, 1),
                b(5, 26),
                u32(100),
                u32(0xFFFFFF00L),
                u32(0xFFFFFF00L),
                u32(0x10),
                u32(5),
                u32(7));

        Packet p = decode(Pkt.ipv4(6, A, B, Pkt.tcp(1, 2, 0, 0, Packet.TH_ACK, 0, opts, b())));

        assertThat(p.tcpWscale).as("no cap at 14 is applied by the decoder").isEqualTo(14);
        assertThat(p.tcpSackPerm).isTrue();
        assertThat(p.tcpHasSack).isTrue();
        assertThat(p.tcpSackMax).as("0x10 is after 0xFFFFFF00 modulo 2^32").isEqualTo(0x10);
        assertThat(p.tcpDataOffset).isEqualTo(20 + 40);
    }

    @Test
    void malformedTcpOptionStopsParsingButKeepsEarlierOptions() {
        byte[] opts = b(3, 3, 7, 4, 0, 5, 10); // wscale, then SACK-permitted with length 0
        Packet p = decode(Pkt.ipv4(6, A, B, Pkt.tcp(1, 2, 0, 0, Packet.TH_SYN, 0, opts, b())));

        assertThat(p.tcpWscale).isEqualTo(7);
        assertThat(p.tcpSackPerm).isFalse();
        assertThat(p.tcpHasSack).isFalse();
    }

    @Test
    void sackWithABadLengthIsIgnored() {
        Packet p = decode(Pkt.ipv4(6, A, B, Pkt.tcp(1, 2, 0, 0, Packet.TH_ACK, 0, cat(b(5, 6), u32(1)), b())));

        assertThat(p.tcpHasSack).isFalse();
    }

    @Test
    void shortTcpHeaderStillGivesThePortsAndItsLength() {
        Packet p = decode(Pkt.ipv4(6, A, B, b(0x1F, 0x90, 0, 80, 0, 0)));

        assertThat(p.srcPort).isEqualTo(8080);
        assertThat(p.dstPort).isEqualTo(80);
        assertThat(p.l4Length).isEqualTo(6);
        assertThat(p.tcpDataOffset).isZero();
    }

    @Test
    void udpAndUdpLiteLengthAndChecksumFieldsAreDecoded() {
        Packet udp = decode(Pkt.ipv4(17, A, B, Pkt.udp(53, 5353, b(1, 2, 3))));
        Packet lite = decode(Pkt.ipv4(136, A, B, cat(u16(7), u16(8), u16(8), u16(0x1234), b(0))));

        assertThat(udp.srcPort).isEqualTo(53);
        assertThat(udp.dstPort).isEqualTo(5353);
        assertThat(udp.udpLengthField).isEqualTo(11);
        assertThat(udp.udpChecksumField).isEqualTo(0xBEEF);
        assertThat(lite.protocol).isEqualTo(Packet.IPPROTO_UDPLITE);
        assertThat(lite.udpLengthField).isEqualTo(8);
        assertThat(lite.udpChecksumField).isEqualTo(0x1234);
    }

    private static byte[] sctp(byte[]... chunks) {
        return cat(u16(5000), u16(6000), u32(0xAABBCCDDL), u32(0), cat(chunks));
    }

    @Test
    void sctpChunksAreListedWithInitiateTags() {
        byte[] init = cat(b(1, 0), u16(20), u32(0x11223344L), new byte[12]);
        byte[] data = cat(b(0, 3), u16(17), new byte[13], new byte[3]); // 17 bytes, padded to 20
        byte[] initAck = cat(b(2, 0), u16(20), u32(0x55667788L), new byte[12]);

        Packet p = decode(Pkt.ipv4(132, A, B, sctp(init, data, initAck)));

        assertThat(p.srcPort).isEqualTo(5000);
        assertThat(p.sctpVtag).isEqualTo(0xAABBCCDDL);
        assertThat(p.sctpChunkCount).isEqualTo(3);
        assertThat(Arrays.copyOf(p.sctpChunkType, 3)).containsExactly(1, 0, 2);
        assertThat(Arrays.copyOf(p.sctpChunkFlags, 3)).containsExactly(0, 3, 0);
        assertThat(Arrays.copyOf(p.sctpInitTag, 3)).containsExactly(0x11223344L, 0, 0x55667788L);
        assertThat(p.sctpChunksBroken).isFalse();
    }

    @Test
    void sctpChunkTooShortMarksTheListBrokenButOneRunningPastTheEndIsTheLast() {
        Packet zero = decode(Pkt.ipv4(132, A, B, sctp(cat(b(3, 0), u16(0)))));
        Packet overrun = decode(Pkt.ipv4(132, A, B, sctp(cat(b(4, 0), u16(40), new byte[4]))));

        assertThat(zero.sctpChunksBroken).isTrue();
        assertThat(zero.sctpChunkCount).isZero();
        // The kernel (6.18) takes a chunk whose length runs past the packet, as the last one.
        assertThat(overrun.sctpChunksBroken).isFalse();
        assertThat(overrun.sctpChunkCount).isEqualTo(1);
        assertThat(overrun.sctpChunkType[0]).isEqualTo(4);
    }

    @Test
    void icmpEchoGivesTypeCodeAndIdentifierWithoutInner() {
        Packet p = decode(Pkt.ipv4(1, A, B, cat(b(8, 0), u16(0), u16(0x4242), u16(1), b(1, 2, 3))));

        assertThat(p.icmpType).isEqualTo(8);
        assertThat(p.icmpCode).isZero();
        assertThat(p.icmpId).isEqualTo(0x4242);
        assertThat(p.inner).isNull();
    }

    @Test
    void icmpPortUnreachableQuotesTheUdpDatagram() {
        byte[] quoted = Pkt.ipv4(17, B, A, Pkt.udp(33000, 53, new byte[30]));
        byte[] icmp = cat(b(3, 3), u16(0), u32(0), quoted);

        Packet p = decode(Pkt.ipv4(1, A, B, icmp));

        assertThat(p.icmpType).isEqualTo(3);
        assertThat(p.inner).isNotNull();
        assertThat(p.inner.family).isEqualTo(Packet.AF_INET);
        assertThat(p.inner.srcLo).isEqualTo(Pkt.v4(B));
        assertThat(p.inner.protocol).isEqualTo(17);
        assertThat(p.inner.srcPort).isEqualTo(33000);
        assertThat(p.inner.dstPort).isEqualTo(53);
        assertThat(p.inner.l4Length).isEqualTo(38);
    }

    @Test
    void truncatedQuotedTcpIsDecodedAsFarAsItGoesWithoutPadding() {
        byte[] full = Pkt.ipv4(6, B, A, Pkt.tcp(80, 41000, 1234, 0, Packet.TH_SYN, 100, b(), new byte[100]));
        byte[] icmp = cat(b(11, 0), u16(0), u32(0), Arrays.copyOf(full, 28)); // IP header + 8 bytes of TCP

        Packet p = decode(Pkt.ipv4(1, A, B, icmp));

        assertThat(p.inner.l3Length).isEqualTo(full.length);
        assertThat(p.inner.l4Length).isEqualTo(8);
        assertThat(p.inner.srcPort).isEqualTo(80);
        assertThat(p.inner.dstPort).isEqualTo(41000);
        assertThat(p.inner.tcpSeq).isEqualTo(1234);
        assertThat(p.inner.tcpFlags).isZero();
    }

    @Test
    void icmpErrorWithAnUnusableQuoteHasNoInner() {
        Packet p = decode(Pkt.ipv4(1, A, B, cat(b(3, 1), u16(0), u32(0), b(0x45, 0, 0))));

        assertThat(p.icmpType).isEqualTo(3);
        assertThat(p.inner).isNull();
    }

    @Test
    void icmpv6ErrorQuotesTheIpv6Datagram() {
        byte[] quoted = Pkt.ipv6(17, B6, A6, Pkt.udp(1234, 9, new byte[4]));
        Packet p = decode(Pkt.ipv6(58, A6, B6, cat(b(1, 4), u16(0), u32(0), quoted)));

        assertThat(p.protocol).isEqualTo(58);
        assertThat(p.icmpType).isEqualTo(1);
        assertThat(p.icmpCode).isEqualTo(4);
        assertThat(p.inner.family).isEqualTo(Packet.AF_INET6);
        assertThat(p.inner.dstPort).isEqualTo(9);
    }

    @Test
    void icmpv6RedirectWithRedirectedHeaderOptionDecodesTheEmbeddedDatagram() {
        byte[] embedded = Pkt.ipv6(6, A6, B6, Pkt.tcp(5, 6, 0, 0, Packet.TH_SYN, 0, b(), b()));
        byte[] targetAndDest = cat(Pkt.addr("fe80::1"), Pkt.addr(B6));
        byte[] linkAddrOption = b(2, 1, 0, 0, 0, 0, 0, 0);
        byte[] redirected = cat(b(4, (8 + embedded.length + 7) / 8, 0, 0, 0, 0, 0, 0), embedded);
        redirected = Arrays.copyOf(redirected, (redirected.length + 7) & ~7);
        byte[] icmp = cat(b(137, 0), u16(0), u32(0), targetAndDest, linkAddrOption, redirected);

        Packet p = decode(Pkt.ipv6(58, "fe80::1", A6, icmp));

        assertThat(p.icmpType).isEqualTo(137);
        assertThat(p.inner).isNotNull();
        assertThat(p.inner.protocol).isEqualTo(6);
        assertThat(p.inner.srcPort).isEqualTo(5);
        assertThat(p.inner.tcpFlags).isEqualTo(Packet.TH_SYN);
    }

    @Test
    void ipv6AddressesAreHighAndLowLongsInNetworkOrder() {
        Packet p = decode(Pkt.ipv6(17, A6, B6, Pkt.udp(1, 2, b())));

        assertThat(p.family).isEqualTo(Packet.AF_INET6);
        assertThat(p.srcHi).isEqualTo(0x20010DB800000000L);
        assertThat(p.srcLo).isEqualTo(1L);
        assertThat(p.dstHi).isEqualTo(0x20010DB8FFFF0000L);
        assertThat(p.dstLo).isEqualTo(0x0000000080000002L);
        assertThat(p.l3Length).isEqualTo(48);
        assertThat(p.hopLimit).isEqualTo(64);
    }

    @Test
    void ipv6ExtensionHeadersAreWalkedToTheUpperLayer() {
        byte[] ah = cat(b(6, 4), new byte[22]); // AH: (4 + 2) * 4 = 24 bytes
        byte[] tcp = Pkt.tcp(22, 50000, 1, 2, Packet.TH_ACK, 10, b(), b());
        byte[] chain = cat(Pkt.ext8(43), Pkt.ext8(60), Pkt.fragmentHeader(51, 0, false, 3), ah, tcp);

        Packet p = decode(Pkt.ipv6(0, A6, B6, chain));

        assertThat(p.protocol).isEqualTo(6);
        assertThat(p.l4Unreachable).isFalse();
        assertThat(p.l4Length).isEqualTo(tcp.length);
        assertThat(p.srcPort).isEqualTo(22);
        assertThat(p.l3Length).isEqualTo(40 + chain.length);
    }

    @Test
    void brokenIpv6ChainOrLaterFragmentMakesL4Unreachable() {
        Packet broken = decode(Pkt.ipv6(0, A6, B6, b(60, 5, 0, 0, 0, 0, 0, 0))); // claims 48 bytes
        Packet later = decode(Pkt.ipv6(44, A6, B6, cat(Pkt.fragmentHeader(17, 8, false, 1), new byte[8])));

        assertThat(broken.l4Unreachable).isTrue();
        assertThat(later.l4Unreachable).isTrue();
        assertThat(later.protocol).isEqualTo(17);
    }

    @Test
    void noNextHeaderIsAnOrdinaryProtocol() {
        Packet p = decode(Pkt.ipv6(60, A6, B6, Pkt.ext8(59)));

        assertThat(p.protocol).isEqualTo(59);
        assertThat(p.l4Unreachable).isFalse();
        assertThat(p.l4Length).isZero();
    }

    @Test
    void ipv4LaterFragmentMakesL4Unreachable() {
        Packet p = decode(Pkt.ipv4(6, A, B, 1, 8, false, new byte[12]));

        assertThat(p.l4Unreachable).isTrue();
        assertThat(p.protocol).isEqualTo(6);
        assertThat(p.srcPort).isZero();
    }

    @Test
    void greVersionProtocolAndPptpCallIdAreDecoded() {
        Packet plain = decode(Pkt.ipv4(47, A, B, cat(u16(0), u16(0x0800))));
        Packet pptp = decode(Pkt.ipv4(47, A, B, cat(b(0x30, 0x81), u16(0x880B), u16(0), u16(0x0102), u32(1))));

        assertThat(plain.greVersion).isZero();
        assertThat(plain.greProtocol).isEqualTo(0x0800);
        assertThat(pptp.greVersion).isEqualTo(1);
        assertThat(pptp.greProtocol).isEqualTo(0x880B);
        assertThat(pptp.greCallId).isEqualTo(0x0102);
    }

    @Test
    void otherProtocolsOnlyGetProtocolAndLength() {
        Packet p = decode(Pkt.ipv4(50, A, B, new byte[16]));

        assertThat(p.protocol).isEqualTo(50);
        assertThat(p.l4Length).isEqualTo(16);
        assertThat(p.srcPort).isZero();
    }

    @Test
    void reusedPacketCarriesNothingOverFromThePreviousDatagram() {
        Packet p = new Packet();
        byte[] first = Pkt.ipv4(1, A, B, cat(b(3, 3), u16(0), u32(0), Pkt.ipv4(17, B, A, Pkt.udp(1, 2, b()))));
        byte[] second = Pkt.ipv4(17, A, B, Pkt.udp(7, 8, b()));
        decoder.decode(first, 0, first.length, p);
        decoder.decode(second, 0, second.length, p);

        assertThat(p.inner).isNull();
        assertThat(p.icmpType).isZero();
        assertThat(p.srcPort).isEqualTo(7);
    }

    @Test
    void decodingAtAnOffsetReadsOnlyTheGivenRange() {
        byte[] udp = Pkt.ipv4(17, A, B, Pkt.udp(7, 8, b()));
        byte[] buf = cat(new byte[5], udp, new byte[5]);
        Packet p = new Packet();

        decoder.decode(buf, 5, udp.length, p);

        assertThat(p.dstPort).isEqualTo(8);
        assertThat(p.l4Length).isEqualTo(8);
    }

    @Test
    void decodingTcpAndUdpIntoAReusedPacketAllocatesNothing() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "allocation counter not available on this JVM");
        byte[] tcp = Pkt.ipv4(6, A, B, Pkt.tcp(1, 2, 3, 4, Packet.TH_ACK, 5, cat(b(1, 1, 5, 10), u32(1), u32(2)), b()));
        byte[] udp = Pkt.ipv6(0, A6, B6, cat(Pkt.ext8(17), Pkt.udp(7, 8, b(1))));
        Packet p = new Packet();
        for (int i = 0; i < 20_000; i++) { // let the JIT settle first
            decoder.decode(tcp, 0, tcp.length, p);
            decoder.decode(udp, 0, udp.length, p);
        }
        long tid = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 10_000; i++) {
            decoder.decode(tcp, 0, tcp.length, p);
            decoder.decode(udp, 0, udp.length, p);
        }
        long allocated = threads.getThreadAllocatedBytes(tid) - before;

        // A few bytes of slack for the measuring call itself; per-packet garbage would be >= 160 KB here.
        assertThat(allocated).isLessThan(1024);
    }

    @Test
    void undecodableHeadersAreRejectedWithAReason() {
        assertThatThrownBy(() -> decode(b(0x50, 0, 0, 0)))
                .isInstanceOf(MalformedPacketException.class)
                .hasMessageContaining("version nibble is 5");
        assertThatThrownBy(() -> decode(new byte[] {0x45, 0, 0, 19})).hasMessageContaining("needs 20 bytes");
        byte[] ihl4 = Pkt.ipv4(17, A, B, new byte[8]);
        ihl4[0] = 0x44;
        assertThatThrownBy(() -> decode(ihl4)).hasMessageContaining("IHL) is 4, below 5");
        assertThatThrownBy(() -> decode(Arrays.copyOf(Pkt.ipv6(17, A6, B6, b()), 39)))
                .hasMessageContaining("needs 40 bytes");
        assertThatThrownBy(() -> decode(b())).hasMessageContaining("empty");
    }
}
