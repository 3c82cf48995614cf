package dev.nfct.pcap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Reads the classic libpcap container: a 24-byte file header, then 16-byte record headers + data. */
final class ClassicPcapSource implements FrameSource {
    /**
     * Records longer than this are refused even if the snaplen field is smaller or zero: 256 KiB is
     * the largest snapshot length capture tools write, and anything bigger is almost certainly a
     * corrupt length that would otherwise make us allocate garbage-sized buffers.
     */
    static final int MAX_STANDARD_SNAPLEN = 262_144;

    private final CountingInput in;
    private final String source;
    private final boolean nanos;
    private final int snaplen;
    /** The largest captured length accepted: the snaplen, but never less than the standard maximum. */
    private final long limit;

    private final int linkType;
    private final ByteBuffer recordHeader = ByteBuffer.allocate(16);
    private int frameNumber;

    /** Reads the file header; the caller has already looked at the magic to pick order and units. */
    ClassicPcapSource(CountingInput in, String source, ByteOrder order, boolean nanos) throws IOException {
        this.in = in;
        this.source = source;
        this.nanos = nanos;
        byte[] header = new byte[24];
        int n = in.readFully(header, 0, header.length);
        if (n < header.length) {
            throw new PcapFormatException(source + ": at offset 0: file header truncated (" + n + " of 24 bytes)");
        }
        ByteBuffer h = ByteBuffer.wrap(header).order(order);
        snaplen = h.getInt(16);
        limit = Math.max(Integer.toUnsignedLong(snaplen), MAX_STANDARD_SNAPLEN);
        // The top bits of the link-type field carry FCS information, not the link type.
        linkType = h.getInt(20) & 0x0fffffff;
        recordHeader.order(order);
    }

    @Override
    public PcapFrame next() throws IOException {
        long at = in.offset();
        int n = in.readFully(recordHeader.array(), 0, 16);
        if (n == 0) {
            return null;
        }
        int number = frameNumber + 1;
        if (n < 16) {
            throw PcapFormatException.frame(source, number, at, "truncated record header (" + n + " of 16 bytes)");
        }
        long seconds = Integer.toUnsignedLong(recordHeader.getInt(0));
        long fraction = Integer.toUnsignedLong(recordHeader.getInt(4));
        long captured = Integer.toUnsignedLong(recordHeader.getInt(8));
        long original = Integer.toUnsignedLong(recordHeader.getInt(12));
        if (captured > limit) {
            throw PcapFormatException.frame(
                    source,
                    number,
                    at,
                    "record length " + captured + " exceeds snaplen " + Integer.toUnsignedLong(snaplen) + " (and the "
                            + MAX_STANDARD_SNAPLEN + "-byte maximum)");
        }
        byte[] data = new byte[(int) captured];
        int got = in.readFully(data, 0, data.length);
        if (got < data.length) {
            throw PcapFormatException.frame(
                    source,
                    number,
                    at,
                    "truncated record: header announces " + captured + " captured bytes but the file ends after "
                            + got);
        }
        frameNumber = number;
        long ts = seconds * 1_000_000_000L + (nanos ? fraction : fraction * 1_000L);
        return new PcapFrame(number, ts, linkType, data, (int) Math.min(original, Integer.MAX_VALUE));
    }
}
