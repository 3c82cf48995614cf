package dev.nfct.pcap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads pcapng: a sequence of sections, each a Section Header Block (which fixes the byte order)
 * followed by Interface Description Blocks and packet blocks. Enhanced and Simple Packet Blocks
 * become frames; every other block type is skipped.
 */
final class PcapngSource implements FrameSource {
    static final int SECTION_HEADER = 0x0A0D0D0A;
    private static final int INTERFACE_DESCRIPTION = 1;
    private static final int SIMPLE_PACKET = 3;
    private static final int ENHANCED_PACKET = 6;
    private static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    private static final int OPT_END = 0, OPT_TSRESOL = 9, OPT_TSOFFSET = 14;
    /** Refuse absurd block lengths instead of trying to allocate them (corrupt files). */
    private static final int MAX_BLOCK_LENGTH = 64 << 20;

    private record Interface(int linkType, int snaplen, TimestampUnit unit, long offsetNanos) {}

    private final CountingInput in;
    private final String source;
    private final byte[] head = new byte[12];
    private final List<Interface> interfaces = new ArrayList<>();
    /** Set by the first block, which is always a section header (the reader checked the magic). */
    private ByteOrder order;

    private int frameNumber;
    /** Simple Packet Blocks carry no time; they inherit the previous frame's so time never jumps back to 0. */
    private long lastTimestamp;

    PcapngSource(CountingInput in, String source) {
        this.in = in;
        this.source = source;
    }

    @Override
    public PcapFrame next() throws IOException {
        while (true) {
            long at = in.offset();
            int n = in.readFully(head, 0, 8);
            if (n == 0) {
                return null;
            }
            if (n < 8) {
                throw error(at, "truncated block header (" + n + " of 8 bytes)");
            }
            int headerLength = 8;
            if (ByteBuffer.wrap(head).getInt(0) == SECTION_HEADER) {
                // The section's byte order is only known from the magic that follows the length.
                if (in.readFully(head, 8, 4) < 4) {
                    throw error(at, "truncated section header block");
                }
                order = byteOrderOf(ByteBuffer.wrap(head).getInt(8), at);
                interfaces.clear();
                headerLength = 12;
            }
            ByteBuffer h = ByteBuffer.wrap(head).order(order);
            int type = h.getInt(0);
            long length = Integer.toUnsignedLong(h.getInt(4));
            if (length < 12 || length % 4 != 0 || length > MAX_BLOCK_LENGTH || length < headerLength + 4) {
                throw error(at, "block type 0x" + Integer.toHexString(type) + " has invalid length " + length);
            }
            byte[] body = new byte[(int) length - headerLength - 4];
            byte[] trailer = new byte[4];
            if (in.readFully(body, 0, body.length) < body.length || in.readFully(trailer, 0, 4) < 4) {
                String what = "truncated block: type 0x" + Integer.toHexString(type) + " announces " + length
                        + " bytes but the file ends at offset " + in.offset();
                boolean packet = type == ENHANCED_PACKET || type == SIMPLE_PACKET;
                throw packet ? PcapFormatException.frame(source, frameNumber + 1, at, what) : error(at, what);
            }
            if (Integer.toUnsignedLong(ByteBuffer.wrap(trailer).order(order).getInt()) != length) {
                throw error(at, "block length " + length + " does not match the trailing length field");
            }
            ByteBuffer b = ByteBuffer.wrap(body).order(order);
            switch (type) {
                case INTERFACE_DESCRIPTION -> interfaces.add(parseInterface(b, at));
                case ENHANCED_PACKET -> {
                    return enhancedPacket(b, at);
                }
                case SIMPLE_PACKET -> {
                    return simplePacket(b, at);
                }
                default -> {
                    // Statistics, name resolution, custom, section headers...: nothing conntrack needs.
                }
            }
        }
    }

    private ByteOrder byteOrderOf(int magic, long at) throws PcapFormatException {
        if (magic == BYTE_ORDER_MAGIC) {
            return ByteOrder.BIG_ENDIAN;
        }
        if (Integer.reverseBytes(magic) == BYTE_ORDER_MAGIC) {
            return ByteOrder.LITTLE_ENDIAN;
        }
        throw error(at, "section header has unknown byte-order magic 0x" + Integer.toHexString(magic));
    }

    private Interface parseInterface(ByteBuffer b, long at) throws PcapFormatException {
        if (b.capacity() < 8) {
            throw error(at, "interface description block too short");
        }
        int linkType = Short.toUnsignedInt(b.getShort(0));
        int snaplen = b.getInt(4);
        TimestampUnit unit = TimestampUnit.MICROS;
        long offsetNanos = 0;
        int pos = 8;
        // Options are optional metadata: a damaged option list ends the walk rather than the replay.
        while (pos + 4 <= b.capacity()) {
            int code = Short.toUnsignedInt(b.getShort(pos));
            int len = Short.toUnsignedInt(b.getShort(pos + 2));
            if (code == OPT_END || pos + 4 + len > b.capacity()) {
                break;
            }
            if (code == OPT_TSRESOL && len >= 1) {
                unit = TimestampUnit.fromTsresol(Byte.toUnsignedInt(b.get(pos + 4)));
            } else if (code == OPT_TSOFFSET && len >= 8) {
                offsetNanos = b.getLong(pos + 4) * 1_000_000_000L;
            }
            pos += 4 + ((len + 3) & ~3);
        }
        return new Interface(linkType, snaplen, unit, offsetNanos);
    }

    private PcapFrame enhancedPacket(ByteBuffer b, long at) throws PcapFormatException {
        int number = frameNumber + 1;
        if (b.capacity() < 20) {
            throw PcapFormatException.frame(source, number, at, "enhanced packet block too short");
        }
        long ifIndex = Integer.toUnsignedLong(b.getInt(0));
        if (ifIndex >= interfaces.size()) {
            throw PcapFormatException.frame(
                    source,
                    number,
                    at,
                    "refers to interface " + ifIndex + " but the section describes " + interfaces.size());
        }
        Interface itf = interfaces.get((int) ifIndex);
        long ticks = (Integer.toUnsignedLong(b.getInt(4)) << 32) | Integer.toUnsignedLong(b.getInt(8));
        long captured = Integer.toUnsignedLong(b.getInt(12));
        if (captured > b.capacity() - 20) {
            throw PcapFormatException.frame(
                    source,
                    number,
                    at,
                    "captured length " + captured + " overruns its block (" + (b.capacity() - 20)
                            + " bytes of packet data)");
        }
        byte[] data = new byte[(int) captured];
        b.get(20, data);
        frameNumber = number;
        lastTimestamp = itf.unit().toNanos(ticks) + itf.offsetNanos();
        return new PcapFrame(number, lastTimestamp, itf.linkType(), data, b.getInt(16));
    }

    private PcapFrame simplePacket(ByteBuffer b, long at) throws PcapFormatException {
        int number = frameNumber + 1;
        if (interfaces.isEmpty()) {
            throw PcapFormatException.frame(source, number, at, "simple packet block before any interface description");
        }
        if (b.capacity() < 4) {
            throw PcapFormatException.frame(source, number, at, "simple packet block too short");
        }
        Interface itf = interfaces.get(0);
        long original = Integer.toUnsignedLong(b.getInt(0));
        // The captured length is implicit: the original length, cut by the block size and the snaplen.
        long captured = Math.min(original, b.capacity() - 4);
        if (itf.snaplen() > 0) {
            captured = Math.min(captured, itf.snaplen());
        }
        byte[] data = new byte[(int) captured];
        b.get(4, data);
        frameNumber = number;
        return new PcapFrame(number, lastTimestamp, itf.linkType(), data, (int) Math.min(original, Integer.MAX_VALUE));
    }

    private PcapFormatException error(long offset, String what) {
        return new PcapFormatException(source + ": block at offset " + offset + ": " + what);
    }
}
