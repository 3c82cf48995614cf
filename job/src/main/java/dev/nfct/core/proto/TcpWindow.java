package dev.nfct.core.proto;

import dev.nfct.core.Packet;

/**
 * The window check: is a segment plausible given what both sides have sent, acknowledged and
 * advertised so far? On success the per-direction window data is updated from the segment.
 *
 * <p>Sequence arithmetic is modulo 2^32 on {@code long}s that hold unsigned 32-bit values.
 */
final class TcpWindow {
    static final int ACCEPT = 0;
    static final int IGNORE = 1;
    static final int INVALID = 2;

    /** The lower bound of acceptable acks is never closer than this to the receiver's end. */
    private static final long MIN_ACK_WINDOW = 66000;
    private static final long MASK = 0xffffffffL;
    private static final int MAX_WSCALE = 14;

    private TcpWindow() {
    }

    // ------------------------------------------------------------------ modular comparisons

    /** {@code a} comes strictly before {@code b} in 32-bit sequence space. */
    static boolean before(long a, long b) {
        return (int) (a - b) < 0;
    }

    /** {@code a} comes strictly after {@code b} in 32-bit sequence space. */
    static boolean after(long a, long b) {
        return (int) (b - a) < 0;
    }

    static long u32(long v) {
        return v & MASK;
    }

    /** The sequence number just past the segment: seq + payload, plus one each for SYN and FIN. */
    static long segmentEnd(Packet p) {
        long end = p.tcpSeq + p.tcpPayloadLength();
        if ((p.tcpFlags & Packet.TH_SYN) != 0) {
            end++;
        }
        if ((p.tcpFlags & Packet.TH_FIN) != 0) {
            end++;
        }
        return end & MASK;
    }

    /** Takes the SYN options (window scale, SACK permitted) of a segment into a direction's data. */
    static void parseOptions(Packet p, TcpState.Side side) {
        if (p.tcpSackPerm) {
            side.flags |= TcpState.F_SACK_PERM;
        }
        if (p.tcpWscale >= 0) {
            side.tdScale = Math.min(p.tcpWscale, MAX_WSCALE);
            side.flags |= TcpState.F_WINDOW_SCALE;
        }
    }

    /** First SYN (or SYN-ACK) of a direction: its end and window are all we know. */
    private static void initSender(TcpState.Side sender, TcpState.Side receiver, Packet p, long end, int dir) {
        sender.tdEnd = end;
        sender.tdMaxend = end;
        sender.tdMaxwin = p.tcpWindow == 0 ? 1 : p.tcpWindow;
        parseOptions(p, sender);
        // Scaling is only in force when both SYNs offered it.
        if (dir == 1 && ((sender.flags & TcpState.F_WINDOW_SCALE) == 0
                || (receiver.flags & TcpState.F_WINDOW_SCALE) == 0)) {
            sender.tdScale = 0;
            receiver.tdScale = 0;
        }
    }

    private static long maxAckWindow(TcpState.Side sender) {
        return Math.max(sender.tdMaxwin, MIN_ACK_WINDOW);
    }

    /**
     * Checks one segment of class {@code cls} sent in direction {@code dir} and, when it is
     * acceptable, updates the window data.
     *
     * @param globalLiberal the be_liberal sysctl: window failures become ACCEPT (without the
     *                      updates); the sender's BE_LIBERAL flag has the same effect
     * @return {@link #ACCEPT}, {@link #IGNORE} or {@link #INVALID}
     */
    static int check(TcpState st, int dir, int cls, Packet p, boolean globalLiberal) {
        TcpState.Side sender = st.seen(dir);
        TcpState.Side receiver = st.seen(dir ^ 1);
        final int flags = p.tcpFlags;
        final boolean syn = (flags & Packet.TH_SYN) != 0;
        final boolean hasAck = (flags & Packet.TH_ACK) != 0;
        final boolean rst = (flags & Packet.TH_RST) != 0;

        long seq = p.tcpSeq & MASK;
        long ack = p.tcpAck & MASK;
        long sack = ack;
        if ((receiver.flags & TcpState.F_SACK_PERM) != 0 && p.tcpHasSack) {
            // The SACK fold (see Packet#tcpSackMax) already started from the ack number; it may
            // end "before" the ack (blocks ~2^31 away), and then it is used as it is.
            sack = p.tcpSackMax & MASK;
        }
        long end = segmentEnd(p);
        final int rawWin = p.tcpWindow & 0xffff;
        long win = rawWin;

        // ---------------------------------------------------------- W0: initialisation
        if (sender.tdMaxwin == 0) {
            if (syn) {
                initSender(sender, receiver, p, end, dir);
                if (!hasAck) {
                    return ACCEPT; // simultaneous open: nothing more to check
                }
            } else {
                // Picked up mid-stream: build the window data from this segment.
                sender.tdEnd = end;
                long swin = u32(win << sender.tdScale);
                sender.tdMaxwin = swin == 0 ? 1 : swin;
                sender.tdMaxend = u32(end + sender.tdMaxwin);
                if (receiver.tdMaxwin == 0) {
                    receiver.tdEnd = sack;
                    receiver.tdMaxend = sack;
                } else if (sack == u32(receiver.tdEnd + 1)) {
                    receiver.tdEnd = u32(receiver.tdEnd + 1); // answer to a keep-alive
                }
            }
        } else if (syn && after(end, sender.tdEnd)
                && (st.state == TcpState.SYN_SENT || st.state == TcpState.SYN_RECV)) {
            // A retried SYN with a new initial sequence number or new options.
            initSender(sender, receiver, p, end, dir);
            if (dir == 1 && !hasAck) {
                return ACCEPT;
            }
        }

        // ---------------------------------------------------------- W1: normalise
        if (!hasAck || (rst && ack == 0)) {
            ack = receiver.tdEnd;
            sack = receiver.tdEnd;
        }
        if (rst && seq == 0 && st.state == TcpState.SYN_SENT) {
            seq = sender.tdEnd;
            end = sender.tdEnd;
        }

        // ---------------------------------------------------------- W2: checks
        boolean liberal = globalLiberal || (sender.flags & TcpState.F_BE_LIBERAL) != 0;
        if (after(seq, sender.tdMaxend)) {
            long overshoot = u32(end - sender.tdMaxend + 1);
            boolean plausible = receiver.tdMaxwin != 0
                    && !before(end, u32(sender.tdEnd - receiver.tdMaxwin))
                    && !before(sack, u32(receiver.tdEnd - maxAckWindow(sender)))
                    && !after(sack, receiver.tdEnd)
                    && overshoot <= receiver.tdMaxwin;
            if (plausible) {
                // More than the window allowed, but plausibly so ("N bytes more than expected").
                sender.tdEnd = end;
                sender.flags |= TcpState.F_DATA_UNACKNOWLEDGED;
                return liberal ? ACCEPT : IGNORE;
            }
            return liberal ? ACCEPT : INVALID; // SEQ over upper bound
        }
        if (after(sack, receiver.tdEnd)) {
            return liberal ? ACCEPT : INVALID; // ACK over upper bound (acks data not seen yet)
        }
        if (receiver.tdMaxwin != 0 && before(end, u32(sender.tdEnd - receiver.tdMaxwin))) {
            return liberal ? ACCEPT : IGNORE; // SEQ under lower bound (old retransmission)
        }
        if (before(sack, u32(receiver.tdEnd - maxAckWindow(sender)))) {
            return liberal ? ACCEPT : IGNORE; // ACK under lower bound
        }

        // ---------------------------------------------------------- W3: update
        if (!syn) {
            win = u32(win << sender.tdScale);
        }
        long swin = u32(win + (sack - ack));
        if (sender.tdMaxwin < swin) {
            sender.tdMaxwin = swin;
        }
        if (after(end, sender.tdEnd)) {
            sender.tdEnd = end;
            sender.flags |= TcpState.F_DATA_UNACKNOWLEDGED;
        }
        if (hasAck) {
            if ((sender.flags & TcpState.F_MAXACK_SET) == 0) {
                sender.tdMaxack = ack;
                sender.flags |= TcpState.F_MAXACK_SET;
            } else if (after(ack, sender.tdMaxack)) {
                sender.tdMaxack = ack;
            }
        }
        if (receiver.tdMaxwin != 0 && after(end, sender.tdMaxend)) {
            receiver.tdMaxwin = u32(receiver.tdMaxwin + (end - sender.tdMaxend));
        }
        long edge = u32(sack + win);
        if (!before(edge, receiver.tdMaxend)) {
            receiver.tdMaxend = win == 0 ? u32(edge + 1) : edge;
        }
        if (ack == receiver.tdEnd) {
            receiver.flags &= ~TcpState.F_DATA_UNACKNOWLEDGED;
        }

        // ---------------------------------------------------------- W4: retransmissions
        if (cls == TcpTables.C_ACK) {
            if (st.lastDir == dir && st.lastSeq == seq && st.lastAck == ack && st.lastEnd == end
                    && st.lastWin == rawWin) {
                st.retrans++;
            } else {
                st.lastDir = dir;
                st.lastSeq = seq;
                st.lastAck = ack;
                st.lastEnd = end;
                st.lastWin = rawWin;
                st.retrans = 0;
            }
        }
        return ACCEPT;
    }
}
