package dev.nfct.packet;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test helper (not a test): writes a capture of complete short TCP connections, six packets each
 * (SYN, SYN/ACK, ACK, FIN/ACK, FIN/ACK, ACK), all from distinct client ports to one server, so
 * that every connection ends in TIME_WAIT and stays in the table. Raw IPv4 (link type 101),
 * timestamps from 0 s, one microsecond apart; checksums correct.
 */
public final class ShortTcpCapture {
    public static final int PACKETS_PER_CONNECTION = 6;
    private static final int LINKTYPE_RAW = 101;

    private ShortTcpCapture() {}

    /** Writes {@code connections} connections to {@code file} and returns it. */
    public static Path write(Path file, int connections) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
            h.putInt(0xA1B2C3D4).putShort((short) 2).putShort((short) 4);
            h.putInt(0).putInt(0).putInt(65535).putInt(LINKTYPE_RAW);
            out.write(h.array());
            long us = 0;
            for (int i = 0; i < connections; i++) {
                // Clients 10.(i/60000).x.y with ports from 1024: each connection its own tuple.
                int client = 0x0A000000 | ((i / 60000) << 16) | 1;
                int server = 0x0AFF0001;
                int cport = 1024 + i % 60000;
                int sport = 80;
                long c = 1000L + i;
                long s = 5000L + i;
                us = record(out, us, client, server, cport, sport, c, 0, SYN);
                us = record(out, us, server, client, sport, cport, s, c + 1, SYN | ACK);
                us = record(out, us, client, server, cport, sport, c + 1, s + 1, ACK);
                us = record(out, us, client, server, cport, sport, c + 1, s + 1, FIN | ACK);
                us = record(out, us, server, client, sport, cport, s + 1, c + 2, FIN | ACK);
                us = record(out, us, client, server, cport, sport, c + 2, s + 2, ACK);
            }
        }
        return file;
    }

    private static final int FIN = 0x01;
    private static final int SYN = 0x02;
    private static final int ACK = 0x10;

    private static long record(
            OutputStream out, long us, int src, int dst, int sp, int dp, long seq, long ack, int flags)
            throws IOException {
        byte[] d = datagram(src, dst, sp, dp, seq, ack, flags);
        ByteBuffer r = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        r.putInt((int) (us / 1_000_000))
                .putInt((int) (us % 1_000_000))
                .putInt(d.length)
                .putInt(d.length);
        out.write(r.array());
        out.write(d);
        return us + 1;
    }

    private static byte[] datagram(int src, int dst, int sp, int dp, long seq, long ack, int flags) {
        ByteBuffer b = ByteBuffer.allocate(40); // big-endian: network order
        b.put((byte) 0x45)
                .put((byte) 0)
                .putShort((short) 40)
                .putShort((short) 0)
                .putShort((short) 0x4000);
        b.put((byte) 64).put((byte) 6).putShort((short) 0).putInt(src).putInt(dst);
        b.putShort(10, (short) checksum(b.array(), 0, 20, 0));
        b.position(20);
        b.putShort((short) sp).putShort((short) dp).putInt((int) seq).putInt((int) ack);
        b.put((byte) 0x50)
                .put((byte) flags)
                .putShort((short) 64240)
                .putShort((short) 0)
                .putShort((short) 0);
        long pseudo = (src >>> 16) + (src & 0xFFFF) + (dst >>> 16) + (dst & 0xFFFF) + 6 + 20;
        b.putShort(36, (short) checksum(b.array(), 20, 20, pseudo));
        return b.array();
    }

    /** The Internet checksum of {@code len} bytes at {@code off}, starting from {@code sum}. */
    private static int checksum(byte[] a, int off, int len, long sum) {
        for (int i = off; i < off + len; i += 2) {
            sum += ((a[i] & 0xFF) << 8) | (a[i + 1] & 0xFF);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) (~sum & 0xFFFF);
    }
}
