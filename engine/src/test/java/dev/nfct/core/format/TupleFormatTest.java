package dev.nfct.core.format;

import static dev.nfct.testing.Packets.tuple;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nfct.core.Packet;
import dev.nfct.core.Settings;
import dev.nfct.testing.Packets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Address and tuple text as {@code conntrack} prints them (inet_ntop), and {@link Settings#set}. */
class TupleFormatTest {

    /** Parses the full eight-group form (java.net would turn ::ffff:a.b.c.d into an IPv4 address). */
    private static String v6(String full) {
        String[] g = full.split(":");
        assertThat(g).hasSize(8);
        long hi = 0, lo = 0;
        for (int i = 0; i < 4; i++) {
            hi = hi << 16 | Long.parseLong(g[i], 16);
            lo = lo << 16 | Long.parseLong(g[i + 4], 16);
        }
        return TupleFormat.address(Packet.AF_INET6, hi, lo);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "0:0:0:0:0:0:0:0, ::",
        "0:0:0:0:0:0:0:1, ::1",
        "1:0:0:0:0:0:0:0, 1::",
        "2001:0db8:0:0:0:0:0:1, 2001:db8::1",
        "fe80:0:0:0:0:0:1:2, fe80::1:2",
        "fd00:200:0:0:0:0:0:2, fd00:200::2",
        // the longest run is compressed, not the first one
        "1:0:0:1:0:0:0:1, 1:0:0:1::1",
        // on a tie the first run wins
        "1:0:0:1:0:0:1:1, 1::1:0:0:1:1",
        // a single zero word is never compressed
        "1:0:2:3:4:5:6:7, 1:0:2:3:4:5:6:7",
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
        // leading zeros dropped, lower case
        "2001:0DB8:00AB:000C:0000:0000:0000:0ABC, 2001:db8:ab:c::abc",
        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
        // IPv4-mapped and IPv4-compatible addresses end in a dotted quad, as inet_ntop writes them
        "0:0:0:0:0:ffff:102:304, ::ffff:1.2.3.4",
        "0:0:0:0:0:0:102:304, ::1.2.3.4",
        "0:0:0:0:0:0:1:2, ::0.1.0.2",
        "0:0:0:0:0:ffff:0:0, ::ffff:0.0.0.0",
        // ...but not when the zero run is longer (::2, ::ffff) or the prefix is not all zero
        "0:0:0:0:0:0:0:2, ::2",
        "0:0:0:0:0:0:0:ffff, ::ffff",
        "0:0:0:0:1:ffff:102:304, ::1:ffff:102:304",
        "0:0:0:0:0:fffe:102:304, ::fffe:102:304",
        "64:ff9b:0:0:0:0:102:304, 64:ff9b::102:304",
    })
    void ipv6AddressesAreCompressedLikeInetNtop(String full, String expected) {
        assertThat(v6(full)).isEqualTo(expected);
    }

    @Test
    void ipv4AddressesAreDottedQuads() {
        long[] a = Packets.addr("255.0.10.1");
        assertThat(TupleFormat.address(Packet.AF_INET, a[0], a[1])).isEqualTo("255.0.10.1");
        assertThat(TupleFormat.address(Packet.AF_INET, 0, 0)).isEqualTo("0.0.0.0");
    }

    @Test
    void tuplesPrintTheL4FieldsOfTheirProtocol() {
        assertThat(TupleFormat.tuple(tuple(6, "10.0.0.1", "10.0.0.2", 1234, 80)))
                .isEqualTo("src=10.0.0.1 dst=10.0.0.2 sport=1234 dport=80");
        assertThat(TupleFormat.tuple(tuple(17, "fd00::1", "fd00::2", 65535, 0)))
                .isEqualTo("src=fd00::1 dst=fd00::2 sport=65535 dport=0");
        assertThat(TupleFormat.tuple(tuple(132, "10.0.0.1", "10.0.0.2", 5000, 5001)))
                .isEqualTo("src=10.0.0.1 dst=10.0.0.2 sport=5000 dport=5001");
        assertThat(TupleFormat.tuple(tuple(136, "10.0.0.1", "10.0.0.2", 7, 8)))
                .isEqualTo("src=10.0.0.1 dst=10.0.0.2 sport=7 dport=8");
        assertThat(TupleFormat.tuple(tuple(1, "10.0.0.1", "10.0.0.2", 10927, 13 << 8 | 5)))
                .isEqualTo("src=10.0.0.1 dst=10.0.0.2 type=13 code=5 id=10927");
        assertThat(TupleFormat.tuple(tuple(58, "fd00:200::1", "fd00:200::2", 13107, 128 << 8)))
                .isEqualTo("src=fd00:200::1 dst=fd00:200::2 type=128 code=0 id=13107");
        assertThat(TupleFormat.tuple(tuple(47, "10.0.0.1", "10.0.0.2", 0, 0x1f4)))
                .isEqualTo("src=10.0.0.1 dst=10.0.0.2 srckey=0x0 dstkey=0x1f4");
        assertThat(TupleFormat.tuple(tuple(50, "10.0.0.1", "10.0.0.2", 0, 0))).isEqualTo("src=10.0.0.1 dst=10.0.0.2");
    }

    @Test
    void protocolAndFamilyNamesAreTheToolsNames() {
        assertThat(TupleFormat.l4Name(6)).isEqualTo("tcp");
        assertThat(TupleFormat.l4Name(17)).isEqualTo("udp");
        assertThat(TupleFormat.l4Name(136)).isEqualTo("udplite");
        assertThat(TupleFormat.l4Name(1)).isEqualTo("icmp");
        assertThat(TupleFormat.l4Name(58)).isEqualTo("icmpv6");
        assertThat(TupleFormat.l4Name(132)).isEqualTo("sctp");
        assertThat(TupleFormat.l4Name(47)).isEqualTo("gre");
        assertThat(TupleFormat.l4Name(50)).isEqualTo("unknown");
        assertThat(TupleFormat.l4Name(89)).isEqualTo("unknown");
        assertThat(TupleFormat.l3Name(Packet.AF_INET)).isEqualTo("ipv4");
        assertThat(TupleFormat.l3Name(Packet.AF_INET6)).isEqualTo("ipv6");
    }

    // ------------------------------------------------------------------------------ Settings.set

    @Test
    void settingsAreSetBySysctlNameWithOrWithoutThePrefix() {
        Settings s = new Settings();
        s.set("nf_conntrack_udp_timeout", "3").set("net.netfilter.nf_conntrack_udp_timeout_stream", "5");
        assertThat(s.udpTimeout).isEqualTo(3);
        assertThat(s.udpTimeoutStream).isEqualTo(5);
        s.set("net.netfilter.nf_conntrack_acct", " 1\n");
        assertThat(s.acct).isEqualTo(1);
        s.set("nf_conntrack_max", "0");
        assertThat(s.max).isZero();
        s.set("nf_conntrack_tcp_timeout_time_wait", "4");
        assertThat(s.tcpTimeoutTimeWait).isEqualTo(4);
        assertThat(s.get("net.netfilter.nf_conntrack_udp_timeout")).isEqualTo(3);
        assertThat(s.get("nf_conntrack_tcp_timeout_time_wait")).isEqualTo(4);
        assertThat(s.asMap())
                .containsEntry("nf_conntrack_udp_timeout_stream", 5)
                .containsEntry("nf_conntrack_events", 2)
                .containsEntry("nf_conntrack_generic_timeout", 600);
        assertThat(Settings.names())
                .contains(
                        "nf_conntrack_icmpv6_timeout",
                        "nf_conntrack_gre_timeout_stream",
                        "nf_conntrack_sctp_timeout_heartbeat_sent",
                        "nf_conntrack_timestamp");
    }

    @Test
    void settingsDefaultsAreTheKernelDefaults() {
        Settings s = new Settings();
        assertThat(s.get("nf_conntrack_acct")).isZero();
        assertThat(s.get("nf_conntrack_timestamp")).isZero();
        assertThat(s.get("nf_conntrack_events")).isEqualTo(2);
        assertThat(s.get("nf_conntrack_checksum")).isEqualTo(1);
        assertThat(s.get("nf_conntrack_icmp_timeout")).isEqualTo(30);
        assertThat(s.get("nf_conntrack_icmpv6_timeout")).isEqualTo(30);
        assertThat(s.get("nf_conntrack_udp_timeout")).isEqualTo(30);
        assertThat(s.get("nf_conntrack_udp_timeout_stream")).isEqualTo(120);
        assertThat(s.get("nf_conntrack_gre_timeout")).isEqualTo(30);
        assertThat(s.get("nf_conntrack_gre_timeout_stream")).isEqualTo(180);
        assertThat(s.get("nf_conntrack_generic_timeout")).isEqualTo(600);
        assertThat(s.get("nf_conntrack_tcp_loose")).isEqualTo(1);
        assertThat(s.get("nf_conntrack_tcp_timeout_established")).isEqualTo(432000);
    }

    @Test
    void settingsRejectUnknownNamesNonNumbersAndNegativeValues() {
        Settings s = new Settings();
        assertThatThrownBy(() -> s.set("nf_conntrack_nonsense", "1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nf_conntrack_nonsense");
        assertThatThrownBy(() -> s.set("net.ipv4.ip_forward", "1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.set("nf_conntrack_udp_timeout", "thirty"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("thirty");
        assertThatThrownBy(() -> s.set("nf_conntrack_udp_timeout", "1.5")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.set("nf_conntrack_udp_timeout", "-1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative");
        assertThatThrownBy(() -> s.get("nf_conntrack_nonsense")).isInstanceOf(IllegalArgumentException.class);
        assertThat(s.udpTimeout).as("failed sets change nothing").isEqualTo(30);
    }
}
