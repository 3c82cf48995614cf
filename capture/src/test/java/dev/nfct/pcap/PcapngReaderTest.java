package dev.nfct.pcap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PcapngReaderTest {
    private static final byte[] A = {1, 2, 3, 4, 5}, B = {9, 8, 7, 6};

    private static List<PcapFrame> readAll(PcapngBytes file) throws IOException {
        try (PcapReader r = new PcapReader(file.stream(), "test.pcapng")) {
            return PcapReaderTest.readAll(r);
        }
    }

    @Test
    void enhancedPacketsUseMicrosecondsWithoutTsresol() throws IOException {
        PcapngBytes file = new PcapngBytes(ByteOrder.LITTLE_ENDIAN).iface(1).epb(0, 1_500_000L, A);

        PcapFrame f = readAll(file).get(0);

        assertThat(f.number()).isEqualTo(1);
        assertThat(f.timestampNanos()).isEqualTo(1_500_000_000L);
        assertThat(f.linkType()).isEqualTo(1);
        assertThat(f.data()).containsExactly(A);
        assertThat(f.originalLength()).isEqualTo(A.length + 3);
    }

    @Test
    void decimalAndBinaryTsresolAndTsoffsetAreApplied() throws IOException {
        PcapngBytes file = new PcapngBytes(ByteOrder.LITTLE_ENDIAN)
                .iface(1, 0, 9, null) // nanoseconds
                .iface(101, 0, 0x80 | 10, 100L) // 1/1024 s, +100 s offset
                .iface(1, 0, 3, null) // milliseconds
                .epb(0, 1_234_567_891L, A)
                .epb(1, 1536, A)
                .epb(2, 42, A);

        List<PcapFrame> frames = readAll(file);

        assertThat(frames)
                .extracting(PcapFrame::timestampNanos)
                .containsExactly(1_234_567_891L, 101_500_000_000L, 42_000_000L);
        assertThat(frames).extracting(PcapFrame::linkType).containsExactly(1, 101, 1);
    }

    @Test
    void bigEndianSectionReadsTheSame() throws IOException {
        PcapngBytes file =
                new PcapngBytes(ByteOrder.BIG_ENDIAN).iface(1, 0, 9, null).epb(0, 77, B);

        PcapFrame f = readAll(file).get(0);

        assertThat(file.bytes()[8]).isEqualTo((byte) 0x1A);
        assertThat(f.timestampNanos()).isEqualTo(77);
        assertThat(f.data()).containsExactly(B);
    }

    @Test
    void newSectionResetsInterfacesAndMayChangeByteOrder() throws IOException {
        PcapngBytes file = new PcapngBytes(ByteOrder.LITTLE_ENDIAN)
                .iface(1)
                .epb(0, 1, A)
                .section(ByteOrder.BIG_ENDIAN)
                .iface(113)
                .epb(0, 2, B);

        List<PcapFrame> frames = readAll(file);

        assertThat(frames).extracting(PcapFrame::linkType).containsExactly(1, 113);
        assertThat(frames).extracting(PcapFrame::number).containsExactly(1, 2);
    }

    @Test
    void otherBlockTypesAreSkippedAndDoNotCountAsFrames() throws IOException {
        PcapngBytes file = new PcapngBytes(ByteOrder.LITTLE_ENDIAN)
                .iface(1)
                .block(5, new byte[28]) // interface statistics
                .epb(0, 1, A)
                .block(4, new byte[8]) // name resolution
                .block(0x40000BAD, new byte[3])
                .epb(0, 2, B);

        assertThat(readAll(file)).extracting(PcapFrame::number).containsExactly(1, 2);
    }

    @Test
    void simplePacketsTakeInterfaceZeroSnaplenAndThePreviousTimestamp() throws IOException {
        byte[] data = new byte[12];
        PcapngBytes file = new PcapngBytes(ByteOrder.LITTLE_ENDIAN)
                .iface(228, 8, null, null)
                .epb(0, 5, A)
                .spb(data, 1000);

        PcapFrame spb = readAll(file).get(1);

        assertThat(spb.number()).isEqualTo(2);
        assertThat(spb.linkType()).isEqualTo(228);
        assertThat(spb.data()).hasSize(8);
        assertThat(spb.originalLength()).isEqualTo(1000);
        assertThat(spb.timestampNanos()).isEqualTo(5_000L);
    }

    @Test
    void truncatedBlockIsAnErrorNamingTheOffset() {
        byte[] whole =
                new PcapngBytes(ByteOrder.LITTLE_ENDIAN).iface(1).epb(0, 1, A).bytes();
        PcapngBytes cut =
                new PcapngBytes(ByteOrder.LITTLE_ENDIAN).iface(1).raw(Arrays.copyOfRange(whole, 52, whole.length - 6));

        assertThatThrownBy(() -> readAll(cut))
                .isInstanceOf(PcapFormatException.class)
                .hasMessageContaining("test.pcapng: frame 1 at offset 52: truncated block: type 0x6");
    }

    @Test
    void truncatedNonPacketBlockNamesItsOffset() {
        byte[] whole = new PcapngBytes(ByteOrder.LITTLE_ENDIAN).iface(1).bytes();
        PcapngBytes cut = new PcapngBytes(ByteOrder.LITTLE_ENDIAN).raw(Arrays.copyOfRange(whole, 28, whole.length - 2));

        assertThatThrownBy(() -> readAll(cut))
                .isInstanceOf(PcapFormatException.class)
                .hasMessageContaining("test.pcapng: block at offset 28: truncated block: type 0x1");
    }

    @Test
    void capturedLengthBeyondTheBlockNamesTheFrame() {
        PcapngBytes file =
                new PcapngBytes(ByteOrder.LITTLE_ENDIAN).iface(1).epb(0, 1, A).epb(0, 1, A, 70000);

        assertThatThrownBy(() -> readAll(file))
                .isInstanceOf(PcapFormatException.class)
                .hasMessageContaining("frame 2 at offset 92: captured length 70000 overruns its block");
    }

    @Test
    void packetOnAnUndeclaredInterfaceIsAnError() {
        PcapngBytes file = new PcapngBytes(ByteOrder.LITTLE_ENDIAN).iface(1).epb(3, 1, A);

        assertThatThrownBy(() -> readAll(file))
                .hasMessageContaining("frame 1")
                .hasMessageContaining("refers to interface 3 but the section describes 1");
    }

    @Test
    void mismatchedTrailingLengthIsAnError() {
        byte[] bytes = new PcapngBytes(ByteOrder.LITTLE_ENDIAN).iface(1).bytes();
        bytes[bytes.length - 4] = 99;
        PcapngBytes file = new PcapngBytes(ByteOrder.LITTLE_ENDIAN).raw(Arrays.copyOfRange(bytes, 28, bytes.length));

        assertThatThrownBy(() -> readAll(file)).hasMessageContaining("does not match the trailing length");
    }
}
