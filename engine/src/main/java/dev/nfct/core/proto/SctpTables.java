package dev.nfct.core.proto;

import static dev.nfct.core.proto.SctpState.CLOSED;
import static dev.nfct.core.proto.SctpState.COOKIE_ECHOED;
import static dev.nfct.core.proto.SctpState.COOKIE_WAIT;
import static dev.nfct.core.proto.SctpState.ESTABLISHED;
import static dev.nfct.core.proto.SctpState.HEARTBEAT_ACKED;
import static dev.nfct.core.proto.SctpState.HEARTBEAT_SENT;
import static dev.nfct.core.proto.SctpState.NONE;
import static dev.nfct.core.proto.SctpState.SHUTDOWN_ACK_SENT;
import static dev.nfct.core.proto.SctpState.SHUTDOWN_RECD;
import static dev.nfct.core.proto.SctpState.SHUTDOWN_SENT;

/**
 * The SCTP state machine as a table: {@code NEXT[dir][chunk class][state]} is the state after one
 * chunk of that class travelling in direction {@code dir} (0 = ORIGINAL, the side that sent the
 * first INIT; 1 = REPLY). {@link #INV} marks a chunk that makes the whole packet invalid.
 *
 * <p>The state names follow the last handshake chunk seen: an INIT leaves the entry CLOSED (the
 * association does not exist yet), the INIT_ACK answer moves it to COOKIE_WAIT, the COOKIE_ECHO to
 * COOKIE_ECHOED and the COOKIE_ACK to ESTABLISHED. Direction only matters for SHUTDOWN (sent by the
 * original side = SHUTDOWN_SENT, by the reply side = SHUTDOWN_RECD) and for the heartbeat
 * pick-up of a secondary path (HEARTBEAT from the original side creates the entry in
 * HEARTBEAT_SENT; the HEARTBEAT_ACK coming back establishes it).
 */
final class SctpTables {
    // RFC 9260 chunk type codes.
    static final int DATA = 0;
    static final int INIT = 1;
    static final int INIT_ACK = 2;
    static final int SACK = 3;
    static final int HEARTBEAT = 4;
    static final int HEARTBEAT_ACK = 5;
    static final int ABORT = 6;
    static final int SHUTDOWN = 7;
    static final int SHUTDOWN_ACK = 8;
    static final int ERROR = 9;
    static final int COOKIE_ECHO = 10;
    static final int COOKIE_ACK = 11;
    static final int SHUTDOWN_COMPLETE = 14;

    /** Chunk flag bit 0 of ABORT and SHUTDOWN_COMPLETE: the tag is the sender's own (reflected). */
    static final int FLAG_T = 0x01;

    // Chunk classes (table rows).
    static final int C_INIT = 0;
    static final int C_INIT_ACK = 1;
    static final int C_COOKIE_ECHO = 2;
    static final int C_COOKIE_ACK = 3;
    static final int C_SHUTDOWN = 4;
    static final int C_SHUTDOWN_ACK = 5;
    static final int C_SHUTDOWN_COMPLETE = 6;
    static final int C_ABORT = 7;
    static final int C_HEARTBEAT = 8;
    static final int C_HEARTBEAT_ACK = 9;
    static final int C_ERROR = 10;
    /** DATA, SACK, I-DATA, FORWARD-TSN, ECNE, CWR, ASCONF, AUTH... and unknown types. */
    static final int C_OTHER = 11;

    static final int CLASSES = 12;

    static final int INV = -1;

    private static final int NO = NONE,
            CL = CLOSED,
            CW = COOKIE_WAIT,
            CE = COOKIE_ECHOED,
            ES = ESTABLISHED,
            SS = SHUTDOWN_SENT,
            SR = SHUTDOWN_RECD,
            SA = SHUTDOWN_ACK_SENT,
            HS = HEARTBEAT_SENT,
            HA = HEARTBEAT_ACKED;

    /**
     * Indexed [dir][class][state]; state columns NO CL CW CE ES SS SR SA HS HA. Each cell was
     * checked against Linux 6.18 with the kernel runner, one well-tagged chunk per state and
     * direction. Among what that showed: a SHUTDOWN_ACK on an ESTABLISHED association leaves it
     * ESTABLISHED; SHUTDOWN_COMPLETE only closes from SHUTDOWN_ACK_SENT (elsewhere it changes
     * nothing); an INIT keeps COOKIE_WAIT and COOKIE_ECHOED, and closes a shutdown in progress
     * from the original side; a SHUTDOWN_ACK or a HEARTBEAT_ACK may create an entry; on an entry
     * created by a HEARTBEAT the original side's handshake, SHUTDOWN or ERROR chunks close it (an
     * INIT starts COOKIE_WAIT), and an INIT, ABORT or SHUTDOWN_COMPLETE from the reply side is
     * invalid; an ERROR from the reply side closes COOKIE_ECHOED (a stale cookie).
     */
    static final int[][][] NEXT = {
        { // ORIGINAL direction
            /* INIT              */ {CL, CL, CW, CE, ES, CL, CL, SA, CW, HA},
            /* INIT_ACK          */ {CL, CL, CW, CE, ES, SS, SR, SA, CL, HA},
            /* COOKIE_ECHO       */ {CL, CL, CE, CE, ES, SS, SR, SA, CL, HA},
            /* COOKIE_ACK        */ {INV, CL, CW, ES, ES, SS, SR, SA, CL, HA},
            /* SHUTDOWN          */ {CL, CL, CW, CE, SS, SS, SR, SA, CL, SS},
            /* SHUTDOWN_ACK      */ {SA, CL, CW, CE, ES, SA, SA, SA, SA, SA},
            /* SHUTDOWN_COMPLETE */ {INV, CL, CW, CE, ES, SS, SR, CL, CL, HA},
            /* ABORT             */ {INV, CL, CL, CL, CL, CL, CL, CL, CL, CL},
            /* HEARTBEAT         */ {HS, CL, CW, CE, ES, SS, SR, SA, HS, HA},
            /* HEARTBEAT_ACK     */ {CL, CL, CW, CE, ES, SS, SR, SA, HS, HA},
            /* ERROR             */ {CL, CL, CW, CE, ES, SS, SR, SA, CL, HA},
            /* OTHER             */ {INV, CL, CW, CE, ES, SS, SR, SA, HS, HA},
        },
        { // REPLY direction
            /* INIT              */ {INV, CL, CW, CE, ES, SS, SR, SA, INV, HA},
            /* INIT_ACK          */ {INV, CW, CW, CE, ES, SS, SR, SA, INV, HA},
            /* COOKIE_ECHO       */ {INV, CL, CE, CE, ES, SS, SR, SA, INV, HA},
            /* COOKIE_ACK        */ {INV, CL, CW, ES, ES, SS, SR, SA, INV, HA},
            /* SHUTDOWN          */ {INV, CL, CW, CE, SR, SS, SR, SA, INV, SR},
            /* SHUTDOWN_ACK      */ {INV, CL, CW, CE, ES, SA, SA, SA, INV, SA},
            /* SHUTDOWN_COMPLETE */ {INV, CL, CW, CE, ES, SS, SR, CL, INV, HA},
            /* ABORT             */ {INV, CL, CL, CL, CL, CL, CL, CL, INV, CL},
            /* HEARTBEAT         */ {INV, CL, CW, CE, ES, SS, SR, SA, HS, HA},
            /* HEARTBEAT_ACK     */ {INV, CL, CW, CE, ES, SS, SR, SA, ES, ES},
            /* ERROR             */ {INV, CL, CW, CL, ES, SS, SR, SA, INV, HA},
            /* OTHER             */ {INV, CL, CW, CE, ES, SS, SR, SA, HS, HA},
        },
    };

    private SctpTables() {}

    static int classOf(int chunkType) {
        switch (chunkType) {
            case INIT:
                return C_INIT;
            case INIT_ACK:
                return C_INIT_ACK;
            case COOKIE_ECHO:
                return C_COOKIE_ECHO;
            case COOKIE_ACK:
                return C_COOKIE_ACK;
            case SHUTDOWN:
                return C_SHUTDOWN;
            case SHUTDOWN_ACK:
                return C_SHUTDOWN_ACK;
            case SHUTDOWN_COMPLETE:
                return C_SHUTDOWN_COMPLETE;
            case ABORT:
                return C_ABORT;
            case HEARTBEAT:
                return C_HEARTBEAT;
            case HEARTBEAT_ACK:
                return C_HEARTBEAT_ACK;
            case ERROR:
                return C_ERROR;
            default:
                return C_OTHER;
        }
    }
}
