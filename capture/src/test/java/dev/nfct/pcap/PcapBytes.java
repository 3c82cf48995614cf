package dev.nfct.pcap;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Test helper: writes a classic pcap file in memory, in either byte order. */
public final class PcapBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteOrder order;

    private PcapBytes(ByteOrder order, boolean nanos, int linkType, int snaplen) {
        this.order = order;
        ByteBuffer h = ByteBuffer.allocate(24).order(order);
        h.putInt(nanos ? 0xA1B23C4D : 0xA1B2C3D4)
                .putShort((short) 2)
                .putShort((short) 4)
                .putInt(0)
                .putInt(0)
                .putInt(snaplen)
                .putInt(linkType);
        out.writeBytes(h.array());
    }

    public static PcapBytes classic(ByteOrder order, boolean nanos, int linkType) {
        return new PcapBytes(order, nanos, linkType, 65535);
    }

    /** Little-endian microsecond pcap, the most common kind. */
    public static PcapBytes classic(int linkType) {
        return classic(ByteOrder.LITTLE_ENDIAN, false, linkType);
    }

    public static PcapBytes withSnaplen(int linkType, int snaplen) {
        return new PcapBytes(ByteOrder.LITTLE_ENDIAN, false, linkType, snaplen);
    }

    public PcapBytes record(long seconds, long fraction, byte[] data) {
        return record(seconds, fraction, data, data.length, data.length);
    }

    /** A record whose length fields may disagree with the data actually written (for error tests). */
    public PcapBytes record(long seconds, long fraction, byte[] data, int capturedField, int originalLength) {
        ByteBuffer h = ByteBuffer.allocate(16).order(order);
        h.putInt((int) seconds).putInt((int) fraction).putInt(capturedField).putInt(originalLength);
        out.writeBytes(h.array());
        out.writeBytes(data);
        return this;
    }

    /** Appends raw bytes, e.g. a partial record header. */
    public PcapBytes raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    public byte[] bytes() {
        return out.toByteArray();
    }

    public InputStream stream() {
        return new ByteArrayInputStream(bytes());
    }
}
