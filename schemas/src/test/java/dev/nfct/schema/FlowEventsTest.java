package dev.nfct.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nfct.avro.FlowEvent;
import dev.nfct.avro.FlowEventType;
import dev.nfct.avro.TableEntry;
import dev.nfct.core.ConnEvent;
import dev.nfct.core.EventBits;
import dev.nfct.core.EventType;
import dev.nfct.core.Packet;
import dev.nfct.core.Status;
import dev.nfct.core.Tuple;
import dev.nfct.core.format.EventFormat;
import dev.nfct.packet.Captures;
import dev.nfct.testing.SharedData;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class FlowEventsTest {
    private static final String HOST = "gw|1";

    private static Tuple tcp(String src, int sport, String dst, int dport, int zone) {
        long[] s = AddressText.parse(src, src.contains(":") ? Packet.AF_INET6 : Packet.AF_INET);
        long[] d = AddressText.parse(dst, src.contains(":") ? Packet.AF_INET6 : Packet.AF_INET);
        return new Tuple(
                src.contains(":") ? Packet.AF_INET6 : Packet.AF_INET,
                Packet.IPPROTO_TCP,
                s[0],
                s[1],
                d[0],
                d[1],
                sport,
                dport,
                zone);
    }

    private static ConnEvent destroy() {
        Tuple o = tcp("2001:db8::1", 40000, "2001:db8::2", 80, 7);
        return new ConnEvent(
                EventType.DESTROY,
                EventBits.DESTROY,
                9_500_000_000L,
                o,
                o.swapped(),
                Status.CONFIRMED | Status.SEEN_REPLY | Status.ASSURED,
                null,
                -1,
                new long[] {10, 1000, 8, 5000},
                true,
                2_700_000_000L,
                9_200_000_000L,
                0xFFFF_FFF0,
                0x8000_0001);
    }

    @Test
    void fieldsOfADestroyEvent() {
        FlowEvent f = FlowEvents.fromConnEvent(destroy(), HOST);
        assertThat(f.getType()).isEqualTo(FlowEventType.DESTROY);
        assertThat(f.getHost()).isEqualTo(HOST);
        assertThat(f.getZone()).isEqualTo(7);
        assertThat(f.getFamily()).isEqualTo(Packet.AF_INET6);
        assertThat(f.getOrig().getSrc()).isEqualTo("2001:db8::1");
        assertThat(f.getOrig().getSrcPort()).isEqualTo(40000);
        assertThat(f.getOrig().getIcmpType()).isNull();
        assertThat(f.getReply().getDstPort()).isEqualTo(40000);
        assertThat(f.getTimeoutSeconds()).isNull();
        assertThat(f.getAssured()).isTrue();
        assertThat(f.getUnreplied()).isFalse();
        assertThat(f.getCounters().getReplyBytes()).isEqualTo(5000);
        assertThat(f.getStartNs()).isEqualTo(2_700_000_000L);
        assertThat(f.getStopNs()).isEqualTo(9_200_000_000L);
        assertThat(f.getId()).isEqualTo(0xFFFF_FFF0L);
        assertThat(f.getMark()).isEqualTo(0x8000_0001L);
        assertThat(FlowEvents.conntrackLine(f, true))
                .isEqualTo(EventFormat.event(destroy(), true))
                .contains("zone=7", "delta-time=7", "mark=2147483649", "packets=10 bytes=1000");
    }

    @Test
    void startAndStopOnlyOnDestroyAsTheContractSays() {
        Tuple o = tcp("192.0.2.1", 1, "192.0.2.2", 2, 0);
        ConnEvent neu = new ConnEvent(
                EventType.NEW,
                EventBits.NEW,
                5,
                o,
                o.swapped(),
                Status.CONFIRMED,
                "SYN_SENT",
                120,
                null,
                true,
                5,
                0,
                1,
                0);
        FlowEvent f = FlowEvents.fromConnEvent(neu, "h");
        assertThat(f.getStartNs()).isNull();
        assertThat(f.getStopNs()).isNull();
        assertThat(f.getUnreplied()).isTrue();
        assertThat(FlowEvents.conntrackLine(f, false)).isEqualTo(EventFormat.event(neu, false));
        assertThat(FlowEvents.json(f)).doesNotContain("start_ns").startsWith("{\"host\":\"h\",\"type\":\"NEW\"");
    }

    @Test
    void anUnknownTypeIsRecoveredFromTheEventBits() {
        FlowEvent f = FlowEvents.fromConnEvent(destroy(), HOST);
        f.setType(FlowEventType.UNKNOWN);
        assertThat(FlowEvents.toConnEvent(f).type).isEqualTo(EventType.DESTROY);
        assertThat(FlowEvents.conntrackLine(f, true)).startsWith("[DESTROY] ipv6");
    }

    @Test
    void unusableTuplesAreNamed() {
        FlowEvent f = FlowEvents.fromConnEvent(destroy(), HOST);
        f.getOrig().setSrcPort(null);
        assertThatThrownBy(() -> FlowEvents.conntrackLine(f, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lacks srcPort");
        FlowEvent g = FlowEvents.fromConnEvent(destroy(), HOST);
        g.getReply().setDst("example.com");
        assertThatThrownBy(() -> FlowEvents.json(g))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot parse address \"example.com\"");
    }

    @Test
    void jsonEscapesTheHost() {
        FlowEvent f = FlowEvents.fromConnEvent(destroy(), "a\"b\\c\n");
        assertThat(FlowEvents.json(f)).startsWith("{\"host\":\"a\\\"b\\\\c\\u000a\",\"type\":\"DESTROY\"");
    }

    @Test
    void tableEntryOfADump() {
        ConnEvent d = destroy();
        ConnEvent dump = new ConnEvent(
                null,
                0,
                d.time,
                d.orig,
                d.reply,
                d.status,
                "ESTABLISHED",
                431999,
                d.counters,
                true,
                d.start,
                0,
                d.id,
                d.mark);
        TableEntry t = FlowEvents.tableEntry(dump, HOST, 123_456L);
        assertThat(t.getHost()).isEqualTo(HOST);
        assertThat(t.getZone()).isEqualTo(7);
        assertThat(t.getUpdatedNs()).isEqualTo(d.time);
        assertThat(t.getExpiresNs()).isEqualTo(123_456L);
        assertThat(t.getState()).isEqualTo("ESTABLISHED");
        assertThat(t.getOrig()).isEqualTo(FlowTuples.of(d.orig));
        assertThat(t.getReply()).isEqualTo(FlowTuples.of(d.reply));
        assertThat(t.getStartNs()).isEqualTo(d.start);
        assertThat(t.getCounters().getOrigPackets()).isEqualTo(10);
        assertThat(t.getId()).isEqualTo(0xFFFF_FFF0L);
        assertThat(t.getAssured()).isTrue();
        assertThat(FlowKeys.key(t)).isEqualTo(FlowKeys.key(FlowEvents.fromConnEvent(d, HOST)));
    }

    // ------------------------------------------------------------------ every event of the captures

    @Test
    void everyEventOfTheSampleCapture() throws Exception {
        checkCapture(SharedData.sample());
    }

    @TestFactory
    Stream<DynamicTest> everyEventOfTheSharedCaptures() {
        List<Path> captures = Corpus.shared();
        Assumptions.assumeTrue(
                !captures.isEmpty(),
                "no reference captures (NFCT_REFERENCE_PCAPS, or ../shared/pcaps beside the checkout): only samples/sample.pcap checked");
        return captures.stream().map(p -> DynamicTest.dynamicTest(Corpus.name(p), () -> checkCapture(p)));
    }

    private static void checkCapture(Path capture) throws Exception {
        Corpus.Run run = Corpus.replay(Captures.datagrams(capture), d -> d.packet());
        Map<Tuple, String> keyOfEntry = new IdentityHashMap<>();
        Set<EventType> types = EnumSet.noneOf(EventType.class);
        for (ConnEvent e : run.events()) {
            String what = Corpus.name(capture) + ": " + EventFormat.event(e, true);
            FlowEvent f = FlowEvents.fromConnEvent(e, HOST);
            assertThat(FlowEvents.conntrackLine(f, true)).as(what).isEqualTo(EventFormat.event(e, true));
            assertThat(FlowEvents.conntrackLine(f, false)).as(what).isEqualTo(EventFormat.event(e, false));
            // through the single-object wire format (Avro's own codec; the job's is checked against it)
            FlowEvent back = FlowEvent.fromByteBuffer(f.toByteBuffer());
            assertThat(back).as(what).isEqualTo(f);
            assertThat(FlowEvents.conntrackLine(back, true)).as(what).isEqualTo(EventFormat.event(e, true));
            assertThat(FlowEvents.json(back)).as(what).isEqualTo(expectedJson(e));

            String key = FlowKeys.text(HOST, f.getZone(), f.getOrig(), f.getFamily(), f.getProtocol());
            assertThat(FlowEvents.tableKey(e, HOST)).as(what).isEqualTo(key);
            // e.orig is the entry's own tuple object: one key per entry, for all of its events
            String first = keyOfEntry.putIfAbsent(e.orig, key);
            assertThat(first == null ? key : first).as(what).isEqualTo(key);
            types.add(e.type);
        }
        assertThat(types).as(Corpus.name(capture)).contains(EventType.NEW, EventType.DESTROY);
        for (ConnEvent dump : run.dump()) {
            TableEntry t = FlowEvents.tableEntry(dump, HOST, run.end() + 1);
            assertThat(t.getOrig()).isEqualTo(FlowTuples.of(dump.orig));
            assertThat(FlowKeys.key(t)).isEqualTo(FlowKeys.text(HOST, dump.orig).getBytes("UTF-8"));
            assertThat(TableEntry.fromByteBuffer(t.toByteBuffer())).isEqualTo(t);
        }
    }

    /** EventFormat.json with the host first, and start/stop only where the contract carries them. */
    private static String expectedJson(ConnEvent e) {
        ConnEvent carried = e.type == EventType.DESTROY
                ? e
                : new ConnEvent(
                        e.type,
                        e.bits,
                        e.time,
                        e.orig,
                        e.reply,
                        e.status,
                        e.stateName,
                        e.timeoutSeconds,
                        e.counters,
                        false,
                        0,
                        0,
                        e.id,
                        e.mark);
        return "{\"host\":\"gw|1\"," + EventFormat.json(carried).substring(1);
    }
}
