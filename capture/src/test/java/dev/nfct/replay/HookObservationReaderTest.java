package dev.nfct.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nfct.core.Packet;
import dev.nfct.packet.LinkLayer;
import dev.nfct.packet.NflogRecord;
import dev.nfct.pcap.PcapBytes;
import dev.nfct.pcap.PcapFormatException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading a host's hook observations from NFLOG records, as tcpdump -i nflog:N writes them. */
class HookObservationReaderTest {
    private static final int PRE_ROUTING = 0, FORWARD = 2, LOCAL_OUT = 3, POST_ROUTING = 4;

    /** An NFLOG record: header, packet header (hook), mark, prefix, payload; TLV headers in {@code order}. */
    static byte[] nflog(ByteOrder order, int hook, long mark, String prefix, byte[] packet) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(2); // AF_INET
        out.write(0);
        out.write(0);
        out.write(5); // group, big-endian
        tlv(out, order, 1, new byte[] {0x08, 0x00, (byte) hook, 0});
        tlv(out, order, 2, ByteBuffer.allocate(4).putInt((int) mark).array());
        tlv(out, order, 10, (prefix + "\0").getBytes(StandardCharsets.US_ASCII));
        tlv(out, order, 9, packet);
        return out.toByteArray();
    }

    private static void tlv(ByteArrayOutputStream out, ByteOrder order, int type, byte[] value) {
        ByteBuffer h = ByteBuffer.allocate(4).order(order);
        h.putShort((short) (4 + value.length)).putShort((short) type);
        out.writeBytes(h.array());
        out.writeBytes(value);
        out.writeBytes(new byte[(-value.length) & 3]);
    }

    /** A TCP SYN 10.0.0.1:40000 -> 10.0.0.2:80 (20-byte headers, no options). */
    private static byte[] syn() {
        ByteBuffer b = ByteBuffer.allocate(40);
        b.put((byte) 0x45)
                .put((byte) 0)
                .putShort((short) 40)
                .putShort((short) 1)
                .putShort((short) 0);
        b.put((byte) 64).put((byte) 6).putShort((short) 0);
        b.put(new byte[] {10, 0, 0, 1}).put(new byte[] {10, 0, 0, 2});
        b.putShort((short) 40000).putShort((short) 80).putInt(1000).putInt(0);
        b.put((byte) 0x50)
                .put((byte) 0x02)
                .putShort((short) 65535)
                .putShort((short) 0)
                .putShort((short) 0);
        return b.array();
    }

    private static List<HookObservation> read(PcapBytes pcap, Path dir) throws IOException {
        Path f = dir.resolve("hooks.pcap");
        Files.write(f, pcap.bytes());
        List<HookObservation> all = new ArrayList<>();
        try (HookObservationReader r = HookObservationReader.open(f, false)) {
            for (HookObservation o; (o = r.next()) != null; ) {
                all.add(o);
            }
        }
        return all;
    }

    @Test
    void recordsOfEitherByteOrderGiveTheHookTheMarkThePrefixAndThePacket() {
        for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
            NflogRecord r = NflogRecord.parse(nflog(order, LOCAL_OUT, 0xFFFF_FFF0L, "nfct drop", syn()));
            assertThat(r.hook()).as("%s", order).isEqualTo(LOCAL_OUT);
            assertThat(r.mark()).isEqualTo(0xFFFF_FFF0L);
            assertThat(r.prefix()).isEqualTo("nfct drop");
            assertThat(r.payload()).isEqualTo(syn());
        }
    }

    @Test
    void aDropAtAnEntryHookIsFoldedIntoThatPacketsEntryObservation(@org.junit.jupiter.api.io.TempDir Path dir)
            throws IOException {
        ByteOrder le = ByteOrder.LITTLE_ENDIAN;
        PcapBytes pcap = PcapBytes.classic(LinkLayer.DLT_NFLOG)
                .record(100, 0, nflog(le, PRE_ROUTING, 7, "nfct", syn()))
                .record(100, 1, nflog(le, PRE_ROUTING, 7, "ct new original", syn()))
                .record(100, 2, nflog(le, LOCAL_OUT, 8, "nfct", syn()))
                .record(100, 3, nflog(le, POST_ROUTING, 7, "nfct", syn()))
                .record(100, 4, nflog(le, LOCAL_OUT, 8, "nfct drop", syn()))
                .record(100, 5, nflog(le, FORWARD, 9, "nfct drop", syn()));
        List<HookObservation> all = read(pcap, dir);
        assertThat(all)
                .extracting(o -> o.frameNumber() + " " + o.hook() + " " + o.packetId() + (o.dropped() ? " DROP" : ""))
                .containsExactly("1 PRE_ROUTING 7", "3 LOCAL_OUT 8 DROP", "4 POST_ROUTING 7", "6 FORWARD 9 DROP");
        Packet p = all.get(0).packet();
        assertThat(p.protocol).isEqualTo(Packet.IPPROTO_TCP);
        assertThat(p.dstPort).isEqualTo(80);
        assertThat(all.get(0).timestampNanos()).isEqualTo(100_000_000_000L);
    }

    @Test
    void aCaptureOfAnotherLinkTypeIsRefusedWithItsName(@org.junit.jupiter.api.io.TempDir Path dir) {
        PcapBytes pcap = PcapBytes.classic(LinkLayer.DLT_RAW).record(1, 0, syn());
        assertThatThrownBy(() -> read(pcap, dir))
                .isInstanceOf(PcapFormatException.class)
                .hasMessageContaining("not NFLOG (239)");
    }

    /** The recorded loopback traffic: every observation the recorder counted, drops folded in. */
    @Test
    void theLoopbackRecordingReadsAsTheRecorderCountedIt() throws IOException {
        Path pcap = HookRecordings.dir().resolve("loopback.pcap");
        Map<ObservedHook, Integer> seen = new EnumMap<>(ObservedHook.class);
        int dropped = 0;
        try (HookObservationReader r = HookObservationReader.open(pcap, false)) {
            for (HookObservation o; (o = r.next()) != null; ) {
                seen.merge(o.hook(), 1, Integer::sum);
                dropped += o.dropped() ? 1 : 0;
            }
            assertThat(r.skippedFrames()).isEmpty();
        }
        String meta = Files.readString(pcap.resolveSibling("loopback.json"));
        for (ObservedHook h : ObservedHook.values()) {
            var m = java.util.regex.Pattern.compile("\"" + h + "\": (\\d+)").matcher(meta);
            assertThat(seen.getOrDefault(h, 0)).as("%s", h).isEqualTo(m.find() ? Integer.parseInt(m.group(1)) : 0);
        }
        var drops =
                java.util.regex.Pattern.compile("\"LOCAL_OUT DROP\": (\\d+)").matcher(meta);
        assertThat(dropped).isEqualTo(drops.find() ? Integer.parseInt(drops.group(1)) : 0);
    }
}
