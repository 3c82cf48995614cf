package dev.nfct.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nfct.avro.EmbeddedPacket;
import dev.nfct.avro.GreHeader;
import dev.nfct.avro.Hook;
import dev.nfct.avro.IcmpHeader;
import dev.nfct.avro.PacketEvent;
import dev.nfct.avro.PacketVerdict;
import dev.nfct.avro.SctpChunk;
import dev.nfct.avro.SctpHeader;
import dev.nfct.avro.TcpHeader;
import dev.nfct.avro.UdpHeader;
import dev.nfct.core.ConnEvent;
import dev.nfct.core.Packet;
import dev.nfct.core.format.EventFormat;
import dev.nfct.packet.CapturedDatagram;
import dev.nfct.packet.Captures;
import dev.nfct.testing.Packets;
import dev.nfct.testing.SharedData;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class PacketEventsTest {
    private static final long T0 = 1_764_000_000_000_000_000L;

    private static PacketEvent event(Packet p) {
        return PacketEvents.fromPacket(p, "h1", 7, T0);
    }

    private static Packet toPacket(PacketEvent e) {
        Packet out = new Packet();
        PacketEvents.toPacket(e, out);
        return out;
    }

    // ------------------------------------------------------------------ mapping

    @Test
    void ipv4AddressesGoInTheLowWordAndFamilyFollowsTheLength() {
        Packet p = toPacket(event(
                Packets.tcp("192.0.2.1", 40000, "198.51.100.255", 80).syn().build()));
        assertThat(p.family).isEqualTo(Packet.AF_INET);
        assertThat(p.srcHi).isZero();
        assertThat(p.srcLo).isEqualTo(0xC0000201L);
        assertThat(p.dstLo).isEqualTo(0xC63364FFL);
    }

    @Test
    void aWrongChecksumCountsOnlyForAPacketEnteringAtPreRouting() {
        // The kernel checks checksums at PRE_ROUTING only; its own packets (LOCAL_OUT) never.
        PacketEvent e =
                event(Packets.tcp("192.0.2.1", 40000, "198.51.100.2", 80).syn().build());
        e.setChecksumOk(false);
        assertThat(toPacket(e).l4ChecksumOk).isFalse();
        e.setHook(dev.nfct.avro.Hook.LOCAL_OUT);
        assertThat(toPacket(e).l4ChecksumOk).isTrue();
    }

    @Test
    void ipv6AddressesAreHiLoInNetworkOrder() {
        PacketEvent e = event(Packets.udp("2001:db8::1", 5353, "ff02::fb", 5353).build());
        assertThat(e.getSrc().remaining()).isEqualTo(16);
        Packet p = toPacket(e);
        assertThat(p.family).isEqualTo(Packet.AF_INET6);
        assertThat(p.srcHi).isEqualTo(0x20010db800000000L);
        assertThat(p.srcLo).isEqualTo(1L);
        assertThat(p.dstHi).isEqualTo(0xff02000000000000L);
        assertThat(p.dstLo).isEqualTo(0xfbL);
    }

    @Test
    void addressBuffersAreReadFromTheirPositionWhateverTheirByteOrder() {
        PacketEvent e = event(Packets.udp("192.0.2.1", 1, "192.0.2.2", 2).build());
        ByteBuffer odd = ByteBuffer.allocate(7).order(ByteOrder.LITTLE_ENDIAN);
        odd.put(new byte[] {9, 9, (byte) 192, 0, 2, 1, 9}).position(2).limit(6);
        e.setSrc(odd);
        assertThat(toPacket(e).srcLo).isEqualTo(0xC0000201L);
    }

    @Test
    void singleObservationRecordAsTheContractDescribes() {
        PacketEvent e = PacketEvents.fromPacket(
                Packets.udp("192.0.2.1", 1, "192.0.2.2", 2).build(), "gw1", 42, T0 + 5);
        assertThat(e.getHost()).isEqualTo("gw1");
        assertThat(e.getSeenOnce()).isTrue();
        assertThat(e.getHook()).isEqualTo(Hook.PRE_ROUTING);
        assertThat(e.getVerdict()).isEqualTo(PacketVerdict.UNSPECIFIED);
        assertThat(e.getPacketId()).isEqualTo(42);
        assertThat(e.getTimestampNs()).isEqualTo(T0 + 5);
        assertThat(e.getZone()).isZero();
        assertThat(e.getUdp()).isNotNull();
        assertThat(e.getTcp()).isNull();
    }

    @Test
    void tcpFieldsIncludingOptions() {
        Packet in = Packets.tcp("192.0.2.1", 40000, "192.0.2.2", 80)
                .synAck()
                .seq(0xFFFF_FFF0L)
                .ackNo(12)
                .win(65535)
                .wscale(7)
                .sackPerm()
                .sack(0xFFFF_FFFFL)
                .build();
        PacketEvent e = event(in);
        assertThat(e.getTcp().getSackMaxRightEdge()).isEqualTo(0xFFFF_FFFFL);
        Packet out = toPacket(e);
        assertThat(PacketFields.of(out)).isEqualTo(PacketFields.of(in));
        assertThat(out.tcpSeq).isEqualTo(0xFFFF_FFF0L);
        assertThat(out.tcpWscale).isEqualTo(7);
        assertThat(out.tcpHasSack).isTrue();
    }

    @Test
    void noSackBlocksIsNull() {
        PacketEvent e = event(Packets.tcp("192.0.2.1", 1, "192.0.2.2", 2).ack().build());
        assertThat(e.getTcp().getSackMaxRightEdge()).isNull();
        assertThat(toPacket(e).tcpHasSack).isFalse();
    }

    @Test
    void icmpErrorCarriesItsQuotedPacketInANewInnerPacket() {
        Packet quoted =
                Packets.udp("192.0.2.2", 53000, "192.0.2.1", 9).l4Length(8).build();
        quoted.l3Length = 36;
        Packet err =
                Packets.icmp("192.0.2.1", "192.0.2.2", 3, 3, 0).inner(quoted).build();
        PacketEvent e = event(err);
        assertThat(e.getIcmp().getEmbedded().getSrcPort()).isEqualTo(53000);
        Packet reuse = new Packet();
        PacketEvents.toPacket(e, reuse);
        Packet first = reuse.inner;
        PacketEvents.toPacket(e, reuse);
        assertThat(reuse.inner).isNotNull().isNotSameAs(first);
        assertThat(reuse.inner.family).isEqualTo(Packet.AF_INET);
        assertThat(reuse.inner.srcLo).isEqualTo(0xC0000202L);
        assertThat(reuse.inner.srcPort).isEqualTo(53000);
        assertThat(reuse.inner.l3Length).isEqualTo(36);
    }

    @Test
    void nonZeroFragmentOffsetMeansNoL4HeaderAndNoHeaderRecordIsNeeded() {
        PacketEvent e = event(Packets.tcp("192.0.2.1", 1, "192.0.2.2", 2).build());
        e.setFragmentOffset(1480);
        e.setTcp(null);
        Packet p = toPacket(e);
        assertThat(p.l4Unreachable).isTrue();
        assertThat(p.tcpDataOffset).isZero();

        Packet broken = Packets.other(0, "2001:db8::1", "2001:db8::2").build();
        broken.l4Unreachable = true;
        assertThat(event(broken).getFragmentOffset()).isNotZero();
        assertThat(toPacket(event(broken)).l4Unreachable).isTrue();
    }

    @Test
    void greSctpUdpliteAndChecksumFlag() {
        Packet gre = Packets.gre("192.0.2.1", "192.0.2.2").gre(1, 0x880B, 4242).build();
        gre.l4ChecksumOk = false;
        Packet sctp = Packets.sctp("192.0.2.1", 5000, "192.0.2.2", 5001, 0xDEADBEEFL)
                .chunk(1, 0, 0xCAFEBABEL)
                .chunk(0, 3, 0)
                .build();
        for (int i = 0; i < 10; i++) {
            sctp.addSctpChunk(3, i, 0); // more than the Packet's initial 8 slots
        }
        sctp.sctpChunksBroken = true;
        Packet lite =
                Packets.udplite("2001:db8::1", 1, "2001:db8::2", 2).udpLength(8).build();
        for (Packet in : List.of(gre, sctp, lite)) {
            assertThat(PacketFields.of(toPacket(event(in)))).isEqualTo(PacketFields.of(in));
        }
        assertThat(event(sctp).getSctp().getChunks()).hasSize(12);
        assertThat(toPacket(event(gre)).l4ChecksumOk).isFalse();
    }

    @Test
    void headerRecordsOfOtherProtocolsAreIgnored() {
        PacketEvent e =
                event(Packets.udp("192.0.2.1", 1, "192.0.2.2", 2).udpLength(20).build());
        e.setTcp(new TcpHeader(5L, 6L, 0x12, 20, 100, 3, true, null));
        e.setGre(new GreHeader(1, 0x880B, 9));
        Packet p = toPacket(e);
        assertThat(p.tcpSeq).isZero();
        assertThat(p.greCallId).isZero();
        assertThat(p.udpLengthField).isEqualTo(20);
    }

    // ------------------------------------------------------------------ dead-letter reasons

    private static void assertInvalid(Consumer<PacketEvent> breakIt, String reasonPart) {
        PacketEvent e =
                event(Packets.tcp("192.0.2.1", 40000, "192.0.2.2", 80).syn().build());
        breakIt.accept(e);
        Packet out = new Packet();
        assertThatThrownBy(() -> PacketEvents.toPacket(e, out))
                .isInstanceOf(InvalidPacketEventException.class)
                .hasMessageContaining(reasonPart)
                .satisfies(t ->
                        assertThat(((InvalidPacketEventException) t).reason()).isEqualTo(t.getMessage()))
                .satisfies(t -> assertThat(t.getStackTrace()).isEmpty());
    }

    private static ByteBuffer bytes(int n) {
        return ByteBuffer.wrap(new byte[n]);
    }

    @Test
    void addressesOfTheWrongSizeOrOfDifferentFamilies() {
        assertInvalid(e -> e.setSrc(bytes(5)), "src address has 5 bytes, not 4 (IPv4) or 16 (IPv6)");
        assertInvalid(e -> e.setDst(bytes(0)), "dst address has 0 bytes");
        assertInvalid(e -> e.setSrc(null), "src address has no bytes (null)");
        assertInvalid(e -> e.setDst(bytes(16)), "src (4 bytes) and dst (16 bytes) are of different families");
    }

    @Test
    void valuesOutsideTheirWireRange() {
        assertInvalid(e -> e.setProtocol(256), "protocol 256 is outside 0..255");
        assertInvalid(e -> e.setProtocol(-1), "protocol -1 is outside 0..255");
        assertInvalid(e -> e.setZone(65536), "zone 65536 is outside 0..65535");
        assertInvalid(e -> e.setZone(-1), "zone -1");
        assertInvalid(e -> e.setL3Length(-20), "l3Length -20");
        assertInvalid(e -> e.setL3Length(70000), "l3Length 70000 is outside 0..65535");
        assertInvalid(e -> e.setL4Length(-1), "l4Length -1");
        assertInvalid(e -> e.setL4Length(e.getL3Length() + 1), "l4Length");
        assertInvalid(e -> e.setSrcPort(65536), "srcPort 65536");
        assertInvalid(e -> e.setTtl(300), "ttl 300");
        assertInvalid(e -> e.setFragmentOffset(-8), "fragmentOffset -8");
        assertInvalid(e -> e.getTcp().setSeq(1L << 32), "tcp.seq 4294967296 is outside 0..4294967295");
        assertInvalid(e -> e.getTcp().setWindowScale(-2), "tcp.windowScale -2");
    }

    @Test
    void missingHeaderRecordHookAndTime() {
        assertInvalid(e -> e.setTcp(null), "TCP packet (fragmentOffset 0) without its tcp header record");
        assertInvalid(
                e -> {
                    e.setProtocol(Packet.IPPROTO_ICMP);
                    e.setIcmp(null);
                },
                "without its icmp header record");
        assertInvalid(e -> e.setHook(Hook.UNKNOWN), "hook is UNKNOWN");
        assertInvalid(e -> e.setTimestampNs(0), "timestampNs 0 is not a positive event time");
        assertInvalid(e -> e.setTimestampNs(-5), "timestampNs -5");
    }

    @Test
    void badQuotedPacketAndSctpChunks() {
        assertInvalid(
                e -> {
                    e.setProtocol(Packet.IPPROTO_ICMP);
                    e.setIcmp(new IcmpHeader(
                            3, 3, 0, new EmbeddedPacket(bytes(4), bytes(3), 17, 28, 8, 0, 1, 2, 0, 0, 0, 0, 0, 0)));
                },
                "icmp.embedded.dst address has 3 bytes");
        assertInvalid(
                e -> {
                    e.setProtocol(Packet.IPPROTO_ICMP);
                    e.setIcmp(new IcmpHeader(3, 300, 0, null));
                },
                "icmp.code 300");
        assertInvalid(
                e -> {
                    e.setProtocol(Packet.IPPROTO_SCTP);
                    e.setSctp(new SctpHeader(1L, List.of(new SctpChunk(1, 0, 0L), new SctpChunk(256, 0, 0L)), false));
                },
                "sctp.chunks[1].type 256");
        assertInvalid(
                e -> {
                    e.setProtocol(Packet.IPPROTO_UDP);
                    e.setUdp(new UdpHeader(8, 65536));
                },
                "udp.checksum 65536");
    }

    @Test
    void ipv6JumbogramsMayExceed64KiB() {
        Packet big = Packets.tcp("2001:db8::1", 1, "2001:db8::2", 2).ack().build();
        big.l3Length = 185_000;
        big.l4Length = 184_960;
        assertThat(toPacket(event(big)).l3Length).isEqualTo(185_000);
    }

    // ------------------------------------------------------------------ the real captures

    @Test
    void sampleCaptureSurvivesTheRecordFieldByFieldAndThroughTheEngine() throws Exception {
        checkCapture(SharedData.sample());
    }

    @TestFactory
    Stream<DynamicTest> everySharedCaptureSurvivesTheRecord() {
        List<Path> captures = Corpus.shared();
        Assumptions.assumeTrue(
                !captures.isEmpty(),
                "no reference captures (NFCT_REFERENCE_PCAPS, or ../shared/pcaps beside the checkout): only samples/sample.pcap checked");
        return captures.stream().map(p -> DynamicTest.dynamicTest(Corpus.name(p), () -> checkCapture(p)));
    }

    /**
     * Every datagram goes capture -> PacketEvent -> single-object bytes -> PacketEvent -> Packet, and
     * must come out equal to the decoder's Packet; then the capture is replayed with both sets of
     * packets and the event text must be identical.
     */
    private static void checkCapture(Path capture) throws Exception {
        List<CapturedDatagram> datagrams = Captures.datagrams(capture);
        assertThat(datagrams).as(Corpus.name(capture)).isNotEmpty();
        List<Packet> mapped = new ArrayList<>();
        long id = 0;
        for (CapturedDatagram d : datagrams) {
            PacketEvent e = PacketEvents.fromPacket(d.packet(), "h1", id++, d.timestampNanos());
            PacketEvent back = PacketEvent.fromByteBuffer(e.toByteBuffer());
            assertThat(back).isEqualTo(e);
            Packet p = new Packet();
            PacketEvents.toPacket(back, p);
            assertThat(PacketFields.of(p))
                    .as("%s frame %d", Corpus.name(capture), d.frameNumber())
                    .isEqualTo(PacketFields.of(d.packet()));
            mapped.add(p);
        }
        List<String> direct =
                text(Corpus.replay(datagrams, CapturedDatagram::packet).events());
        int[] i = {0};
        List<String> viaRecords =
                text(Corpus.replay(datagrams, d -> mapped.get(i[0]++)).events());
        assertThat(direct).as(Corpus.name(capture)).isNotEmpty();
        assertThat(viaRecords).as(Corpus.name(capture)).containsExactlyElementsOf(direct);
    }

    private static List<String> text(List<ConnEvent> events) {
        List<String> out = new ArrayList<>();
        for (ConnEvent e : events) {
            out.add(e.time + " " + EventFormat.event(e, true));
        }
        return out;
    }
}
