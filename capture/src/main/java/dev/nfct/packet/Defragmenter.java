package dev.nfct.packet;

import dev.nfct.core.Packet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reassembles IPv4 and IPv6 fragments before conntrack, as the kernel's defragmentation hook does:
 * conntrack only ever sees whole datagrams. Not thread-safe; one instance per capture or stream.
 *
 * <p>Bounded as the kernel's reassembly is: a datagram still incomplete when its first fragment
 * is older than the timeout (30 s for IPv4, the {@code ipfrag_time} default; 60 s for IPv6, the
 * {@code nf_conntrack_frag6_timeout} default) is given up, and a fragment that would take the
 * bytes held past the memory limit (4 MiB, the default high threshold of both) is dropped.
 * Fragments given up on never reach conntrack; {@link #heldFrames()} lists them with the ones
 * still waiting. Time is whatever the caller passes, the capture's own clock in a replay, and
 * {@link #NO_EXPIRY} for a replay at top speed, where the kernel would see every fragment within
 * a fraction of a second.
 */
public final class Defragmenter {
    /** A time for {@link #offer} that never expires a datagram. */
    public static final long NO_EXPIRY = Long.MIN_VALUE;

    public static final long DEFAULT_MEMORY_LIMIT = 4L << 20;
    public static final long IPV4_TIMEOUT_NANOS = 30_000_000_000L;
    public static final long IPV6_TIMEOUT_NANOS = 60_000_000_000L;

    private static final int[] NO_FRAMES = new int[0];

    /**
     * A datagram ready for conntrack.
     *
     * @param frameNumber    frame of the offset-0 fragment (or of the datagram itself if unfragmented)
     * @param absorbedFrames the other fragments' frames, ascending; empty for unfragmented datagrams
     */
    /**
     * A datagram as conntrack sees it. {@code droppedBeforeConfirm}: reassembly put a hop-by-hop
     * header first whose options the kernel refuses; it checks them again after conntrack has
     * seen the datagram, and drops it there, before the confirm (observed on 6.18: ct state new,
     * yet no entry and no event).
     */
    public record Datagram(
            byte[] buf, int offset, int length, int frameNumber, int[] absorbedFrames, boolean droppedBeforeConfirm) {
        Datagram(byte[] buf, int offset, int length, int frameNumber, int[] absorbedFrames) {
            this(buf, offset, length, frameNumber, absorbedFrames, false);
        }
    }

    private record Key(int version, long srcHi, long srcLo, long dstHi, long dstLo, long id, int protocol) {}

    /** What the fragment adders return for a fragment dropped over the memory limit. */
    private static final Key DROPPED = new Key(0, 0, 0, 0, 0, 0, 0);

    // One map per IP version, each in order of creation, so that the oldest queue is at the head
    // and expiry looks only at heads (each version has one timeout).
    private final Map<Key, FragmentQueue> queues4 = new LinkedHashMap<>();
    private final Map<Key, FragmentQueue> queues6 = new LinkedHashMap<>();
    private final long memoryLimit;
    private long heldBytes;
    /** Frames of fragments dropped or of datagrams given up on. */
    private final List<Integer> givenUp = new ArrayList<>();

    public Defragmenter() {
        this(DEFAULT_MEMORY_LIMIT);
    }

    /** @param memoryLimit bytes of fragments held at most, counted as their IP lengths */
    public Defragmenter(long memoryLimit) {
        this.memoryLimit = memoryLimit;
    }

    /** {@link #offer(byte[], int, int, int, long)} without expiry. */
    public Datagram offer(byte[] buf, int off, int len, int frameNumber) {
        return offer(buf, off, len, frameNumber, NO_EXPIRY);
    }

    /**
     * Feeds one IP datagram as captured at time {@code now} (ns), first giving up on the
     * datagrams whose time is out.
     *
     * @return the same bytes (not copied) when it is not a fragment; the reassembled datagram when
     *         this fragment completes one; null while the fragment is held waiting for the others,
     *         or dropped
     */
    public Datagram offer(byte[] buf, int off, int len, int frameNumber, long now) {
        if (now != NO_EXPIRY) {
            expire(queues4, now);
            expire(queues6, now);
        }
        if (len < 1) {
            return new Datagram(buf, off, len, frameNumber, NO_FRAMES);
        }
        int version = (buf[off] & 0xff) >>> 4;
        Key key = version == 4
                ? addIpv4Fragment(buf, off, len, frameNumber, now)
                : version == 6 ? addIpv6Fragment(buf, off, len, frameNumber, now) : null;
        if (key == null) {
            return new Datagram(buf, off, len, frameNumber, NO_FRAMES);
        }
        return key == DROPPED ? null : releaseIfComplete(key);
    }

    /**
     * Frames of fragments that have not reached conntrack, ascending: those of datagrams still
     * incomplete, of datagrams given up on, and fragments dropped over the memory limit.
     */
    public List<Integer> heldFrames() {
        List<Integer> all = new ArrayList<>(givenUp);
        queues4.values().forEach(q -> all.addAll(q.frames()));
        queues6.values().forEach(q -> all.addAll(q.frames()));
        Collections.sort(all);
        return all;
    }

    /** Bytes of fragments held now (their IP lengths). */
    public long heldBytes() {
        return heldBytes;
    }

    private void expire(Map<Key, FragmentQueue> queues, long now) {
        for (Iterator<FragmentQueue> it = queues.values().iterator(); it.hasNext(); ) {
            FragmentQueue q = it.next();
            if (q.deadline() > now) {
                return;
            }
            it.remove();
            heldBytes -= q.bytes();
            givenUp.addAll(q.frames());
        }
    }

    /**
     * Whether a fragment of {@code len} bytes fits under the memory limit; when it does not, it is
     * dropped (its frame given up on), as the kernel drops fragments above its high threshold.
     */
    private boolean admit(int len, int frame) {
        if (heldBytes + len > memoryLimit) {
            givenUp.add(frame);
            return false;
        }
        heldBytes += len;
        return true;
    }

    private FragmentQueue queue(Map<Key, FragmentQueue> queues, Key key, boolean ipv6, long now) {
        FragmentQueue q = queues.get(key);
        if (q == null) {
            long timeout = ipv6 ? IPV6_TIMEOUT_NANOS : IPV4_TIMEOUT_NANOS;
            q = new FragmentQueue(ipv6, now == NO_EXPIRY ? Long.MAX_VALUE : now + timeout);
            queues.put(key, q);
        }
        return q;
    }

    /** Queues the datagram if it is an IPv4 fragment and returns its key; null if it is not one, {@link #DROPPED} if dropped. */
    private Key addIpv4Fragment(byte[] b, int off, int len, int frame, long now) {
        int headerLength = (b[off] & 0x0f) * 4;
        if (len < 20 || headerLength < 20 || headerLength > len) {
            return null; // not decodable: let the decoder report it
        }
        int field = Bytes.u16(b, off + 6);
        boolean more = (field & 0x2000) != 0;
        int offset = (field & 0x1fff) * 8;
        if (!more && offset == 0) {
            return null;
        }
        Key key = new Key(
                4, 0, Bytes.u32(b, off + 12), 0, Bytes.u32(b, off + 16), Bytes.u16(b, off + 4), Bytes.u8(b, off + 9));
        if (!admit(len, frame)) {
            return DROPPED;
        }
        FragmentQueue q = queue(queues4, key, false, now);
        q.add(frame, len, offset, more, b, off, headerLength, off + headerLength, len - headerLength, 0, 0);
        return dropIfOverlapped(queues4, key, q);
    }

    /** Queues the datagram if it is an IPv6 fragment and returns its key; null if it is not one, {@link #DROPPED} if dropped. */
    private Key addIpv6Fragment(byte[] b, int off, int len, int frame, long now) {
        if (len < 40 || Bytes.u16(b, off + 4) == 0) {
            return null; // payload length 0 (a jumbogram, or cut to its header): not defragmented
        }
        int end = off + len;
        int nextHeaderAt = off + 6;
        int pos = off + 40;
        // Like the kernel's, the walk needs only each header's next-header and length bytes.
        while (Bytes.u8(b, nextHeaderAt) != Ipv6Headers.FRAGMENT) {
            int nh = Bytes.u8(b, nextHeaderAt);
            int hl = Ipv6Headers.isExtension(nh) ? Ipv6Headers.length(nh, b, pos, end) : -1;
            if (hl < 0) {
                return null; // no fragment header in the chain
            }
            nextHeaderAt = pos;
            pos += hl;
        }
        // A fragment header cut short, as observed on 6.18: one that starts past the data (the
        // chain ran past it before) is not defragmented and conntrack calls the packet invalid;
        // one with 0 to 3 of its bytes drops the packet; one with its first 4 (next header and
        // offset) but not its identification is not defragmented either.
        if (pos > end) {
            return null;
        }
        if (pos + 4 > end) {
            givenUp.add(frame);
            return DROPPED;
        }
        // Nothing after the fragment header (or the header itself cut), while it announces another
        // extension header or nothing (59): the kernel drops a first or atomic fragment like that
        // (observed on 6.18; one announcing a protocol passes, unreassembled, and so does one
        // whose next header has a byte or more, to be called invalid).
        int announced = Bytes.u8(b, pos);
        boolean announcesAHeader = Ipv6Headers.isExtension(announced) || announced == Packet.IPPROTO_NONE_V6;
        if (pos + 8 > end) {
            if (announcesAHeader) {
                givenUp.add(frame);
                return DROPPED;
            }
            return null;
        }
        int field = Bytes.u16(b, pos + 2);
        boolean more = (field & 1) != 0;
        int offset = field & 0xfff8;
        if (offset == 0 && pos + 8 == end && announcesAHeader) {
            givenUp.add(frame);
            return DROPPED;
        }
        // An "atomic" fragment (offset 0, no more fragments) goes through reassembly like any
        // other and completes at once: the kernel counts it without its fragment header (observed
        // on 6.18 with the kernel runner).
        if (offset == 0 && transportHeaderCutShort(b, pos, end)) {
            // The kernel does not queue such a first fragment: it reaches conntrack as it is, which
            // calls it invalid, and the rest of its datagram never completes (observed on 6.18).
            return null;
        }
        Key key = new Key(
                6,
                Bytes.u64(b, off + 8),
                Bytes.u64(b, off + 16),
                Bytes.u64(b, off + 24),
                Bytes.u64(b, off + 32),
                Bytes.u32(b, pos + 4),
                0);
        if (!admit(len, frame)) {
            return DROPPED;
        }
        FragmentQueue q = queue(queues6, key, true, now);
        q.add(
                frame,
                len,
                offset,
                more,
                b,
                off,
                pos - off,
                pos + 8,
                end - pos - 8,
                nextHeaderAt - off,
                Bytes.u8(b, pos));
        return dropIfOverlapped(queues6, key, q);
    }

    /**
     * A datagram one of whose fragments overlapped another is dropped whole, as the kernel drops
     * it (observed on 6.18, IPv4 and IPv6): none of its frames reaches conntrack, and a later
     * fragment with the same id starts a new datagram.
     */
    private Key dropIfOverlapped(Map<Key, FragmentQueue> queues, Key key, FragmentQueue q) {
        if (!q.overlapped()) {
            return key;
        }
        queues.remove(key);
        heldBytes -= q.bytes();
        givenUp.addAll(q.frames());
        return DROPPED;
    }

    /**
     * Whether an IPv6 first fragment (fragment header at {@code fragmentHeader}) ends before the
     * transport header it should hold: its extension headers run past it, or it has fewer than
     * the 20 bytes of a TCP header or the 8 of a UDP, UDP-Lite or ICMPv6 one, or no byte at all of
     * another protocol (thresholds observed with the kernel runner: TCP with 8 and 16 bytes refused,
     * 24 taken; UDP with none refused; ICMPv6 with 8 taken; GRE with 3 taken, with none refused).
     */
    static boolean transportHeaderCutShort(byte[] b, int fragmentHeader, int end) {
        int nh = Bytes.u8(b, fragmentHeader);
        int pos = fragmentHeader + 8;
        // The walk goes on through a further fragment header with offset 0, as conntrack's does.
        while (Ipv6Headers.isExtension(nh)) {
            int hl = Ipv6Headers.length(nh, b, pos, end);
            if (hl < 0 || pos + hl > end) {
                return true;
            }
            if (nh == Ipv6Headers.FRAGMENT && (Bytes.u16(b, pos + 2) & 0xfff8) != 0) {
                break;
            }
            nh = Bytes.u8(b, pos);
            pos += hl;
        }
        if (nh == Packet.IPPROTO_NONE_V6) {
            return false; // nothing is announced, so nothing can be missing
        }
        int needed = switch (nh) {
            case Packet.IPPROTO_TCP -> 20;
            case Packet.IPPROTO_UDP, Packet.IPPROTO_UDPLITE, Packet.IPPROTO_ICMPV6 -> 8;
            // Any other protocol needs one byte of its own: an atomic fragment of GRE, ESP or
            // protocol 253 with none is counted whole, fragment header and all (observed on 6.18).
            default -> 1;
        };
        return end - pos < needed;
    }

    private Datagram releaseIfComplete(Key key) {
        Map<Key, FragmentQueue> queues = key.version() == 6 ? queues6 : queues4;
        FragmentQueue q = queues.get(key);
        if (!q.complete()) {
            return null;
        }
        queues.remove(key);
        heldBytes -= q.bytes();
        byte[] whole = q.reassemble();
        int first = q.firstFrame();
        int[] absorbed = q.frames().stream()
                .mapToInt(Integer::intValue)
                .filter(f -> f != first)
                .sorted()
                .toArray();
        boolean refused =
                key.version() == 6 && Ipv6InputChecks.datagramLength(whole, 0, whole.length) == Ipv6InputChecks.DROPPED;
        return new Datagram(whole, 0, whole.length, first, absorbed, refused);
    }
}
