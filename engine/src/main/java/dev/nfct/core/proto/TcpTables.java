package dev.nfct.core.proto;

import static dev.nfct.core.proto.TcpState.CLOSE;
import static dev.nfct.core.proto.TcpState.CLOSE_WAIT;
import static dev.nfct.core.proto.TcpState.ESTABLISHED;
import static dev.nfct.core.proto.TcpState.FIN_WAIT;
import static dev.nfct.core.proto.TcpState.LAST_ACK;
import static dev.nfct.core.proto.TcpState.SYN_RECV;
import static dev.nfct.core.proto.TcpState.SYN_SENT;
import static dev.nfct.core.proto.TcpState.SYN_SENT2;
import static dev.nfct.core.proto.TcpState.TIME_WAIT;

import dev.nfct.core.Packet;

/**
 * The TCP packet classes and the two state transition tables (one per packet direction), as
 * plain data: {@code next(dir, class, state)} gives the next state, or {@link #IV} (the packet is
 * invalid in that state) or {@link #IG} (let it through but leave the entry alone).
 */
final class TcpTables {
    // ------------------------------------------------------------------ packet classes
    static final int C_SYN = 0;
    static final int C_SYNACK = 1;
    static final int C_FIN = 2;
    static final int C_ACK = 3;
    static final int C_RST = 4;
    static final int C_NONE = 5;
    static final int CLASSES = 6;

    private static final String[] CLASS_NAMES = {"syn", "synack", "fin", "ack", "rst", "none"};

    // ------------------------------------------------------------------ pseudo results
    /** Invalid transition. */
    static final int IV = 10;
    /** Ignore: accept the packet without changing the entry. */
    static final int IG = 11;

    private static final int NO = TcpState.NONE,
            SS = SYN_SENT,
            SR = SYN_RECV,
            ES = ESTABLISHED,
            FW = FIN_WAIT,
            CW = CLOSE_WAIT,
            LA = LAST_ACK,
            TW = TIME_WAIT,
            CL = CLOSE,
            S2 = SYN_SENT2;

    /**
     * Flattened [dir][class][state]: index {@code (dir * CLASSES + class) * STATES + state}.
     * Columns: NONE, SYN_SENT, SYN_RECV, ESTABLISHED, FIN_WAIT, CLOSE_WAIT, LAST_ACK, TIME_WAIT,
     * CLOSE, SYN_SENT2.
     */
    private static final byte[] NEXT = build(new int[][] {
        // ------------------------------ ORIGINAL direction
        /* syn    */ {SS, SS, IG, IG, IG, IG, IG, SS, SS, S2},
        /* synack */ {IV, IV, SR, IV, IV, IV, IV, IV, IV, SR},
        /* fin    */ {IV, IV, FW, FW, LA, LA, LA, TW, CL, IV},
        /* ack    */ {ES, IV, ES, ES, CW, CW, TW, TW, CL, IV},
        /* rst    */ {IV, CL, CL, CL, CL, CL, CL, CL, CL, CL},
        /* none   */ {IV, IV, IV, IV, IV, IV, IV, IV, IV, IV},
        // ------------------------------ REPLY direction
        /* syn    */ {IV, S2, IV, IV, IV, IV, IV, SS, IV, S2},
        /* synack */ {IV, SR, IG, IG, IG, IG, IG, IG, IG, SR},
        /* fin    */ {IV, IV, FW, FW, LA, LA, LA, TW, CL, IV},
        /* ack    */ {IV, IG, SR, ES, CW, CW, TW, TW, CL, IG},
        /* rst    */ {IV, CL, CL, CL, CL, CL, CL, CL, CL, CL},
        /* none   */ {IV, IV, IV, IV, IV, IV, IV, IV, IV, IV},
    });

    /**
     * Which flag combinations (with PSH, ECE and CWR masked out, so only FIN, SYN, RST, ACK and
     * URG remain: values 0..63) a segment may carry. Bit {@code v} set = combination {@code v} is allowed.
     */
    private static final long VALID_FLAGS;

    /** The flags that do not matter for the validity check. */
    static final int IGNORED_FLAGS = Packet.TH_PSH | Packet.TH_ECE | Packet.TH_CWR;

    static {
        final int syn = Packet.TH_SYN,
                ack = Packet.TH_ACK,
                rst = Packet.TH_RST,
                fin = Packet.TH_FIN,
                urg = Packet.TH_URG;
        int[] ok = {syn, syn | urg, syn | ack, rst, rst | ack, fin | ack, fin | ack | urg, ack, ack | urg};
        long m = 0;
        for (int v : ok) {
            m |= 1L << v;
        }
        VALID_FLAGS = m;
    }

    private TcpTables() {}

    private static byte[] build(int[][] rows) {
        byte[] t = new byte[2 * CLASSES * TcpState.STATES];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != TcpState.STATES) {
                throw new IllegalStateException("row " + r);
            }
            for (int s = 0; s < TcpState.STATES; s++) {
                t[r * TcpState.STATES + s] = (byte) rows[r][s];
            }
        }
        return t;
    }

    /** Next state, {@link #IV} or {@link #IG}. */
    static int next(int dir, int cls, int state) {
        return NEXT[(dir * CLASSES + cls) * TcpState.STATES + state];
    }

    /** Whether the flag byte is one of the allowed combinations. */
    static boolean validFlags(int tcpFlags) {
        int v = tcpFlags & 0xff & ~IGNORED_FLAGS;
        return (VALID_FLAGS >>> v & 1L) != 0;
    }

    /** Packet class of a flag byte: RST first, then SYN (with or without ACK), FIN, ACK, none. */
    static int classify(int tcpFlags) {
        if ((tcpFlags & Packet.TH_RST) != 0) {
            return C_RST;
        }
        if ((tcpFlags & Packet.TH_SYN) != 0) {
            return (tcpFlags & Packet.TH_ACK) != 0 ? C_SYNACK : C_SYN;
        }
        if ((tcpFlags & Packet.TH_FIN) != 0) {
            return C_FIN;
        }
        if ((tcpFlags & Packet.TH_ACK) != 0) {
            return C_ACK;
        }
        return C_NONE;
    }

    static String className(int cls) {
        return CLASS_NAMES[cls];
    }
}
