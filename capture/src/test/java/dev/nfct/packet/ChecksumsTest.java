package dev.nfct.packet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.core.Packet;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The kernel's checksum rules ({@link Checksums}) on packets whose checksums were computed by the
 * conformance fuzzer's own builders (Python, separately written), each verdict as the kernel
 * runner showed it with {@code nf_conntrack_checksum=1} (regression capture checksums-verified).
 */
class ChecksumsTest {
    private static final String LITE_BODY = "78".repeat(300);

    private static boolean verdict(String hex) {
        byte[] b = HexFormat.of().parseHex(hex);
        Packet p = new Packet();
        new PacketDecoder(true).decode(b, 0, b.length, p);
        return p.l4ChecksumOk;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "v4 tcp syn good | 4500002800004000400624c80a0301010a0301020fa00050000003e8000000005002faf08b110000 | true",
                "v4 tcp syn bad | 4500002800004000400622c80a0302010a0302020fa00050000003e8000000005002faf076110000 | false",
                "v4 udp checksum 0 | 450000210000400040111cc40a0305010a0305020fa10035000d000068656c6c6f | true",
                "v4 udp trailing bytes, RFC 768 sum | 450000260000400040111abf0a0306010a0306020fa20035000d8c2268656c6c6f545241494c | false",
                "v4 udp trailing bytes, summed over the IP payload | 4500002600004000401118bf0a0307010a0307020fa20035000dee3b68656c6c6f545241494c | true",
                "v6 echo request, bad | 60000000000c3a40fd000000002900000000000000000001fd000000002900000000000000000002800059890007000170696e67 | false",
                "v6 sctp init, right CRC32c | 6000000000208440fd000000002d00000000000000000001fd000000002d000000000000000000020fa513c4000000009bbd3ff5010000140000111100010000000a000a00000001 | true",
                "v6 sctp init, wrong CRC32c | 6000000000208440fd000000002e00000000000000000001fd000000002e000000000000000000020fa513c400000000efbeadde010000140000111100010000000a000a00000001 | false",
            })
    void theKernelsVerdict(String what, String hex, boolean ok) {
        assertThat(verdict(hex.strip())).as(what).isEqualTo(ok);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "v4 UDP-Lite, RFC 3828 sum | 4500014d0000400040880f210a030b010a030b020fa300350008c45568656c6c6f | false",
                "v4 UDP-Lite, protocol 17 and the low byte of the length | 4500014d0000400040880b210a030d010a030d020fa300350008c1cc68656c6c6f | true",
                "v6 UDP-Lite, protocol 17 and the whole length | 6000000001398840fd000000002300000000000000000001fd0000000023000000000000000000020fa300350008f48a68656c6c6f | true",
            })
    void udpLiteSumsAsTheKernelDoes(String what, String head, boolean ok) {
        assertThat(verdict(head.strip() + LITE_BODY)).as(what).isEqualTo(ok);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {"v4 tcp syn bad | 4500002800004000400622c80a0302010a0302020fa00050000003e8000000005002faf076110000"
            })
    void aDecoderNotAskedToVerifyLeavesEveryChecksumGood(String what, String hex) {
        byte[] b = HexFormat.of().parseHex(hex.strip());
        Packet p = new Packet();
        new PacketDecoder().decode(b, 0, b.length, p);
        assertThat(p.l4ChecksumOk).as(what).isTrue();
    }
}
