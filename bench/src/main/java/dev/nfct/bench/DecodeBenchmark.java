package dev.nfct.bench;

import dev.nfct.core.Packet;
import dev.nfct.packet.PacketDecoder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of checking transport checksums as the kernel does with {@code nf_conntrack_checksum=1}:
 * one operation decodes one IPv4 datagram, a full-size TCP segment (1,460 bytes of data) or a
 * 64-byte UDP datagram, with the decoder checking checksums ({@code verify=true}) or not.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DecodeBenchmark {
    @Param({"false", "true"})
    public boolean verify;

    private PacketDecoder decoder;
    private final Packet out = new Packet();
    private byte[] tcp;
    private byte[] udp;

    @Setup
    public void setUp() {
        decoder = new PacketDecoder(verify);
        tcp = ipv4(6, tcpHeader(), 1460);
        udp = ipv4(17, new byte[] {0x13, (byte) 0x88, 0, 53, 0, 72, 0, 0}, 64);
    }

    @Benchmark
    public boolean fullSizeTcpSegment() {
        decoder.decode(tcp, 0, tcp.length, out);
        return out.l4ChecksumOk;
    }

    @Benchmark
    public boolean smallUdpDatagram() {
        decoder.decode(udp, 0, udp.length, out);
        return out.l4ChecksumOk;
    }

    private static byte[] tcpHeader() {
        byte[] h = new byte[20];
        h[0] = (byte) 0x9c;
        h[1] = 0x40; // port 40000
        h[3] = 80;
        h[12] = 0x50; // 20-byte header
        h[13] = 0x18; // PSH, ACK
        h[14] = (byte) 0xff;
        h[15] = (byte) 0xff;
        return h;
    }

    /** An IPv4 datagram from 192.0.2.1 to 192.0.2.2: the header, then {@code l4} and {@code data} bytes of 0x61. */
    private static byte[] ipv4(int protocol, byte[] l4, int data) {
        byte[] b = new byte[20 + l4.length + data];
        b[0] = 0x45;
        b[2] = (byte) (b.length >>> 8);
        b[3] = (byte) b.length;
        b[8] = 64;
        b[9] = (byte) protocol;
        b[12] = (byte) 192;
        b[14] = 2;
        b[15] = 1;
        b[16] = (byte) 192;
        b[18] = 2;
        b[19] = 2;
        System.arraycopy(l4, 0, b, 20, l4.length);
        java.util.Arrays.fill(b, 20 + l4.length, b.length, (byte) 0x61);
        return b;
    }
}
