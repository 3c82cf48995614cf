package dev.nfct.replay;

import dev.nfct.core.Packet;
import dev.nfct.packet.IpSlice;
import dev.nfct.packet.LinkLayer;
import dev.nfct.packet.MalformedPacketException;
import dev.nfct.packet.NflogRecord;
import dev.nfct.packet.PacketDecoder;
import dev.nfct.packet.SkippedFrame;
import dev.nfct.pcap.PcapFormatException;
import dev.nfct.pcap.PcapFrame;
import dev.nfct.pcap.PcapReader;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * Reads a host's hook observations from a {@code LINKTYPE_NFLOG} capture, in file order.
 *
 * <p>The host logs each packet with an nftables {@code log group N} rule (captured with
 * {@code tcpdump -i nflog:N}) at every hook where it is to be observed: the prefix {@code nfct}
 * marks an observation, {@code nfct drop} a packet the ruleset drops there, the packet's mark is
 * its id, the hook is NFLOG's own. Records with other prefixes are skipped (counted).
 *
 * <p>A drop at an entry hook happens after conntrack's entry path ran, so it is no second
 * observation: it is folded into the entry observation of the same packet at the same hook, which
 * then carries the drop. To find it, observations are held back for a window of
 * {@value #WINDOW} records.
 */
public final class HookObservationReader implements Closeable {
    /** The prefix of an observation; with {@code " drop"} after it, of a dropped packet. */
    public static final String PREFIX = "nfct", DROP_PREFIX = "nfct drop";

    static final int WINDOW = 256;
    private final PcapReader frames;
    private final String source;
    private final PacketDecoder decoder;
    private final ArrayDeque<HookObservation> held = new ArrayDeque<>();
    private final List<SkippedFrame> skipped = new ArrayList<>();
    private boolean ended;

    public static HookObservationReader open(Path file, boolean verifyChecksums) throws IOException {
        return new HookObservationReader(PcapReader.open(file), file.toString(), verifyChecksums);
    }

    /**
     * @param in the capture bytes; closed by {@link #close()}
     * @param sourceName how error messages name the capture
     */
    public HookObservationReader(java.io.InputStream in, String sourceName, boolean verifyChecksums)
            throws IOException {
        this(new PcapReader(in, sourceName), sourceName, verifyChecksums);
    }

    private HookObservationReader(PcapReader frames, String source, boolean verifyChecksums) {
        this.frames = frames;
        this.source = source;
        this.decoder = new PacketDecoder(verifyChecksums);
    }

    /** The next observation, or null after the last one. */
    public HookObservation next() throws IOException {
        while (!ended && held.size() <= WINDOW) {
            PcapFrame f = frames.next();
            if (f == null) {
                ended = true;
                break;
            }
            read(f);
        }
        return held.poll();
    }

    /** Records that are no observation (another prefix, no packet, not IP), in file order. */
    public List<SkippedFrame> skippedFrames() {
        return Collections.unmodifiableList(skipped);
    }

    private void read(PcapFrame f) throws PcapFormatException {
        if (f.linkType() != LinkLayer.DLT_NFLOG) {
            throw new PcapFormatException(source + ": frame " + f.number() + ": link type " + f.linkType()
                    + ", not NFLOG (239): not a capture of hook observations");
        }
        NflogRecord rec;
        try {
            rec = NflogRecord.parse(f.data());
        } catch (IllegalArgumentException e) {
            throw new PcapFormatException(source + ": frame " + f.number() + ": " + e.getMessage(), e);
        }
        boolean drop = rec.prefix().equals(DROP_PREFIX);
        if (!drop && !rec.prefix().equals(PREFIX)) {
            skipped.add(new SkippedFrame(f.number(), "prefix '" + rec.prefix() + "' is no observation"));
            return;
        }
        ObservedHook hook = ObservedHook.ofNumber(rec.hook());
        if (hook == null || rec.payload() == null) {
            skipped.add(new SkippedFrame(
                    f.number(), hook == null ? "unknown hook " + rec.hook() : "no packet in the record"));
            return;
        }
        if (drop && hook.isEntry() && foldDrop(hook, rec.mark())) {
            return;
        }
        IpSlice ip = LinkLayer.extract(LinkLayer.DLT_RAW, rec.payload(), f.number());
        if (!ip.isIp()) {
            skipped.add(new SkippedFrame(f.number(), ip.skipReason() != null ? ip.skipReason() : "not IP"));
            return;
        }
        Packet p = new Packet();
        try {
            decoder.decode(ip.buf(), ip.offset(), ip.length(), p);
        } catch (MalformedPacketException e) {
            skipped.add(new SkippedFrame(f.number(), "bad-ip: " + e.getMessage()));
            return;
        }
        held.add(new HookObservation(f.number(), f.timestampNanos(), hook, rec.mark(), drop, p));
    }

    /** Marks the held entry observation of this packet at this hook dropped; false if none is held. */
    private boolean foldDrop(ObservedHook hook, long id) {
        for (Iterator<HookObservation> it = held.descendingIterator(); it.hasNext(); ) {
            HookObservation o = it.next();
            if (o.packetId() == id && o.hook() == hook && !o.dropped()) {
                List<HookObservation> all = new ArrayList<>(held);
                all.set(
                        all.indexOf(o),
                        new HookObservation(o.frameNumber(), o.timestampNanos(), hook, id, true, o.packet()));
                held.clear();
                held.addAll(all);
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        frames.close();
    }
}
