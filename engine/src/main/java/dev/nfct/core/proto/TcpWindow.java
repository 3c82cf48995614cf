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
    static final int MAX_WSCALE = 14;

    private TcpWindow() {}

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
    static void parseOptions(Packet p, TcpConn st, int side) {
        if (p.tcpSackPerm) {
            st.addFlags(side, TcpState.F_SACK_PERM);
        }
        if (p.tcpWscale >= 0) {
            st.setTdScale(side, Math.min(p.tcpWscale, MAX_WSCALE));
            st.addFlags(side, TcpState.F_WINDOW_SCALE);
        }
    }

    /** First SYN (or SYN-ACK) of a direction: its end and window are all we know. */
    private static void initSender(TcpConn st, int sender, int receiver, Packet p, long end, int dir) {
        st.setTdEnd(sender, end);
        st.setTdMaxend(sender, end);
        st.setTdMaxwin(sender, p.tcpWindow == 0 ? 1 : p.tcpWindow);
        parseOptions(p, st, sender);
        // Scaling is only in force when both SYNs offered it.
        if (dir == 1
                && ((st.flags(sender) & TcpState.F_WINDOW_SCALE) == 0
                        || (st.flags(receiver) & TcpState.F_WINDOW_SCALE) == 0)) {
            st.setTdScale(sender, 0);
            st.setTdScale(receiver, 0);
        }
    }

    private static long maxAckWindow(TcpConn st, int sender) {
        return Math.max(st.tdMaxwin(sender), MIN_ACK_WINDOW);
    }

    /**
     * Checks one segment of class {@code cls} sent in direction {@code dir} and, when it is
     * acceptable, updates the window data.
     *
     * @param globalLiberal the be_liberal sysctl: window failures become ACCEPT (without the
     *                      updates); the sender's BE_LIBERAL flag has the same effect
     * @return {@link #ACCEPT}, {@link #IGNORE} or {@link #INVALID}
     */
    static int check(TcpConn st, int dir, int cls, Packet p, boolean globalLiberal) {
        final int sender = dir;
        final int receiver = dir ^ 1;
        final int flags = p.tcpFlags;
        final boolean syn = (flags & Packet.TH_SYN) != 0;
        final boolean hasAck = (flags & Packet.TH_ACK) != 0;
        final boolean rst = (flags & Packet.TH_RST) != 0;

        long seq = p.tcpSeq & MASK;
        long ack = p.tcpAck & MASK;
        long sack = ack;
        if ((st.flags(receiver) & TcpState.F_SACK_PERM) != 0 && p.tcpHasSack) {
            // The SACK fold (see Packet#tcpSackMax) already started from the ack number; it may
            // end "before" the ack (blocks ~2^31 away), and then it is used as it is.
            sack = p.tcpSackMax & MASK;
        }
        long end = segmentEnd(p);
        final int rawWin = p.tcpWindow & 0xffff;
        long win = rawWin;

        // ---------------------------------------------------------- W0: initialisation
        if (st.tdMaxwin(sender) == 0) {
            if (syn) {
                initSender(st, sender, receiver, p, end, dir);
                if (!hasAck) {
                    return ACCEPT; // simultaneous open: nothing more to check
                }
            } else {
                // Picked up mid-stream: build the window data from this segment.
                st.setTdEnd(sender, end);
                long swin = u32(win << st.tdScale(sender));
                st.setTdMaxwin(sender, swin == 0 ? 1 : swin);
                st.setTdMaxend(sender, u32(end + st.tdMaxwin(sender)));
                if (st.tdMaxwin(receiver) == 0) {
                    st.setTdEnd(receiver, sack);
                    st.setTdMaxend(receiver, sack);
                } else if (sack == u32(st.tdEnd(receiver) + 1)) {
                    st.setTdEnd(receiver, u32(st.tdEnd(receiver) + 1)); // answer to a keep-alive
                }
            }
        } else if (syn
                && after(end, st.tdEnd(sender))
                && (st.state == TcpState.SYN_SENT || st.state == TcpState.SYN_RECV)) {
            // A retried SYN with a new initial sequence number or new options.
            initSender(st, sender, receiver, p, end, dir);
            if (dir == 1 && !hasAck) {
                return ACCEPT;
            }
        }

        // ---------------------------------------------------------- W1: normalise
        if (!hasAck || (rst && ack == 0)) {
            ack = st.tdEnd(receiver);
            sack = st.tdEnd(receiver);
        }
        if (rst && seq == 0 && st.state == TcpState.SYN_SENT) {
            seq = st.tdEnd(sender);
            end = st.tdEnd(sender);
        }

        // ---------------------------------------------------------- W2: checks
        boolean liberal = globalLiberal || (st.flags(sender) & TcpState.F_BE_LIBERAL) != 0;
        if (after(seq, st.tdMaxend(sender))) {
            long overshoot = u32(end - st.tdMaxend(sender) + 1);
            boolean plausible = st.tdMaxwin(receiver) != 0
                    && !before(end, u32(st.tdEnd(sender) - st.tdMaxwin(receiver)))
                    && !before(sack, u32(st.tdEnd(receiver) - maxAckWindow(st, sender)))
                    && !after(sack, st.tdEnd(receiver))
                    && overshoot <= st.tdMaxwin(receiver);
            if (plausible) {
                // More than the window allowed, but plausibly so ("N bytes more than expected").
                st.setTdEnd(sender, end);
                st.addFlags(sender, TcpState.F_DATA_UNACKNOWLEDGED);
                return liberal ? ACCEPT : IGNORE;
            }
            return liberal ? ACCEPT : INVALID; // SEQ over upper bound
        }
        if (after(sack, st.tdEnd(receiver))) {
            return liberal ? ACCEPT : INVALID; // ACK over upper bound (acks data not seen yet)
        }
        if (st.tdMaxwin(receiver) != 0 && before(end, u32(st.tdEnd(sender) - st.tdMaxwin(receiver)))) {
            return liberal ? ACCEPT : IGNORE; // SEQ under lower bound (old retransmission)
        }
        if (before(sack, u32(st.tdEnd(receiver) - maxAckWindow(st, sender)))) {
            return liberal ? ACCEPT : IGNORE; // ACK under lower bound
        }

        // ---------------------------------------------------------- W3: update
        if (!syn) {
            win = u32(win << st.tdScale(sender));
        }
        long swin = u32(win + (sack - ack));
        if (st.tdMaxwin(sender) < swin) {
            st.setTdMaxwin(sender, swin);
        }
        if (after(end, st.tdEnd(sender))) {
            st.setTdEnd(sender, end);
            st.addFlags(sender, TcpState.F_DATA_UNACKNOWLEDGED);
        }
        if (hasAck) {
            if ((st.flags(sender) & TcpState.F_MAXACK_SET) == 0) {
                st.setTdMaxack(sender, ack);
                st.addFlags(sender, TcpState.F_MAXACK_SET);
            } else if (after(ack, st.tdMaxack(sender))) {
                st.setTdMaxack(sender, ack);
            }
        }
        if (st.tdMaxwin(receiver) != 0 && after(end, st.tdMaxend(sender))) {
            st.setTdMaxwin(receiver, u32(st.tdMaxwin(receiver) + (end - st.tdMaxend(sender))));
        }
        long edge = u32(sack + win);
        if (!before(edge, st.tdMaxend(receiver))) {
            st.setTdMaxend(receiver, win == 0 ? u32(edge + 1) : edge);
        }
        if (ack == st.tdEnd(receiver)) {
            st.clearFlags(receiver, TcpState.F_DATA_UNACKNOWLEDGED);
        }

        // ---------------------------------------------------------- W4: retransmissions
        if (cls == TcpTables.C_ACK) {
            if (st.lastDir == dir
                    && st.lastSeq() == seq
                    && st.lastAck() == ack
                    && st.lastEnd() == end
                    && st.lastWin == rawWin) {
                st.retrans++;
            } else {
                st.lastDir = dir;
                st.setLastSeq(seq);
                st.setLastAck(ack);
                st.setLastEnd(end);
                st.lastWin = rawWin;
                st.retrans = 0;
            }
        }
        return ACCEPT;
    }
}
