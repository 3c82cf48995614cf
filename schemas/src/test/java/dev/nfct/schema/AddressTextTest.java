package dev.nfct.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nfct.core.Packet;
import dev.nfct.core.format.TupleFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AddressTextTest {
    private static void roundTrip(int family, long hi, long lo) {
        String text = TupleFormat.address(family, hi, lo);
        assertThat(AddressText.parse(text, family)).as(text).containsExactly(hi, lo);
    }

    @Test
    void parsesWhatConntrackPrints() {
        assertThat(AddressText.parse("192.0.2.1", Packet.AF_INET)).containsExactly(0L, 0xC0000201L);
        assertThat(AddressText.parse("255.255.255.255", Packet.AF_INET)).containsExactly(0L, 0xFFFF_FFFFL);
        assertThat(AddressText.parse("::", Packet.AF_INET6)).containsExactly(0L, 0L);
        assertThat(AddressText.parse("::1", Packet.AF_INET6)).containsExactly(0L, 1L);
        assertThat(AddressText.parse("fe80::", Packet.AF_INET6)).containsExactly(0xfe80L << 48, 0L);
        assertThat(AddressText.parse("2001:db8:1::2", Packet.AF_INET6)).containsExactly(0x20010db800010000L, 2L);
        assertThat(AddressText.parse("::ffff:192.0.2.1", Packet.AF_INET6)).containsExactly(0L, 0xffffC0000201L);
        assertThat(AddressText.parse("1:2:3:4:5:6:7:8", Packet.AF_INET6))
                .containsExactly(0x0001000200030004L, 0x0005000600070008L);
        assertThat(AddressText.parse("2001:DB8::A", Packet.AF_INET6)).containsExactly(0x20010db800000000L, 10L);
    }

    @Test
    void roundTripsTupleFormatForAnyAddress() {
        Random rnd = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            roundTrip(Packet.AF_INET, 0, rnd.nextLong() & 0xFFFF_FFFFL);
            // Sparse words so that runs of zeros, "::" placement and dotted tails all occur.
            long hi = 0, lo = 0;
            for (int w = 0; w < 4; w++) {
                hi = hi << 16 | (rnd.nextInt(3) == 0 ? rnd.nextInt(0x10000) : 0);
                lo = lo << 16 | (rnd.nextInt(3) == 0 ? rnd.nextInt(0x10000) : rnd.nextInt(5) == 0 ? 0xffff : 0);
            }
            roundTrip(Packet.AF_INET6, hi, lo);
        }
        roundTrip(Packet.AF_INET6, 0, 0xffff_0000_0000L); // ::ffff:0.0.0.0
        roundTrip(Packet.AF_INET6, 0, 0x0102_0304L); // ::1.2.3.4 (IPv4-compatible)
    }

    @Test
    void rejectsTextThatIsNotAnAddressWithoutLookingItUp() {
        for (String bad : new String[] {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4x", "localhost"}) {
            assertThatThrownBy(() -> AddressText.parse(bad, Packet.AF_INET))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cannot parse address");
        }
        for (String bad : new String[] {
            "",
            ":",
            ":1",
            "1:",
            "1::2::3",
            "1:2:3:4:5:6:7",
            "1:2:3:4:5:6:7:8:9",
            "12345::",
            "g::",
            "::1.2.3",
            "1.2.3.4",
            "1:2:3:4:5:6:7::8:9",
            "example.com"
        }) {
            assertThatThrownBy(() -> AddressText.parse(bad, Packet.AF_INET6))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cannot parse address");
        }
    }
}
