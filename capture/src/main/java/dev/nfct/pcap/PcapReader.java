package dev.nfct.pcap;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Streams the frames of a classic pcap or pcapng capture in file order, one record at a time, so
 * captures of any size can be replayed. The format is recognised from the first four bytes.
 *
 * <p>Usage: {@code try (PcapReader r = PcapReader.open(path)) { for (PcapFrame f; (f = r.next()) != null; ) ... }}
 */
public final class PcapReader implements Closeable {
    private static final int MAGIC_MICROS = 0xA1B2C3D4;
    private static final int MAGIC_NANOS = 0xA1B23C4D;

    private final CountingInput in;
    private final FrameSource frames;

    public static PcapReader open(Path file) throws IOException {
        return new PcapReader(Files.newInputStream(file), file.toString());
    }

    /**
     * @param in         the capture bytes; closed by {@link #close()}
     * @param sourceName how error messages name the capture (usually the file path)
     */
    public PcapReader(InputStream in, String sourceName) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
        buffered.mark(4);
        byte[] magicBytes = buffered.readNBytes(4);
        buffered.reset();
        this.in = new CountingInput(buffered);
        if (magicBytes.length < 4) {
            throw new PcapFormatException(
                    sourceName + ": at offset 0: file too short to be a capture (" + magicBytes.length + " bytes)");
        }
        int magic = ByteBuffer.wrap(magicBytes).getInt();
        if (magic == PcapngSource.SECTION_HEADER) {
            frames = new PcapngSource(this.in, sourceName);
        } else if (magic == MAGIC_MICROS || magic == MAGIC_NANOS) {
            frames = new ClassicPcapSource(this.in, sourceName, ByteOrder.BIG_ENDIAN, magic == MAGIC_NANOS);
        } else if (Integer.reverseBytes(magic) == MAGIC_MICROS || Integer.reverseBytes(magic) == MAGIC_NANOS) {
            frames = new ClassicPcapSource(
                    this.in, sourceName, ByteOrder.LITTLE_ENDIAN, Integer.reverseBytes(magic) == MAGIC_NANOS);
        } else {
            throw new PcapFormatException(sourceName + ": at offset 0: not a pcap or pcapng file (magic 0x"
                    + String.format("%08x", magic) + ")");
        }
    }

    /**
     * The link type of a capture's first interface, read ahead without consuming anything
     * ({@code in} is marked and reset), or -1 when the first 64 KiB do not say.
     */
    public static int firstLinkType(BufferedInputStream in) throws IOException {
        in.mark(1 << 16);
        try {
            byte[] head = in.readNBytes(1 << 16);
            if (head.length < 24) {
                return -1;
            }
            ByteBuffer b = ByteBuffer.wrap(head);
            int magic = b.getInt(0);
            if (magic == MAGIC_MICROS || magic == MAGIC_NANOS) {
                return b.getInt(20) & 0xffff;
            }
            if (Integer.reverseBytes(magic) == MAGIC_MICROS || Integer.reverseBytes(magic) == MAGIC_NANOS) {
                return Integer.reverseBytes(b.getInt(20)) & 0xffff;
            }
            if (magic != PcapngSource.SECTION_HEADER) {
                return -1;
            }
            // pcapng: the section header, then (usually at once) the first interface description.
            b.order(b.getInt(8) == 0x1A2B3C4D ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            int at = 0;
            while (at + 12 <= head.length) {
                int type = b.getInt(at), len = b.getInt(at + 4);
                if (type == 1) {
                    return b.getShort(at + 8) & 0xffff;
                }
                if (len < 12) {
                    return -1;
                }
                at += len;
            }
            return -1;
        } finally {
            in.reset();
        }
    }

    /** The next frame in file order, or null after the last one. */
    public PcapFrame next() throws IOException {
        return frames.next();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
