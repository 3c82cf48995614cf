package dev.nfct.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nfct.avro.FlowEvent;
import dev.nfct.avro.FlowEventType;
import dev.nfct.avro.FlowTuple;
import dev.nfct.core.EventBits;
import dev.nfct.core.EventType;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The filter logic of {@code events}, without Kafka. */
class FlowEventFilterTest {
    private static FlowTuple ports(String src, String dst, int sport, int dport) {
        return FlowTuple.newBuilder()
                .setSrc(src)
                .setDst(dst)
                .setSrcPort(sport)
                .setDstPort(dport)
                .build();
    }

    private static FlowEvent.Builder event(
            FlowEventType type, int family, int protocol, FlowTuple orig, FlowTuple reply) {
        return FlowEvent.newBuilder()
                .setType(type)
                .setHost("gw1")
                .setFamily(family)
                .setProtocol(protocol)
                .setOrig(orig)
                .setReply(reply)
                .setEventBits(type == FlowEventType.NEW ? EventBits.NEW : 0);
    }

    /** TCP 10.1.2.3:40000 -> 192.0.2.80:80, NATed reply from 198.51.100.7:8080 to 203.0.113.1:40000. */
    private static final FlowEvent TCP4 = event(
                    FlowEventType.NEW,
                    2,
                    6,
                    ports("10.1.2.3", "192.0.2.80", 40000, 80),
                    ports("198.51.100.7", "203.0.113.1", 8080, 40000))
            .setZone(7)
            .setMark(0x1234)
            .build();

    private static final FlowEvent UDP6 = event(
                    FlowEventType.DESTROY,
                    10,
                    17,
                    ports("2001:db8:1::1", "2001:db8:2::53", 5353, 53),
                    ports("2001:db8:2::53", "2001:db8:1::1", 53, 5353))
            .setHost("gw2")
            .build();
    private static final FlowEvent ICMP4 = event(
                    FlowEventType.UPDATE,
                    2,
                    1,
                    FlowTuple.newBuilder()
                            .setSrc("10.1.2.3")
                            .setDst("192.0.2.80")
                            .setIcmpType(8)
                            .setIcmpCode(0)
                            .setIcmpId(7)
                            .build(),
                    FlowTuple.newBuilder()
                            .setSrc("192.0.2.80")
                            .setDst("10.1.2.3")
                            .setIcmpType(0)
                            .setIcmpCode(0)
                            .setIcmpId(7)
                            .build())
            .build();

    private static FlowEventFilter.Builder f() {
        return FlowEventFilter.builder();
    }

    @Test
    void noConditionsMatchEverything() {
        FlowEventFilter all = f().build();
        assertThat(all.test(TCP4)).isTrue();
        assertThat(all.test(UDP6)).isTrue();
        assertThat(all.test(ICMP4)).isTrue();
    }

    @Test
    void eventTypes() {
        FlowEventFilter newOrDestroy =
                f().types(FlowEventFilter.parseEventMask("new,DESTROY")).build();
        assertThat(newOrDestroy.test(TCP4)).isTrue();
        assertThat(newOrDestroy.test(UDP6)).isTrue();
        assertThat(newOrDestroy.test(ICMP4)).isFalse();
        assertThat(FlowEventFilter.parseEventMask("all")).isEqualTo(EnumSet.allOf(EventType.class));
        assertThat(FlowEventFilter.parseEventMask(" Update ")).containsExactly(EventType.UPDATE);
    }

    @Test
    void unknownTypeFromANewerWriterCountsAsWhatItsBitsSay() {
        FlowEvent unknownDestroy = FlowEvent.newBuilder(UDP6)
                .setType(FlowEventType.UNKNOWN)
                .setEventBits(EventBits.DESTROY)
                .build();
        FlowEvent unknownNew = FlowEvent.newBuilder(UDP6)
                .setType(FlowEventType.UNKNOWN)
                .setEventBits(EventBits.RELATED)
                .build();
        FlowEventFilter destroys = f().types(EnumSet.of(EventType.DESTROY)).build();
        assertThat(destroys.test(unknownDestroy)).isTrue();
        assertThat(destroys.test(unknownNew)).isFalse();
        assertThat(FlowEventFilter.typeOf(unknownNew)).isEqualTo(EventType.NEW);
    }

    @Test
    void protocolAndFamily() {
        assertThat(f().protocol(FlowEventFilter.parseProtocol("UDP")).build().test(UDP6))
                .isTrue();
        assertThat(f().protocol(FlowEventFilter.parseProtocol("udp")).build().test(TCP4))
                .isFalse();
        assertThat(f().protocol(FlowEventFilter.parseProtocol("1")).build().test(ICMP4))
                .isTrue();
        assertThat(f().family(FlowEventFilter.parseFamily("ipv6")).build().test(UDP6))
                .isTrue();
        assertThat(f().family(FlowEventFilter.parseFamily("IPv4")).build().test(UDP6))
                .isFalse();
    }

    @ParameterizedTest
    @CsvSource({
        "tcp,6",
        "udp,17",
        "udplite,136",
        "icmp,1",
        "icmpv6,58",
        "ipv6-icmp,58",
        "sctp,132",
        "gre,47",
        "dccp,33",
        "89,89",
        "0,0",
        "255,255"
    })
    void protocolNames(String name, int number) {
        assertThat(FlowEventFilter.parseProtocol(name)).isEqualTo(number);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "tcpp", "256", "-1", "0x6", "6 7"})
    void badProtocols(String name) {
        assertThatThrownBy(() -> FlowEventFilter.parseProtocol(name)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sourceAndDestinationAreOfTheOriginalTuple() {
        assertThat(f().origSrc(IpPrefix.parse("10.1.2.3")).build().test(TCP4)).isTrue();
        assertThat(f().origSrc(IpPrefix.parse("192.0.2.80")).build().test(TCP4)).isFalse();
        assertThat(f().origDst(IpPrefix.parse("192.0.2.0/24")).build().test(TCP4))
                .isTrue();
        assertThat(f().origDst(IpPrefix.parse("192.0.3.0/24")).build().test(TCP4))
                .isFalse();
        // the reply tuple has the NATed addresses
        assertThat(f().replySrc(IpPrefix.parse("198.51.100.7")).build().test(TCP4))
                .isTrue();
        assertThat(f().replyDst(IpPrefix.parse("203.0.113.0/24")).build().test(TCP4))
                .isTrue();
        assertThat(f().replyDst(IpPrefix.parse("10.1.2.3")).build().test(TCP4)).isFalse();
    }

    @Test
    void anyAddressLooksAtAllFour() {
        for (String a : new String[] {"10.1.2.3", "192.0.2.80", "198.51.100.7", "203.0.113.1", "198.51.100.0/24"}) {
            assertThat(f().anyAddress(IpPrefix.parse(a)).build().test(TCP4))
                    .as(a)
                    .isTrue();
        }
        assertThat(f().anyAddress(IpPrefix.parse("10.9.9.9")).build().test(TCP4))
                .isFalse();
        assertThat(f().anyAddress(IpPrefix.parse("2001:db8:2::53")).build().test(UDP6))
                .isTrue();
        assertThat(f().anyAddress(IpPrefix.parse("2001:db8::/32")).build().test(UDP6))
                .isTrue();
        assertThat(f().anyAddress(IpPrefix.parse("2001:db9::/32")).build().test(UDP6))
                .isFalse();
    }

    @Test
    void prefixesNeverCrossFamilies() {
        // ::/0 matches every IPv6 address and no IPv4 one; 0.0.0.0/0 the other way round
        assertThat(f().origSrc(IpPrefix.parse("::/0")).build().test(UDP6)).isTrue();
        assertThat(f().origSrc(IpPrefix.parse("::/0")).build().test(TCP4)).isFalse();
        assertThat(f().origSrc(IpPrefix.parse("0.0.0.0/0")).build().test(TCP4)).isTrue();
        assertThat(f().origSrc(IpPrefix.parse("0.0.0.0/0")).build().test(UDP6)).isFalse();
        // an IPv4-mapped IPv6 address is IPv6
        assertThat(f().origSrc(IpPrefix.parse("::ffff:10.1.2.3")).build().test(TCP4))
                .isFalse();
    }

    @Test
    void portsOfTheOriginalAndReplyTuple() {
        assertThat(f().origDport(80).build().test(TCP4)).isTrue();
        assertThat(f().origSport(40000).origDport(80).build().test(TCP4)).isTrue();
        assertThat(f().origDport(8080).build().test(TCP4)).isFalse();
        assertThat(f().replySport(8080).build().test(TCP4)).isTrue();
        assertThat(f().replyDport(40000).build().test(TCP4)).isTrue();
        assertThat(f().origDport(53).build().test(UDP6)).isTrue();
        // ICMP has no ports: a port condition never matches it
        assertThat(f().origSport(0).build().test(ICMP4)).isFalse();
        assertThat(f().origDport(7).build().test(ICMP4)).isFalse();
    }

    @Test
    void zoneMarkAndHost() {
        assertThat(f().zone(7).build().test(TCP4)).isTrue();
        assertThat(f().zone(0).build().test(TCP4)).isFalse();
        assertThat(f().zone(0).build().test(UDP6)).isTrue();
        assertThat(f().mark(FlowEventFilter.parseMark("0x1234")).build().test(TCP4))
                .isTrue();
        assertThat(f().mark(FlowEventFilter.parseMark("4660")).build().test(TCP4))
                .isTrue();
        assertThat(f().mark(FlowEventFilter.parseMark("0x1000/0xf000")).build().test(TCP4))
                .isTrue();
        assertThat(f().mark(FlowEventFilter.parseMark("0x2000/0xf000")).build().test(TCP4))
                .isFalse();
        assertThat(f().mark(FlowEventFilter.parseMark("0")).build().test(UDP6)).isTrue();
        assertThat(f().host("gw2").build().test(UDP6)).isTrue();
        assertThat(f().host("gw2").build().test(TCP4)).isFalse();
        assertThat(f().host("gw1").host("gw2").build().test(TCP4)).isTrue();
    }

    @Test
    void allConditionsMustHold() {
        FlowEventFilter tcpTo80 =
                f().protocol(6).origDport(80).types(EnumSet.of(EventType.NEW)).build();
        assertThat(tcpTo80.test(TCP4)).isTrue();
        assertThat(tcpTo80.test(
                        FlowEvent.newBuilder(TCP4).setType(FlowEventType.UPDATE).build()))
                .isFalse();
        assertThat(tcpTo80.test(UDP6)).isFalse();
    }

    @Test
    void aRecordWithUnusableAddressesDoesNotMatchAndDoesNotThrow() {
        FlowEvent odd = FlowEvent.newBuilder(TCP4)
                .setOrig(ports("not-an-address", "", 1, 2))
                .build();
        assertThat(f().origSrc(IpPrefix.parse("10.0.0.0/8")).build().test(odd)).isFalse();
        assertThat(f().anyAddress(IpPrefix.parse("203.0.113.1")).build().test(odd))
                .isTrue(); // the reply's
        assertThat(f().build().test(odd)).isTrue();
    }

    @ParameterizedTest
    @CsvSource({
        "192.0.2.1, 192.0.2.1, true",
        "192.0.2.0/24, 192.0.2.255, true",
        "192.0.2.0/24, 192.0.3.0, false",
        "192.0.2.7/24, 192.0.2.200, true",
        "10.0.0.0/8, 10.255.255.255, true",
        "10.0.0.0/8, 11.0.0.0, false",
        "192.0.2.128/25, 192.0.2.127, false",
        "192.0.2.128/25, 192.0.2.129, true",
        "0.0.0.0/0, 255.255.255.255, true",
        "2001:db8::/32, 2001:db8:ffff::1, true",
        "2001:db8::/32, 2001:db9::1, false",
        "2001:db8:1::2, 2001:DB8:1:0:0:0:0:2, true",
        "2001:db8:1::2, 2001:db8:1::3, false",
        "::1, 0:0:0:0:0:0:0:1, true",
        "::, ::, true",
        "fe80::/10, febf::1, true",
        "fe80::/10, fec0::1, false",
        "::ffff:192.0.2.1, ::ffff:c000:201, true",
        "2001:db8::/127, 2001:db8::1, true",
        "2001:db8::/128, 2001:db8::1, false",
    })
    void prefixes(String prefix, String address, boolean matches) {
        int family = address.contains(":") ? 10 : 2;
        assertThat(IpPrefix.parse(prefix).matches(family, address)).isEqualTo(matches);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "1.2.3",
                "1.2.3.4.5",
                "256.1.1.1",
                "1.2.3.-4",
                "1..2.3",
                "01234.1.1.1",
                "a.b.c.d",
                "example.com",
                "1:2:3:4:5:6:7",
                "1:2:3:4:5:6:7:8:9",
                "1::2::3",
                ":::",
                "12345::",
                "g::1",
                "1.2.3.4::",
                "::1.2.3",
                "1.2.3.4/33",
                "::/129",
                "1.2.3.4/",
                "1.2.3.4/-1",
                "1.2.3.4/x",
                "::1%eth0",
                "[::1]",
                "１.２.３.４",
                "２００１::1"
            })
    void notAddresses(String text) {
        assertThatThrownBy(() -> IpPrefix.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parsersOfTheOtherValues() {
        assertThat(FlowEventFilter.parsePort("--dport", "0")).isZero();
        assertThat(FlowEventFilter.parsePort("--dport", "65535")).isEqualTo(65535);
        assertThatThrownBy(() -> FlowEventFilter.parsePort("--dport", "65536")).hasMessageContaining("--dport");
        assertThat(FlowEventFilter.parseZone("65535")).isEqualTo(65535);
        assertThat(FlowEventFilter.parseMark("0xffffffff")).containsExactly(0xffff_ffffL, 0xffff_ffffL);
        assertThatThrownBy(() -> FlowEventFilter.parseMark("0x100000000")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FlowEventFilter.parseMark("-1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FlowEventFilter.parseEventMask("NEW,")).hasMessageContaining("''");
        assertThatThrownBy(() -> FlowEventFilter.parseFamily("ipx")).hasMessageContaining("ipx");
    }
}
