package dev.nfct.core.proto;

import static dev.nfct.core.proto.TcpState.CLOSE;
import static dev.nfct.core.proto.TcpState.ESTABLISHED;
import static dev.nfct.core.proto.TcpState.FIN_WAIT;
import static dev.nfct.core.proto.TcpState.LAST_ACK;
import static dev.nfct.core.proto.TcpState.SYN_RECV;
import static dev.nfct.core.proto.TcpState.SYN_SENT;
import static dev.nfct.core.proto.TcpState.SYN_SENT2;
import static dev.nfct.core.proto.TcpState.TIME_WAIT;
import static dev.nfct.core.proto.TcpTables.C_ACK;
import static dev.nfct.core.proto.TcpTables.C_FIN;
import static dev.nfct.core.proto.TcpTables.C_RST;
import static dev.nfct.core.proto.TcpTables.C_SYN;
import static dev.nfct.core.proto.TcpTables.C_SYNACK;
import static dev.nfct.core.proto.TcpTables.IG;
import static dev.nfct.core.proto.TcpTables.IV;

import dev.nfct.core.Conn;
import dev.nfct.core.CtInfo;
import dev.nfct.core.EntryType;
import dev.nfct.core.EventBits;
import dev.nfct.core.Packet;
import dev.nfct.core.Settings;
import dev.nfct.core.Status;
import dev.nfct.core.TrackerContext;
import dev.nfct.core.Verdict;

/**
 * TCP connection tracking: a state machine driven by the packet class and direction, a window
 * check that follows both sides' sequence spaces, and the special rules for ignored packets,
 * resynchronisation, reopening, simultaneous open, challenge ACKs and RST validation.
 *
 * <p>Stateless itself (all per-connection data is in the entry, a {@link TcpConn}); allocates
 * nothing per packet once an entry exists.
 */
final class TcpTracker extends PortProtocolTracker {
    private static final long NANOS = 1_000_000_000L;
    /** An invalid FIN/RST only lowers the timeout of an entry that still has at least this long. */
    private static final long LOWER_TIMEOUT_FLOOR_NANOS = 120 * NANOS;

    private final Settings s;

    TcpTracker(Settings s) {
        this.s = s;
    }

    // ------------------------------------------------------------------ sanity

    /** Header present and consistent, checksum (when checked) right, and an allowed flag combination. */
    private boolean sane(Packet p) {
        if (p.l4Length < 20 || p.tcpDataOffset < 20 || p.tcpDataOffset > p.l4Length) {
            return false;
        }
        if (s.checksum == 1 && !p.l4ChecksumOk) {
            return false;
        }
        return TcpTables.validFlags(p.tcpFlags);
    }

    // ------------------------------------------------------------------ first packet

    @Override
    public boolean newConn(Conn ct, Packet p, TrackerContext ctx, long now) {
        if (!sane(p)) {
            return false;
        }
        int cls = TcpTables.classify(p.tcpFlags);
        int next = TcpTables.next(0, cls, TcpState.NONE);
        TcpConn st = (TcpConn) ct;
        if (next == SYN_SENT) {
            st.setTdEnd(0, TcpWindow.segmentEnd(p));
            st.setTdMaxwin(0, p.tcpWindow == 0 ? 1 : p.tcpWindow & 0xffff);
            st.setTdMaxend(0, st.tdEnd(0));
            TcpWindow.parseOptions(p, st, 0);
        } else if (next == ESTABLISHED) {
            if (s.tcpLoose == 0) {
                return false;
            }
            st.setTdEnd(0, TcpWindow.segmentEnd(p));
            st.setTdMaxwin(0, p.tcpWindow == 0 ? 1 : p.tcpWindow & 0xffff);
            st.setTdMaxend(0, TcpWindow.u32(st.tdEnd(0) + st.tdMaxwin(0)));
            // A picked-up connection is checked liberally for the rest of its life.
            st.flags0 = TcpState.F_SACK_PERM | TcpState.F_BE_LIBERAL;
            st.flags1 = TcpState.F_SACK_PERM | TcpState.F_BE_LIBERAL;
        } else {
            return false;
        }
        return true;
    }

    // ------------------------------------------------------------------ every packet

    @Override
    public Verdict packet(Conn ct, Packet p, int dir, CtInfo ctinfo, TrackerContext ctx, long now) {
        if (!sane(p)) {
            return Verdict.INVALID;
        }
        final TcpConn st = (TcpConn) ct;
        final int cls = TcpTables.classify(p.tcpFlags);
        int old = st.state;
        int next = TcpTables.next(dir, cls, old);
        boolean checkWindow = true;

        switch (next) {
            case SYN_SENT:
                if (old < TIME_WAIT) {
                    break; // an ordinary (possibly retransmitted) SYN
                }
                // SYN on a TIME_WAIT/CLOSE entry: a new connection reusing the ports?
                if (((st.flags0 | st.flags1) & TcpState.F_CLOSE_INIT) != 0
                        || (st.lastDir == dir && st.lastIndex == C_RST)) {
                    return ctx.kill(ct, now) ? Verdict.REPEAT : Verdict.DROP;
                }
                // Not provably a reuse: treat it as an ignored packet.
                return ignore(st, p, dir, cls, old);
            case IG: {
                if (cls == C_SYNACK
                        && st.lastIndex == C_SYN
                        && st.lastDir != dir
                        && (p.tcpAck & 0xffffffffL) == st.lastEnd()) {
                    resync(st, dir);
                    old = SYN_SENT;
                    next = SYN_RECV;
                    break;
                }
                return ignore(st, p, dir, cls, old);
            }
            case IV:
                return Verdict.INVALID;
            case TIME_WAIT:
                if (old == LAST_ACK
                        && cls == C_ACK
                        && st.lastDir != dir
                        && st.lastIndex == C_SYN
                        && (st.lastFlags & TcpState.F_EXP_CHALLENGE_ACK) != 0) {
                    // The peer answered an ignored SYN with a challenge ACK: not the final ACK.
                    st.lastFlags &= ~TcpState.F_EXP_CHALLENGE_ACK;
                    return Verdict.ACCEPT;
                }
                break;
            case SYN_SENT2:
                st.lastFlags |= TcpState.F_SIMULTANEOUS_OPEN;
                break;
            case SYN_RECV:
                if (dir == 1 && cls == C_ACK && (st.lastFlags & TcpState.F_SIMULTANEOUS_OPEN) != 0) {
                    next = ESTABLISHED; // the last step of a simultaneous open
                }
                break;
            case CLOSE:
                if (cls != C_RST) {
                    break;
                }
                if (closing(old)) {
                    checkWindow = false; // the entry may already be reused; do not validate
                    break;
                }
                int rst = validateRst(st, p, dir, old);
                if (rst == RST_INVALID) {
                    return Verdict.INVALID;
                }
                if (rst == RST_KEEP_STATE) {
                    next = old;
                }
                if (rst != RST_WINDOW_CHECK && skipsWindowCheck(st, p, dir, old)) {
                    checkWindow = false;
                }
                break;
            default:
                break;
        }

        if (checkWindow) {
            int res = TcpWindow.check(st, dir, cls, p, s.tcpBeLiberal != 0);
            if (res == TcpWindow.IGNORE) {
                return Verdict.ACCEPT;
            }
            if (res == TcpWindow.INVALID) {
                invalidFinRst(st, dir, cls, ctx, now);
                return Verdict.INVALID;
            }
        }

        // ---------------------------------------------------------- accepted: state and timeout
        st.lastIndex = cls;
        st.lastDir = dir;
        st.state = next;
        if (old != next && next == FIN_WAIT) {
            st.addFlags(dir, TcpState.F_CLOSE_INIT);
        }

        int timeout = timeout(st, cls, next);
        if (old != next) {
            ctx.cacheEvent(ct, EventBits.PROTOINFO);
        }

        if (!ct.is(Status.SEEN_REPLY)) {
            if (cls == C_RST) {
                // The only answer is a reset: the connection never existed.
                ctx.account(ct, dir, p.l3Length);
                ctx.kill(ct, now);
                return Verdict.ACCEPT;
            }
            if (cls == C_SYN && old == SYN_SENT) {
                return Verdict.ACCEPT; // SYN retransmission: no refresh, no accounting
            }
            if (next == ESTABLISHED && timeout > s.tcpTimeoutUnacknowledged) {
                timeout = s.tcpTimeoutUnacknowledged; // loose pickup before any reply
            }
        } else if (!ct.is(Status.ASSURED) && (old == SYN_RECV || old == ESTABLISHED) && next == ESTABLISHED) {
            ctx.assure(ct);
        }
        ctx.refresh(ct, dir, p.l3Length, timeout, now);
        return Verdict.ACCEPT;
    }

    /**
     * Lets a packet through without touching the entry, remembering it so that a later answer
     * can resynchronise the entry or be recognised as a reset/challenge ACK for it.
     */
    private static Verdict ignore(TcpConn st, Packet p, int dir, int cls, int old) {
        st.lastIndex = cls;
        st.lastDir = dir;
        st.setLastSeq(p.tcpSeq & 0xffffffffL);
        st.setLastEnd(TcpWindow.segmentEnd(p));
        st.lastWin = p.tcpWindow & 0xffff;
        if (cls == C_SYN && dir == 0) {
            st.lastFlags = 0;
            st.lastWscale = 0;
            if (p.tcpWscale >= 0) {
                st.lastFlags |= TcpState.F_WINDOW_SCALE;
                st.lastWscale = Math.min(p.tcpWscale, TcpWindow.MAX_WSCALE);
            }
            if (p.tcpSackPerm) {
                st.lastFlags |= TcpState.F_SACK_PERM;
            }
            if (old == LAST_ACK) {
                st.lastFlags |= TcpState.F_EXP_CHALLENGE_ACK;
            }
        }
        if (old == SYN_SENT && cls == C_ACK && dir == 1) {
            st.setLastAck(p.tcpAck & 0xffffffffL); // may be a challenge ACK
        }
        return Verdict.ACCEPT;
    }

    /**
     * A SYN-ACK acknowledged the SYN we ignored earlier: both ends agree on a new connection, so
     * take the SYN side's data from what was remembered and start this side afresh.
     */
    private static void resync(TcpConn st, int dir) {
        int synSide = st.lastDir;
        st.setTdEnd(synSide, st.lastEnd());
        st.setTdMaxend(synSide, st.lastEnd());
        st.setTdMaxwin(synSide, st.lastWin == 0 ? 1 : st.lastWin);
        st.setTdScale(synSide, st.lastWscale);
        st.lastFlags &= ~TcpState.F_EXP_CHALLENGE_ACK;
        st.setFlags(synSide, st.lastFlags);
        st.resetSide(dir);
    }

    private static boolean closing(int state) {
        return state >= FIN_WAIT && state <= CLOSE;
    }

    private static final int RST_WINDOW_CHECK = 0;
    private static final int RST_INVALID = 1;
    private static final int RST_KEEP_STATE = 2;
    private static final int RST_NOT_DECIDED = 3;

    /** The sequence check of an RST against what the other side acknowledged (before the window check). */
    private int validateRst(TcpConn st, Packet p, int dir, int old) {
        int other = dir ^ 1;
        if ((st.flags(other) & TcpState.F_MAXACK_SET) == 0 || st.lastIndex == C_SYN) {
            return RST_NOT_DECIDED;
        }
        long seq = p.tcpSeq & 0xffffffffL;
        boolean establishedAssured = old == ESTABLISHED && st.is(Status.ASSURED);
        if (seq == 0 && !establishedAssured) {
            return RST_WINDOW_CHECK;
        }
        if (TcpWindow.before(seq, st.tdMaxack(other)) && s.tcpIgnoreInvalidRst == 0) {
            return RST_INVALID;
        }
        if (!establishedAssured || seq == st.tdMaxack(other)) {
            return RST_WINDOW_CHECK;
        }
        if (st.lastIndex == C_ACK && st.lastDir == dir && seq == st.lastEnd()) {
            return RST_WINDOW_CHECK; // the reset right after this side's last data
        }
        return RST_KEEP_STATE; // in the window but not exact: leave room for a challenge ACK
    }

    /**
     * Whether an RST answers a packet that was let through unchecked, so its window cannot be checked.
     * The raw ack field is compared (0 in an RST without ACK), and the SYN case needs the RST to come
     * from the other side: kernel 6.18 window-checked (and rejected) an out-of-window RST+ACK from the
     * side that had sent the ignored SYN even when it acked exactly that SYN's end, and a client RST
     * with ack 0 in SYN_SENT (last_end still 0), while the server's same RST skipped the check. The
     * ACK case has no direction condition (an RST from the ACK's own side skipped it too).
     */
    private static boolean skipsWindowCheck(TcpConn st, Packet p, int dir, int old) {
        long ack = p.tcpAck & 0xffffffffL;
        if (ack == st.lastEnd()
                && ((st.is(Status.SEEN_REPLY) && st.lastIndex == C_SYN && st.lastDir != dir)
                        || (!st.is(Status.ASSURED) && st.lastIndex == C_ACK))) {
            return true;
        }
        return old == SYN_SENT && st.lastIndex == C_ACK && st.lastDir == 1 && (p.tcpSeq & 0xffffffffL) == st.lastAck();
    }

    /**
     * A FIN or RST failed the window check on an assured entry: when both sides did so in turn,
     * the connection is probably dead and out of sync, so let it age out sooner.
     */
    private void invalidFinRst(TcpConn st, int dir, int cls, TrackerContext ctx, long now) {
        if ((cls != C_FIN && cls != C_RST) || st.is(Status.FIXED_TIMEOUT) || !st.is(Status.ASSURED)) {
            return;
        }
        if (st.lastDir != dir && (st.lastIndex == C_FIN || st.lastIndex == C_RST)) {
            long remaining = st.confirmed() ? st.timeout - now : st.timeout;
            if (remaining < LOWER_TIMEOUT_FLOOR_NANOS) {
                return;
            }
            if (remaining > s.tcpTimeoutUnacknowledged * NANOS) {
                ctx.setTimeout(st, s.tcpTimeoutUnacknowledged, now);
            }
            return;
        }
        st.lastIndex = cls;
        st.lastDir = dir;
    }

    // ------------------------------------------------------------------ timeouts

    private int timeout(TcpConn st, int cls, int state) {
        int t = stateTimeout(state);
        if (st.retrans >= s.tcpMaxRetrans && t > s.tcpTimeoutMaxRetrans) {
            return s.tcpTimeoutMaxRetrans;
        }
        if (cls == C_RST) {
            // Every accepted RST gets the CLOSE timeout, also one that kept an ESTABLISHED+ASSURED
            // entry in its state (in the window but not exact): only the retransmission rule above,
            // judged by the kept state's timeout, wins over it. Kernel 6.18: such an RST left
            // ESTABLISHED with 10 s (500 s with timeout_close=500; 300 s after 3 dup ACKs).
            return s.tcpTimeoutClose;
        }
        if (((st.flags0 | st.flags1) & TcpState.F_DATA_UNACKNOWLEDGED) != 0 && t > s.tcpTimeoutUnacknowledged) {
            return s.tcpTimeoutUnacknowledged;
        }
        if (st.lastWin == 0 && t > s.tcpTimeoutMaxRetrans) {
            return s.tcpTimeoutMaxRetrans;
        }
        return t;
    }

    /** The sysctl timeout of a state (NONE counts as SYN_SENT). */
    int stateTimeout(int state) {
        switch (state) {
            case TcpState.NONE:
            case SYN_SENT:
                return s.tcpTimeoutSynSent;
            case SYN_RECV:
                return s.tcpTimeoutSynRecv;
            case ESTABLISHED:
                return s.tcpTimeoutEstablished;
            case FIN_WAIT:
                return s.tcpTimeoutFinWait;
            case TcpState.CLOSE_WAIT:
                return s.tcpTimeoutCloseWait;
            case LAST_ACK:
                return s.tcpTimeoutLastAck;
            case TIME_WAIT:
                return s.tcpTimeoutTimeWait;
            case CLOSE:
                return s.tcpTimeoutClose;
            case SYN_SENT2:
                return s.tcpTimeoutSynSent2;
            default:
                return s.tcpTimeoutEstablished;
        }
    }

    // ------------------------------------------------------------------ names

    @Override
    public EntryType entryType() {
        return TcpConn.TYPE;
    }

    @Override
    public String stateName(Conn ct) {
        return ct instanceof TcpConn ? TcpState.name(((TcpConn) ct).state) : null;
    }
}
