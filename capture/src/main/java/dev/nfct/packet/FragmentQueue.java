package dev.nfct.packet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The fragments of one not-yet-complete datagram, in arrival order. */
final class FragmentQueue {
    private record Piece(int offset, byte[] data) {}

    private final boolean ipv6;
    private final List<Integer> frames = new ArrayList<>();
    private final List<Piece> pieces = new ArrayList<>();
    /**
     * What the pieces cover, as closed intervals start → end merged when they overlap or touch, so
     * that a fragment costs a logarithmic update instead of a sort of every piece held. Complete
     * means one run from 0 reaching the end (a piece beyond a gap keeps it incomplete).
     */
    private final TreeMap<Integer, Integer> runs = new TreeMap<>();
    /** Payload length of the whole datagram, known once the last fragment (no more-fragments flag) arrived. */
    private int payloadEnd = -1;
    /** IPv4 header, or IPv6 header plus unfragmentable extension headers, of the offset-0 fragment. */
    private byte[] head;
    /** IPv6: where in {@link #head} the next-header byte naming the fragment header sits, and its replacement. */
    private int nextHeaderAt, nextHeader;

    private int firstFrame;
    /** When the datagram is given up on (ns), from its first fragment's arrival. */
    private final long deadline;
    /** IP lengths of the fragments held, for the memory limit. */
    private long bytes;
    /** A fragment overlapped another: the kernel drops the whole datagram. */
    private boolean overlapped;
    /**
     * The kernel's view for telling duplicates from overlaps: runs of fragments (start → end).
     * A fragment that arrives right at the end of the furthest one extends that one's run; any
     * other starts a run of its own. A fragment inside one run is a duplicate, dropped alone;
     * one that overlaps a run without fitting inside it drops the datagram (observed on 6.18).
     */
    private final TreeMap<Integer, Integer> kernelRuns = new TreeMap<>();
    /** End of the furthest-reaching fragment so far (-1 before the first), and its run's start. */
    private int tailEnd = -1, tailRunStart;

    FragmentQueue(boolean ipv6, long deadline) {
        this.ipv6 = ipv6;
        this.deadline = deadline;
    }

    long deadline() {
        return deadline;
    }

    long bytes() {
        return bytes;
    }

    /**
     * Records one fragment. Pieces the kernel would refuse (a non-final piece that is not a multiple of
     * 8 bytes, a second different final length, a datagram that would exceed 64 KiB) still belong to
     * the datagram's frames but contribute no bytes.
     *
     * @param ipLength   the fragment's whole length as captured, charged to the memory limit
     * @param headLength bytes before the fragment payload in {@code buf} (from {@code headStart})
     */
    void add(
            int frame,
            int ipLength,
            int offset,
            boolean more,
            byte[] buf,
            int headStart,
            int headLength,
            int payloadStart,
            int payloadLength,
            int fragmentNextHeaderAt,
            int fragmentNextHeader) {
        frames.add(frame);
        bytes += ipLength;
        int end = offset + payloadLength;
        int wholeLength = ipv6 ? headLength - 40 + end : headLength + end;
        if ((more && payloadLength % 8 != 0)
                || wholeLength > 0xFFFF
                || (!more && payloadEnd >= 0 && payloadEnd != end)) {
            return;
        }
        if (!more) {
            payloadEnd = end;
        }
        if (offset == 0 && head == null) {
            head = Arrays.copyOfRange(buf, headStart, headStart + headLength);
            nextHeaderAt = fragmentNextHeaderAt;
            nextHeader = fragmentNextHeader;
            firstFrame = frame;
        }
        if (!placeInRuns(offset, end)) {
            return; // a duplicate (dropped alone), or an overlap (the datagram is dropped)
        }
        byte[] data = new byte[payloadLength];
        System.arraycopy(buf, payloadStart, data, 0, payloadLength);
        pieces.add(new Piece(offset, data));
        cover(offset, end);
    }

    /** Places [offset, end) among the runs; false for a duplicate or an overlap (then flagged). */
    private boolean placeInRuns(int offset, int end) {
        if (tailEnd < 0 || end > tailEnd) {
            if (offset < tailEnd) {
                overlapped = true;
                return false;
            }
            if (offset == tailEnd) {
                kernelRuns.put(tailRunStart, end);
            } else {
                kernelRuns.put(offset, end);
                tailRunStart = offset;
            }
            tailEnd = end;
            return true;
        }
        Map.Entry<Integer, Integer> run = kernelRuns.lowerEntry(end);
        if (run != null && run.getValue() > offset) {
            if (offset >= run.getKey() && end <= run.getValue()) {
                return false; // inside one run: a duplicate
            }
            overlapped = true;
            return false;
        }
        kernelRuns.put(offset, end);
        return true;
    }

    /** Whether a fragment overlapped another (not an exact copy of it): the datagram is dropped. */
    boolean overlapped() {
        return overlapped;
    }

    private void cover(int start, int end) {
        Map.Entry<Integer, Integer> before = runs.floorEntry(start);
        if (before != null && before.getValue() >= start) {
            start = before.getKey();
            end = Math.max(end, before.getValue());
            runs.remove(start);
        }
        for (Map.Entry<Integer, Integer> next = runs.ceilingEntry(start);
                next != null && next.getKey() <= end;
                next = runs.ceilingEntry(start)) {
            end = Math.max(end, next.getValue());
            runs.remove(next.getKey());
        }
        runs.put(start, end);
    }

    boolean complete() {
        return payloadEnd >= 0
                && head != null
                && runs.size() == 1
                && runs.firstKey() == 0
                && runs.firstEntry().getValue() >= payloadEnd;
    }

    List<Integer> frames() {
        return frames;
    }

    int firstFrame() {
        return firstFrame;
    }

    /** Builds the whole datagram; only valid once {@link #complete()}. */
    byte[] reassemble() {
        byte[] out = new byte[head.length + payloadEnd];
        System.arraycopy(head, 0, out, 0, head.length);
        // Copy the latest arrivals first so that earlier copies overwrite them: on overlap the
        // first-received bytes win.
        for (int i = pieces.size() - 1; i >= 0; i--) {
            Piece p = pieces.get(i);
            int n = Math.min(p.data().length, payloadEnd - p.offset());
            if (n > 0) {
                System.arraycopy(p.data(), 0, out, head.length + p.offset(), n);
            }
        }
        if (ipv6) {
            out[nextHeaderAt] = (byte) nextHeader;
            Bytes.put16(out, 4, out.length - 40);
        } else {
            Bytes.put16(out, 2, out.length);
            Bytes.put16(out, 6, Bytes.u16(out, 6) & 0x4000); // keep DF, clear MF and the offset
            Bytes.put16(out, 10, 0);
            Bytes.put16(out, 10, Ipv4Checksum.of(out, 0, head.length));
        }
        return out;
    }
}
