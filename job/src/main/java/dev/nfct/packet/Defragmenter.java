package dev.nfct.packet;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reassembles IPv4 and IPv6 fragments before conntrack, as the kernel's defragmentation hook does:
 * conntrack only ever sees whole datagrams. Not thread-safe; one instance per capture or stream.
 */
public final class Defragmenter {
    private static final int[] NO_FRAMES = new int[0];

    /**
     * A datagram ready for conntrack.
     *
     * @param frameNumber    frame of the offset-0 fragment (or of the datagram itself if unfragmented)
     * @param absorbedFrames the other fragments' frames, ascending; empty for unfragmented datagrams
     */
    public record Datagram(byte[] buf, int offset, int length, int frameNumber, int[] absorbedFrames) {
    }

    private record Key(int version, long srcHi, long srcLo, long dstHi, long dstLo, long id, int protocol) {
    }

    private final Map<Key, FragmentQueue> queues = new HashMap<>();

    /**
     * Feeds one IP datagram as captured.
     *
     * @return the same bytes (not copied) when it is not a fragment; the reassembled datagram when
     *         this fragment completes one; null while the fragment is held waiting for the others
     */
    public Datagram offer(byte[] buf, int off, int len, int frameNumber) {
        if (len < 1) {
            return new Datagram(buf, off, len, frameNumber, NO_FRAMES);
        }
        int version = (buf[off] & 0xff) >>> 4;
        Key key = version == 4 ? addIpv4Fragment(buf, off, len, frameNumber)
                : version == 6 ? addIpv6Fragment(buf, off, len, frameNumber) : null;
        if (key == null) {
            return new Datagram(buf, off, len, frameNumber, NO_FRAMES);
        }
        return releaseIfComplete(key);
    }

    /** Frames of datagrams still incomplete, ascending: they never reach conntrack. */
    public List<Integer> heldFrames() {
        List<Integer> all = new ArrayList<>();
        queues.values().forEach(q -> all.addAll(q.frames()));
        Collections.sort(all);
        return all;
    }

    /** Queues the datagram if it is an IPv4 fragment and returns its key; null if it is not one. */
    private Key addIpv4Fragment(byte[] b, int off, int len, int frame) {
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
        Key key = new Key(4, 0, Bytes.u32(b, off + 12), 0, Bytes.u32(b, off + 16), Bytes.u16(b, off + 4),
                Bytes.u8(b, off + 9));
        queues.computeIfAbsent(key, k -> new FragmentQueue(false)).add(frame, offset, more, b, off,
                headerLength, off + headerLength, len - headerLength, 0, 0);
        return key;
    }

    /** Queues the datagram if it is an IPv6 fragment and returns its key; null if it is not one. */
    private Key addIpv6Fragment(byte[] b, int off, int len, int frame) {
        if (len < 40) {
            return null;
        }
        int end = off + len;
        int nextHeaderAt = off + 6;
        int pos = off + 40;
        while (Bytes.u8(b, nextHeaderAt) != Ipv6Headers.FRAGMENT) {
            int nh = Bytes.u8(b, nextHeaderAt);
            int hl = Ipv6Headers.isExtension(nh) ? Ipv6Headers.length(nh, b, pos, end) : -1;
            if (hl < 0 || pos + hl > end) {
                return null; // no fragment header in the chain
            }
            nextHeaderAt = pos;
            pos += hl;
        }
        if (pos + 8 > end) {
            return null;
        }
        int field = Bytes.u16(b, pos + 2);
        boolean more = (field & 1) != 0;
        int offset = field & 0xfff8;
        if (!more && offset == 0) {
            return null; // an "atomic" fragment is a whole datagram; conntrack walks past the header
        }
        Key key = new Key(6, Bytes.u64(b, off + 8), Bytes.u64(b, off + 16), Bytes.u64(b, off + 24),
                Bytes.u64(b, off + 32), Bytes.u32(b, pos + 4), 0);
        queues.computeIfAbsent(key, k -> new FragmentQueue(true)).add(frame, offset, more, b, off,
                pos - off, pos + 8, end - pos - 8, nextHeaderAt - off, Bytes.u8(b, pos));
        return key;
    }

    private Datagram releaseIfComplete(Key key) {
        FragmentQueue q = queues.get(key);
        if (!q.complete()) {
            return null;
        }
        queues.remove(key);
        byte[] whole = q.reassemble();
        int first = q.firstFrame();
        int[] absorbed = q.frames().stream().mapToInt(Integer::intValue).filter(f -> f != first).sorted().toArray();
        return new Datagram(whole, 0, whole.length, first, absorbed);
    }
}
