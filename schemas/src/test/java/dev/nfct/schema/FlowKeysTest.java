package dev.nfct.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.avro.FlowTuple;
import dev.nfct.core.Packet;
import dev.nfct.core.Tuple;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FlowKeysTest {
    private static Tuple tuple(int family, int protocol, String src, String dst, int srcU, int dstU, int zone) {
        long[] s = AddressText.parse(src, family), d = AddressText.parse(dst, family);
        return new Tuple(family, protocol, s[0], s[1], d[0], d[1], srcU, dstU, zone);
    }

    private static String key(String host, Tuple t) {
        String fromRecord =
                new String(FlowKeys.key(host, t.zone, FlowTuples.of(t), t.family, t.protocol), StandardCharsets.UTF_8);
        assertThat(FlowKeys.text(host, t)).isEqualTo(fromRecord);
        return fromRecord;
    }

    @Test
    void documentedFormat() {
        assertThat(key("gw1", tuple(Packet.AF_INET, 6, "192.0.2.1", "192.0.2.2", 40000, 80, 0)))
                .isEqualTo("gw1|0|ipv4|tcp|src=192.0.2.1 dst=192.0.2.2 sport=40000 dport=80");
        assertThat(key("gw1", tuple(Packet.AF_INET6, 58, "2001:db8::1", "2001:db8::2", 42, 128 << 8, 7)))
                .isEqualTo("gw1|7|ipv6|icmpv6|src=2001:db8::1 dst=2001:db8::2 type=128 code=0 id=42");
        assertThat(key("gw1", tuple(Packet.AF_INET, 47, "192.0.2.1", "192.0.2.2", 0, 0x1092, 0)))
                .isEqualTo("gw1|0|ipv4|gre|src=192.0.2.1 dst=192.0.2.2 srckey=0x0 dstkey=0x1092");
        assertThat(key("gw1", tuple(Packet.AF_INET, 89, "192.0.2.1", "224.0.0.5", 0, 0, 0)))
                .isEqualTo("gw1|0|ipv4|89|src=192.0.2.1 dst=224.0.0.5");
    }

    @Test
    void unknownProtocolsDoNotShareAKey() {
        Tuple ospf = tuple(Packet.AF_INET, 89, "192.0.2.1", "192.0.2.2", 0, 0, 0);
        Tuple pim = tuple(Packet.AF_INET, 103, "192.0.2.1", "192.0.2.2", 0, 0, 0);
        assertThat(key("h", ospf)).isNotEqualTo(key("h", pim));
    }

    @Test
    void hostNamesCannotForgeTheSeparators() {
        Tuple t = tuple(Packet.AF_INET, 17, "192.0.2.1", "192.0.2.2", 1, 2, 0);
        assertThat(key("a|0|ipv4", t)).startsWith("a%7C0%7Cipv4|0|ipv4|udp|");
        assertThat(key("100%", t)).startsWith("100%25|0|");
        assertThat(key("a|b", t)).isNotEqualTo(key("a%7Cb", t));
    }

    @Test
    void zoneHostAndDirectionMakeDifferentKeys() {
        Tuple t = tuple(Packet.AF_INET, 6, "192.0.2.1", "192.0.2.2", 40000, 80, 0);
        Tuple z = tuple(Packet.AF_INET, 6, "192.0.2.1", "192.0.2.2", 40000, 80, 1);
        assertThat(key("h", t))
                .isNotEqualTo(key("h", z))
                .isNotEqualTo(key("g", t))
                .isNotEqualTo(key("h", t.swapped()));
    }

    @Test
    void aMissingL4FieldDoesNotThrow() {
        FlowTuple f = new FlowTuple("192.0.2.1", "192.0.2.2", null, 80, null, null, null, null, null);
        assertThat(FlowKeys.text("h", 0, f, Packet.AF_INET, 6)).endsWith("sport=null dport=80");
    }
}
