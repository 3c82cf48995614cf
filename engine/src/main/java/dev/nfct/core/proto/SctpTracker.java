package dev.nfct.core.proto;

import static dev.nfct.core.proto.SctpTables.ABORT;
import static dev.nfct.core.proto.SctpTables.FLAG_T;
import static dev.nfct.core.proto.SctpTables.HEARTBEAT;
import static dev.nfct.core.proto.SctpTables.HEARTBEAT_ACK;
import static dev.nfct.core.proto.SctpTables.INIT;
import static dev.nfct.core.proto.SctpTables.INIT_ACK;
import static dev.nfct.core.proto.SctpTables.INV;
import static dev.nfct.core.proto.SctpTables.NEXT;
import static dev.nfct.core.proto.SctpTables.SHUTDOWN_COMPLETE;

import dev.nfct.core.Conn;
import dev.nfct.core.CtInfo;
import dev.nfct.core.EntryType;
import dev.nfct.core.EventBits;
import dev.nfct.core.Packet;
import dev.nfct.core.Settings;
import dev.nfct.core.TrackerContext;
import dev.nfct.core.Verdict;

/**
 * SCTP (RFC 9260). Every chunk of a packet drives {@link SctpTables#NEXT}; the entry's timeout is
 * the one of the state the whole packet leaves it in.
 *
 * <p>Rules, in the order they are applied to a packet:
 * <ol>
 *   <li>Malformed (shorter than the 12-byte common header, a chunk list that cannot be walked, no
 *       chunk at all, or a wrong checksum when checksums are verified): invalid.</li>
 *   <li>Creation: only a packet starting with INIT, or made of HEARTBEAT chunks only (a secondary
 *       path picked up by its heartbeat), may create an entry. Anything else without an entry
 *       (for example DATA of an association set up before tracking started) is invalid.</li>
 *   <li>Verification tags, checked for every chunk before anything changes: an INIT must be the
 *       only chunk and carry tag 0, and an INIT_ACK must be the only chunk too (the kernel calls a
 *       bundled one invalid); ABORT / SHUTDOWN_COMPLETE with the T bit carry the sender's own
 *       tag (the one expected in the other direction); an INIT_ACK may also carry the tag of a
 *       pending restart INIT; HEARTBEAT(_ACK) may teach a tag not learnt yet on a heartbeat-created
 *       entry; every other chunk must carry the tag expected in its direction. Any mismatch makes
 *       the packet invalid without touching the entry. INIT and INIT_ACK with initiate tag 0 are
 *       invalid (RFC 9260 §3.3.2).</li>
 *   <li>Transitions and tag learning: INIT teaches the tag expected towards its sender, INIT_ACK
 *       the tag expected towards its own sender. An INIT on an association already set up does not
 *       change the state: its tag is kept aside and becomes effective (a restart, back to
 *       COOKIE_WAIT) only if an INIT_ACK answers with it.</li>
 *   <li>PROTOINFO is cached when the state changed, ASSURED is set on entering ESTABLISHED, and the
 *       timeout becomes the new state's one. An INIT that leaves the state as it was (a
 *       retransmission in CLOSED, or an INIT on a set-up association) only counts the packet and
 *       does not extend the timeout.</li>
 * </ol>
 */
final class SctpTracker extends PortProtocolTracker {
    private static final int COMMON_HEADER = 12;
    private final Settings s;

    SctpTracker(Settings s) {
        this.s = s;
    }

    @Override
    public EntryType entryType() {
        return SctpConn.TYPE;
    }

    @Override
    public String stateName(Conn ct) {
        SctpConn st = (SctpConn) ct;
        return st.tracked ? SctpState.name(st.state) : null;
    }

    @Override
    public boolean newConn(Conn ct, Packet p, TrackerContext ctx, long now) {
        if (!wellFormed(p)) {
            return false;
        }
        if (p.sctpChunkType[0] != INIT) {
            for (int i = 0; i < p.sctpChunkCount; i++) {
                if (p.sctpChunkType[i] != HEARTBEAT) {
                    return false;
                }
            }
        }
        ((SctpConn) ct).tracked = true;
        return true;
    }

    @Override
    public Verdict packet(Conn ct, Packet p, int dir, CtInfo ctinfo, TrackerContext ctx, long now) {
        SctpConn st = (SctpConn) ct;
        if (!st.tracked || !wellFormed(p)) {
            return Verdict.INVALID;
        }
        int other = 1 - dir;
        boolean hasInit = false;

        // Pass 1: verification tags. Nothing is changed before the whole packet is found valid.
        for (int i = 0; i < p.sctpChunkCount; i++) {
            int type = p.sctpChunkType[i];
            long expected = st.vtag[dir];
            switch (type) {
                case INIT:
                    if (p.sctpChunkCount != 1 || p.sctpVtag != 0 || p.sctpInitTag[i] == 0) {
                        return Verdict.INVALID;
                    }
                    hasInit = true;
                    continue;
                case INIT_ACK:
                    // Like INIT, an INIT_ACK must travel alone: bundled, the kernel calls the
                    // packet invalid (observed on 6.18) and the association does not move.
                    if (p.sctpChunkCount != 1 || p.sctpInitTag[i] == 0) {
                        return Verdict.INVALID;
                    }
                    if (st.restartPending[dir] && p.sctpVtag == st.restartTag[dir]) {
                        continue;
                    }
                    break;
                case ABORT:
                case SHUTDOWN_COMPLETE:
                    if ((p.sctpChunkFlags[i] & FLAG_T) != 0) {
                        expected = st.vtag[other];
                    }
                    break;
                case HEARTBEAT:
                case HEARTBEAT_ACK:
                    if (expected == 0 && mayLearnFromHeartbeat(st.state)) {
                        continue;
                    }
                    break;
                default:
                    break;
            }
            if (p.sctpVtag != expected) {
                return Verdict.INVALID;
            }
        }

        // Pass 2: transitions and tag learning, chunk by chunk.
        int old = st.state;
        int state = old;
        for (int i = 0; i < p.sctpChunkCount; i++) {
            int type = p.sctpChunkType[i];
            int next = NEXT[dir][SctpTables.classOf(type)][state];
            if (next == INV) {
                return Verdict.INVALID; // only possible from NONE, i.e. on a not yet confirmed entry
            }
            switch (type) {
                case INIT:
                    if (SctpTables.isSetUp(state)) {
                        st.restartTag[other] = p.sctpInitTag[i];
                        st.restartPending[other] = true;
                    } else {
                        st.vtag[other] = p.sctpInitTag[i];
                        st.restartPending[0] = st.restartPending[1] = false;
                    }
                    break;
                case INIT_ACK:
                    if (st.restartPending[dir] && p.sctpVtag == st.restartTag[dir]) {
                        st.vtag[dir] = st.restartTag[dir];
                        st.vtag[other] = p.sctpInitTag[i];
                        st.restartPending[0] = st.restartPending[1] = false;
                        next = SctpState.COOKIE_WAIT;
                    } else if (state == SctpState.CLOSED || state == SctpState.COOKIE_WAIT) {
                        st.vtag[other] = p.sctpInitTag[i];
                    }
                    break;
                case HEARTBEAT:
                case HEARTBEAT_ACK:
                    if (st.vtag[dir] == 0 && mayLearnFromHeartbeat(state)) {
                        st.vtag[dir] = p.sctpVtag;
                    }
                    break;
                default:
                    break;
            }
            state = next;
        }
        st.state = state;

        if (state != old) {
            ctx.cacheEvent(ct, EventBits.PROTOINFO);
            if (state == SctpState.ESTABLISHED) {
                ctx.assure(ct);
            }
        }
        if (hasInit && state == old) {
            ctx.account(ct, dir, p.l3Length); // retransmitted / restart INIT: no timeout extension
        } else {
            ctx.refresh(ct, dir, p.l3Length, timeout(state), now);
        }
        return Verdict.ACCEPT;
    }

    /** Only an entry created by a heartbeat learns tags from heartbeats (both of its tags are unknown). */
    private static boolean mayLearnFromHeartbeat(int state) {
        return state == SctpState.NONE || state == SctpState.HEARTBEAT_SENT;
    }

    private boolean wellFormed(Packet p) {
        if (p.l4Length < COMMON_HEADER || p.sctpChunksBroken || p.sctpChunkCount == 0) {
            return false;
        }
        return !(s.checksum == 1 && !p.l4ChecksumOk);
    }

    /** The timeout (seconds) of a state, read from the settings each time (sysctls apply at once). */
    int timeout(int state) {
        switch (state) {
            case SctpState.CLOSED:
                return s.sctpTimeoutClosed;
            case SctpState.COOKIE_WAIT:
                return s.sctpTimeoutCookieWait;
            case SctpState.COOKIE_ECHOED:
                return s.sctpTimeoutCookieEchoed;
            case SctpState.SHUTDOWN_SENT:
                return s.sctpTimeoutShutdownSent;
            case SctpState.SHUTDOWN_RECD:
                return s.sctpTimeoutShutdownRecd;
            case SctpState.SHUTDOWN_ACK_SENT:
                return s.sctpTimeoutShutdownAckSent;
            case SctpState.HEARTBEAT_SENT:
                return s.sctpTimeoutHeartbeatSent;
            case SctpState.ESTABLISHED:
            case SctpState.HEARTBEAT_ACKED:
            default:
                return s.sctpTimeoutEstablished;
        }
    }
}
