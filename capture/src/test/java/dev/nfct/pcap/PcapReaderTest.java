package dev.nfct.pcap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapReaderTest {
    private static final byte[] A = {1, 2, 3}, B = {4, 5, 6, 7, 8};

    static List<PcapFrame> readAll(PcapReader r) throws IOException {
        List<PcapFrame> frames = new ArrayList<>();
        for (PcapFrame f; (f = r.next()) != null; ) {
            frames.add(f);
        }
        return frames;
    }

    private static List<PcapFrame> readAll(byte[] file) throws IOException {
        try (PcapReader r = new PcapReader(new ByteArrayInputStream(file), "test.pcap")) {
            return readAll(r);
        }
    }

    @Test
    void littleEndianMicrosecondRecordsComeOutNumberedWithNanosecondTimestamps() throws IOException {
        byte[] file = PcapBytes.classic(ByteOrder.LITTLE_ENDIAN, false, 1)
                .record(1_700_000_000L, 123_456, A)
                .record(1_700_000_001L, 0, B, B.length, 1500)
                .bytes();

        List<PcapFrame> frames = readAll(file);

        assertThat(frames).hasSize(2);
        assertThat(frames.get(0).number()).isEqualTo(1);
        assertThat(frames.get(0).timestampNanos()).isEqualTo(1_700_000_000_123_456_000L);
        assertThat(frames.get(0).linkType()).isEqualTo(1);
        assertThat(frames.get(0).data()).containsExactly(A);
        assertThat(frames.get(1).number()).isEqualTo(2);
        assertThat(frames.get(1).originalLength()).isEqualTo(1500);
    }

    @Test
    void bigEndianFileReadsTheSameAsLittleEndian() throws IOException {
        byte[] le = PcapBytes.classic(ByteOrder.LITTLE_ENDIAN, false, 101)
                .record(5, 7, A)
                .bytes();
        byte[] be = PcapBytes.classic(ByteOrder.BIG_ENDIAN, false, 101)
                .record(5, 7, A)
                .bytes();

        PcapFrame fromLe = readAll(le).get(0), fromBe = readAll(be).get(0);

        assertThat(be[0]).isEqualTo((byte) 0xA1);
        assertThat(fromBe.timestampNanos()).isEqualTo(fromLe.timestampNanos()).isEqualTo(5_000_007_000L);
        assertThat(fromBe.linkType()).isEqualTo(101);
        assertThat(fromBe.data()).containsExactly(A);
    }

    @Test
    void nanosecondMagicKeepsTheFractionAsNanoseconds() throws IOException {
        for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
            byte[] file =
                    PcapBytes.classic(order, true, 1).record(2, 999_999_999, A).bytes();
            assertThat(readAll(file).get(0).timestampNanos()).isEqualTo(2_999_999_999L);
        }
    }

    @Test
    void fcsBitsInTheLinkTypeFieldAreIgnored() throws IOException {
        byte[] file = PcapBytes.classic(ByteOrder.LITTLE_ENDIAN, false, 0x10000000 | 1)
                .record(0, 0, A)
                .bytes();
        assertThat(readAll(file).get(0).linkType()).isEqualTo(1);
    }

    @Test
    void truncatedFinalRecordNamesFileFrameAndOffset() {
        byte[] file =
                PcapBytes.classic(1).record(0, 0, A).record(0, 0, B, 60, 60).bytes();

        assertThatThrownBy(() -> readAll(file))
                .isInstanceOf(PcapFormatException.class)
                .hasMessageContaining("test.pcap")
                .hasMessageContaining("frame 2 at offset 43")
                .hasMessageContaining("announces 60 captured bytes")
                .hasMessageContaining("after 5");
    }

    @Test
    void partialRecordHeaderAtEndOfFileIsAnError() {
        byte[] file = PcapBytes.classic(1).record(0, 0, A).raw(new byte[7]).bytes();

        assertThatThrownBy(() -> readAll(file))
                .isInstanceOf(PcapFormatException.class)
                .hasMessageContaining("frame 2 at offset 43: truncated record header (7 of 16 bytes)");
    }

    @Test
    void recordLongerThanSnaplenAndStandardMaximumIsRejected() {
        byte[] file = PcapBytes.withSnaplen(1, 65535)
                .record(0, 0, A, 300_000, 300_000)
                .bytes();

        assertThatThrownBy(() -> readAll(file))
                .isInstanceOf(PcapFormatException.class)
                .hasMessageContaining("frame 1 at offset 24: record length 300000 exceeds snaplen 65535");
    }

    @Test
    void unknownMagicAndTinyFilesAreRejectedWithTheFileName() {
        assertThatThrownBy(() -> readAll(new byte[] {1, 2, 3, 4, 5, 6}))
                .isInstanceOf(PcapFormatException.class)
                .hasMessageContaining("test.pcap: at offset 0: not a pcap or pcapng file (magic 0x01020304)");
        assertThatThrownBy(() -> readAll(new byte[] {1}))
                .isInstanceOf(PcapFormatException.class)
                .hasMessageContaining("file too short");
        byte[] header = PcapBytes.classic(1).bytes();
        assertThatThrownBy(() -> readAll(Arrays.copyOf(header, 10)))
                .hasMessageContaining("file header truncated (10 of 24 bytes)");
    }

    @Test
    void fileWithHeaderOnlyHasNoFrames() throws IOException {
        assertThat(readAll(PcapBytes.classic(1).bytes())).isEmpty();
    }

    @Test
    void openReadsFromAPathAndNamesItInErrors(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("cut.pcap");
        Files.write(file, PcapBytes.classic(1).record(0, 0, A, 9, 9).bytes());

        try (PcapReader r = PcapReader.open(file)) {
            assertThatThrownBy(r::next).hasMessageStartingWith(file + ": frame 1");
        }
    }
}
