package dev.nfct.packet;

import dev.nfct.core.Packet;
import dev.nfct.pcap.PcapFormatException;
import dev.nfct.pcap.PcapFrame;
import dev.nfct.pcap.PcapReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Replays a capture file as the sequence of datagrams conntrack would see: link headers stripped,
 * fragments reassembled (each datagram released when its last missing fragment arrives), decoded.
 *
 * <p>Usage: {@code try (CaptureReader r = CaptureReader.open(path)) { for (CapturedDatagram d; (d = r.next()) != null; ) ... }}
 */
public final class CaptureReader implements Closeable {
    private final PcapReader frames;
    private final String source;
    private final Defragmenter defragmenter = new Defragmenter();
    private PacketDecoder decoder = new PacketDecoder();
    private final List<SkippedFrame> skipped = new ArrayList<>();
    private final List<Integer> droppedByIp = new ArrayList<>();
    private boolean fragmentClock;
    /** The capture's clock for reassembly: the latest frame time so far (captures can step back a little). */
    private long fragmentNow = Defragmenter.NO_EXPIRY;

    public static CaptureReader open(Path file) throws IOException {
        return new CaptureReader(Files.newInputStream(file), file.toString());
    }

    /**
     * @param in         the capture bytes (pcap or pcapng); closed by {@link #close()}
     * @param sourceName how error messages name the capture
     */
    public CaptureReader(InputStream in, String sourceName) throws IOException {
        this.frames = new PcapReader(in, sourceName);
        this.source = sourceName;
    }

    /**
     * Whether each datagram's transport checksum is checked by the kernel's rules for a packet
     * entering at PRE_ROUTING (what {@code nf_conntrack_checksum=1} does), filling
     * {@link dev.nfct.core.Packet#l4ChecksumOk}. Off by default.
     */
    public void verifyChecksums(boolean on) {
        decoder = new PacketDecoder(on);
    }

    /**
     * Whether incomplete fragmented datagrams are given up on by the capture's own clock, as the
     * kernel would when the capture is replayed in its own timing. Off by default: at top speed the
     * kernel sees every fragment within a fraction of a second, so nothing times out.
     */
    public void fragmentTimeoutsByCaptureTime(boolean on) {
        fragmentClock = on;
    }

    /**
     * The next datagram in the order conntrack sees them, or null at the end of the capture.
     *
     * @throws PcapFormatException for a malformed capture or an unsupported link type (naming file and frame)
     */
    public CapturedDatagram next() throws IOException {
        for (PcapFrame frame; (frame = frames.next()) != null; ) {
            IpSlice ip;
            try {
                ip = LinkLayer.extract(frame.linkType(), frame.data(), frame.number());
            } catch (UnsupportedLinkTypeException e) {
                throw new PcapFormatException(source + ": " + e.getMessage(), e);
            }
            if (ip.droppedByIp()) {
                droppedByIp.add(frame.number());
                continue;
            }
            if (!ip.isIp()) {
                skipped.add(new SkippedFrame(frame.number(), ip.skipReason()));
                continue;
            }
            if (fragmentClock) {
                fragmentNow = Math.max(fragmentNow, frame.timestampNanos());
            }
            Defragmenter.Datagram d =
                    defragmenter.offer(ip.buf(), ip.offset(), ip.length(), frame.number(), fragmentNow);
            if (d == null) {
                continue; // a fragment held until its datagram is complete, or dropped
            }
            Packet packet = new Packet();
            try {
                decoder.decode(d.buf(), d.offset(), d.length(), packet);
            } catch (MalformedPacketException e) {
                skipped.add(new SkippedFrame(d.frameNumber(), "bad-ip: " + e.getMessage()));
                continue;
            }
            return new CapturedDatagram(
                    d.frameNumber(), d.absorbedFrames(), frame.timestampNanos(), packet, d.droppedBeforeConfirm());
        }
        return null;
    }

    /** Frames skipped so far (not IP, or an undecodable IP header), in file order. */
    public List<SkippedFrame> skippedFrames() {
        return Collections.unmodifiableList(skipped);
    }

    /**
     * IP frames that have not reached conntrack, ascending: fragments of datagrams still incomplete
     * (after the last {@link #next()} they never will), given up on, or dropped over the reassembly
     * memory limit; and datagrams the IP layer drops (a malformed IPv6 jumbo payload option).
     */
    public List<Integer> unseenFrames() {
        List<Integer> all = new ArrayList<>(defragmenter.heldFrames());
        if (!droppedByIp.isEmpty()) {
            all.addAll(droppedByIp);
            Collections.sort(all);
        }
        return all;
    }

    @Override
    public void close() throws IOException {
        frames.close();
    }
}
