package dev.nfct.core.proto;

import static dev.nfct.core.proto.SctpTables.ABORT;
import static dev.nfct.core.proto.SctpTables.COOKIE_ACK;
import static dev.nfct.core.proto.SctpTables.COOKIE_ECHO;
import static dev.nfct.core.proto.SctpTables.DATA;
import static dev.nfct.core.proto.SctpTables.FLAG_T;
import static dev.nfct.core.proto.SctpTables.HEARTBEAT;
import static dev.nfct.core.proto.SctpTables.HEARTBEAT_ACK;
import static dev.nfct.core.proto.SctpTables.INIT;
import static dev.nfct.core.proto.SctpTables.INIT_ACK;
import static dev.nfct.core.proto.SctpTables.INV;
import static dev.nfct.core.proto.SctpTables.NEXT;
import static dev.nfct.core.proto.SctpTables.SHUTDOWN_ACK;
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
 * <p>Rules, in the order they are applied to a packet (each observed on Linux 6.18 with the kernel
 * runner):
 * <ol>
 *   <li>Malformed: shorter than the 12-byte common header, a chunk of length 0, no chunk at all,
 *       a COOKIE_ECHO or COOKIE_ACK that is not the first chunk, an INIT, INIT_ACK or
 *       SHUTDOWN_COMPLETE that is not the only one, or a wrong checksum when checksums are
 *       verified: invalid. (The chunk walk stops where a chunk header no longer fits, takes a
 *       chunk running past the end as the last one, and moves on by 4 after a length of 1-3.)</li>
 *   <li>Creation: every chunk must be one that may open an entry: INIT, HEARTBEAT (a secondary
 *       path), SHUTDOWN_ACK or HEARTBEAT_ACK (whatever their tag), or INIT_ACK, COOKIE_ECHO,
 *       SHUTDOWN or ERROR carrying tag 0. An entry opened by a SHUTDOWN_ACK expects its answer
 *       to carry the opening packet's tag.</li>
 *   <li>Verification tags, before anything changes: a packet without INIT, ABORT,
 *       SHUTDOWN_COMPLETE, COOKIE_ECHO, SHUTDOWN_ACK or HEARTBEAT(_ACK) must carry the tag
 *       expected in its direction. INIT carries tag 0
 *       and a non-zero initiate tag; ABORT and SHUTDOWN_COMPLETE carry the expected tag, or with
 *       the T bit the sender's own; COOKIE_ECHO the expected tag; SHUTDOWN_ACK any tag. A
 *       HEARTBEAT(_ACK) teaches a tag not known yet; a HEARTBEAT with another tag than the known
 *       one is let through without changing or counting anything, while a HEARTBEAT_ACK with
 *       another tag, or such a HEARTBEAT with DATA, is invalid.</li>
 *   <li>Transitions and tag learning: an INIT at once makes its initiate tag the one expected
 *       towards its sender, in any state (a restart keeps ESTABLISHED, and the old tag is refused
 *       from then on); an INIT_ACK likewise for its own sender, its initiate tag having to match
 *       the known one in a collision (both sides sent INIT) or where its side sent no INIT.</li>
 *   <li>PROTOINFO is cached when the state changed, ASSURED is set on entering ESTABLISHED, and the
 *       timeout becomes the new state's one. An INIT retransmitted in CLOSED neither counts nor
 *       extends.</li>
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
        // Every chunk must be one that may open an entry (the NONE column of the table).
        for (int i = 0; i < p.sctpChunkCount; i++) {
            if (NEXT[0][SctpTables.classOf(p.sctpChunkType[i])][SctpState.NONE] == INV) {
                return false;
            }
        }
        SctpConn st = (SctpConn) ct;
        st.tracked = true;
        // Opening chunks teach tags before any chunk of the packet is checked (observed on 6.18):
        // a HEARTBEAT its own direction's (so a COOKIE_ECHO bundled before it passes), a
        // SHUTDOWN_ACK out of the blue the answer's (a SHUTDOWN_COMPLETE carries the same tag).
        // A HEARTBEAT_ACK that opens one teaches its own direction later, as heartbeats do.
        for (int i = 0; i < p.sctpChunkCount; i++) {
            if (p.sctpChunkType[i] == HEARTBEAT) {
                st.vtag[0] = p.sctpVtag;
            } else if (p.sctpChunkType[i] == SHUTDOWN_ACK) {
                st.vtag[1] = p.sctpVtag;
            }
        }
        return true;
    }

    @Override
    public Verdict packet(Conn ct, Packet p, int dir, CtInfo ctinfo, TrackerContext ctx, long now) {
        SctpConn st = (SctpConn) ct;
        if (!st.tracked || !wellFormed(p)) {
            return Verdict.INVALID;
        }
        int other = 1 - dir;
        boolean hasInit = false, hasData = false, ownTagRule = false;
        for (int i = 0; i < p.sctpChunkCount; i++) {
            int type = p.sctpChunkType[i];
            hasData |= type == DATA;
            ownTagRule |= hasOwnTagRule(type);
        }
        // Pass 1: verification tags. A packet holding none of the chunks with a tag rule of
        // their own must carry the tag expected in its direction. Nothing changes before the
        // whole packet is found valid, except the tags heartbeats teach.
        if (!ownTagRule && p.sctpVtag != st.vtag[dir]) {
            return Verdict.INVALID;
        }
        boolean ignore = false;
        for (int i = 0; i < p.sctpChunkCount; i++) {
            int type = p.sctpChunkType[i];
            switch (type) {
                case INIT:
                    if (p.sctpVtag != 0 || p.sctpInitTag[i] == 0) {
                        return Verdict.INVALID;
                    }
                    hasInit = true;
                    break;
                case INIT_ACK:
                    // Its initiate tag must be the one an INIT from its own side announced when
                    // both sides sent one (a collision), or when its side sent none and a tag is
                    // already known.
                    long known = st.vtag[other];
                    boolean initFromHere = st.initSeen[dir], initFromThere = st.initSeen[other];
                    if (p.sctpInitTag[i] == 0
                            || (!initFromThere && known != 0 && known != p.sctpInitTag[i])
                            || (initFromHere && initFromThere && known != p.sctpInitTag[i])) {
                        return Verdict.INVALID;
                    }
                    break;
                case ABORT:
                case SHUTDOWN_COMPLETE:
                    long expected = (p.sctpChunkFlags[i] & FLAG_T) != 0 ? st.vtag[other] : st.vtag[dir];
                    if (p.sctpVtag != expected) {
                        return Verdict.INVALID;
                    }
                    break;
                case COOKIE_ECHO:
                    if (p.sctpVtag != st.vtag[dir]) {
                        return Verdict.INVALID;
                    }
                    break;
                case HEARTBEAT:
                case HEARTBEAT_ACK:
                    if (st.vtag[dir] == 0) {
                        st.vtag[dir] = p.sctpVtag; // a tag not known yet is learnt from a heartbeat
                    } else if (p.sctpVtag != st.vtag[dir]) {
                        // A HEARTBEAT with a tag of its own (a path the entry does not know) is
                        // let through but changes and counts nothing; a HEARTBEAT_ACK, with
                        // DATA, or a second one in the packet is invalid (observed on 6.18).
                        if (type == HEARTBEAT_ACK || hasData || ignore) {
                            return Verdict.INVALID;
                        }
                        ignore = true;
                    }
                    break;
                default:
                    break;
            }
        }
        if (ignore) {
            return Verdict.ACCEPT;
        }

        // Pass 2: transitions and tag learning, chunk by chunk, once the table has a next state
        // for every chunk of the packet.
        int old = st.state;
        for (int i = 0, state = old; i < p.sctpChunkCount; i++) {
            state = NEXT[dir][SctpTables.classOf(p.sctpChunkType[i])][state];
            if (state == INV) {
                return Verdict.INVALID;
            }
        }
        int state = old;
        boolean changed = false, enteredEstablished = false;
        for (int i = 0; i < p.sctpChunkCount; i++) {
            int type = p.sctpChunkType[i];
            int next = NEXT[dir][SctpTables.classOf(type)][state];
            switch (type) {
                case INIT:
                    // An INIT (a new or restarted association) at once makes its tag the one
                    // expected towards its sender, whatever the state (observed on 6.18).
                    if (st.initSeen[dir] && st.initSeen[other]) {
                        st.initSeen[other] = false;
                    }
                    st.initSeen[dir] = true;
                    st.vtag[other] = p.sctpInitTag[i];
                    break;
                case INIT_ACK:
                    st.vtag[other] = p.sctpInitTag[i];
                    break;
                default:
                    break;
            }
            changed |= next != state;
            enteredEstablished |= next == SctpState.ESTABLISHED && state != SctpState.ESTABLISHED;
            state = next;
        }
        st.state = state;

        // Chunk by chunk, as the kernel does: a packet that passes through ESTABLISHED on its way
        // elsewhere (COOKIE_ACK bundled with SHUTDOWN) still assures the entry (observed on 6.18).
        if (changed) {
            ctx.cacheEvent(ct, EventBits.PROTOINFO);
        }
        if (enteredEstablished) {
            ctx.assure(ct);
            // A set-up association forgets which sides sent INIT: a later INIT from one side is a
            // restart, not a collision (observed on 6.18).
            st.initSeen[0] = st.initSeen[1] = false;
        }
        if (hasInit && old == SctpState.CLOSED && state == SctpState.CLOSED) {
            // An INIT retransmitted before any answer neither counts nor extends (observed on 6.18).
        } else {
            ctx.refresh(ct, dir, p.l3Length, timeout(state), now);
        }
        return Verdict.ACCEPT;
    }

    /** Chunks that bring their own verification tag rule (or none), instead of the packet's general one. */
    private static boolean hasOwnTagRule(int type) {
        switch (type) {
            case INIT:
            case SHUTDOWN_COMPLETE:
            case COOKIE_ECHO:
            case ABORT:
            case SHUTDOWN_ACK:
            case HEARTBEAT:
            case HEARTBEAT_ACK:
                return true;
            default:
                return false;
        }
    }

    private boolean wellFormed(Packet p) {
        if (p.l4Length < COMMON_HEADER || p.sctpChunksBroken || p.sctpChunkCount == 0) {
            return false;
        }
        // COOKIE_ECHO and COOKIE_ACK must come first; INIT, INIT_ACK and SHUTDOWN_COMPLETE must
        // travel alone (observed on 6.18: otherwise the packet is invalid).
        if (p.sctpChunkCount > 1 && mustTravelAlone(p.sctpChunkType[0])) {
            return false;
        }
        for (int i = 1; i < p.sctpChunkCount; i++) {
            int type = p.sctpChunkType[i];
            if (type == COOKIE_ECHO || type == COOKIE_ACK || mustTravelAlone(type)) {
                return false;
            }
        }
        return !(s.checksum == 1 && !p.l4ChecksumOk);
    }

    private static boolean mustTravelAlone(int type) {
        return type == INIT || type == INIT_ACK || type == SHUTDOWN_COMPLETE;
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
