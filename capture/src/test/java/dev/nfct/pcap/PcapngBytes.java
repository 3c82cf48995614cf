package dev.nfct.pcap;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/** Test helper: writes a pcapng file in memory, section by section, in either byte order. */
public final class PcapngBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private ByteOrder order;

    public PcapngBytes(ByteOrder order) {
        section(order);
    }

    /** Starts a new section (Section Header Block) with the given byte order. */
    public PcapngBytes section(ByteOrder order) {
        this.order = order;
        ByteBuffer body = buf(16);
        body.putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1L);
        return block(0x0A0D0D0A, body.array());
    }

    public PcapngBytes iface(int linkType, int snaplen, Integer tsresol, Long tsoffsetSeconds) {
        ByteBuffer body = buf(8 + 8 + 12 + 4);
        body.putShort((short) linkType).putShort((short) 0).putInt(snaplen);
        if (tsresol != null) {
            body.putShort((short) 9)
                    .putShort((short) 1)
                    .put((byte) (int) tsresol)
                    .put(new byte[3]);
        }
        if (tsoffsetSeconds != null) {
            body.putShort((short) 14).putShort((short) 8).putLong(tsoffsetSeconds);
        }
        body.putShort((short) 0).putShort((short) 0);
        return block(1, Arrays.copyOf(body.array(), body.position()));
    }

    public PcapngBytes iface(int linkType) {
        return iface(linkType, 0, null, null);
    }

    public PcapngBytes epb(int iface, long ticks, byte[] data) {
        return epb(iface, ticks, data, data.length);
    }

    public PcapngBytes epb(int iface, long ticks, byte[] data, int capturedField) {
        ByteBuffer body = buf(20 + pad(data.length));
        body.putInt(iface)
                .putInt((int) (ticks >>> 32))
                .putInt((int) ticks)
                .putInt(capturedField)
                .putInt(data.length + 3)
                .put(data);
        return block(6, body.array());
    }

    public PcapngBytes spb(byte[] data, int originalLength) {
        ByteBuffer body = buf(4 + pad(data.length));
        body.putInt(originalLength).put(data);
        return block(3, body.array());
    }

    /** Any block, with a correct length framing. */
    public PcapngBytes block(int type, byte[] body) {
        int total = 12 + pad(body.length);
        ByteBuffer b = buf(total);
        b.putInt(type).putInt(total).put(body);
        b.position(total - 4);
        b.putInt(total);
        out.writeBytes(b.array());
        return this;
    }

    public PcapngBytes raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    public byte[] bytes() {
        return out.toByteArray();
    }

    public InputStream stream() {
        return new ByteArrayInputStream(bytes());
    }

    private ByteBuffer buf(int size) {
        return ByteBuffer.allocate(size).order(order);
    }

    private static int pad(int n) {
        return (n + 3) & ~3;
    }
}
