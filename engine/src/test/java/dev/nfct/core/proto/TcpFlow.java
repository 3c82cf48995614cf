package dev.nfct.core.proto;

import dev.nfct.core.Conn;
import dev.nfct.core.CtInfo;
import dev.nfct.core.Packet;
import dev.nfct.core.Settings;
import dev.nfct.testing.Packets;
import dev.nfct.testing.Recorder;

/**
 * Test helper (not a test): one TCP connection between a client (ORIGINAL direction, index 0)
 * and a server (REPLY, index 1) that keeps both sides' sequence numbers the way real stacks
 * would, so tests can drive an entry through any state with realistic, in-window segments.
 */
final class TcpFlow {
    static final int C = 0;
    static final int S = 1;

    static final int SYN = Packet.TH_SYN;
    static final int SYNACK = Packet.TH_SYN | Packet.TH_ACK;
    static final int ACK = Packet.TH_ACK;
    static final int FINACK = Packet.TH_FIN | Packet.TH_ACK;
    static final int RST = Packet.TH_RST;
    static final int RSTACK = Packet.TH_RST | Packet.TH_ACK;

    final Recorder rec;
    final String[] addr = {"10.200.0.1", "10.200.0.2"};
    final int[] port = {57370, 5001};
    final long[] isn = {1_000_000L, 3_000_000_000L};
    /** Next sequence number each side will send. */
    final long[] next = new long[2];

    final boolean[] finSent = new boolean[2];
    final long[] finSeq = new long[2];
    int window = 64240;
    /** TCP header length of SYN / SYN-ACK segments and of all others. */
    int synHeader = 40;

    int header = 20;
    /** Window scale offered on SYNs (-1: none). */
    int wscale = 7;

    boolean sackPerm = true;

    TcpFlow(Recorder rec) {
        this.rec = rec;
        next[0] = isn[0];
        next[1] = isn[1];
    }

    TcpFlow(Settings settings) {
        this(new Recorder(settings));
    }

    TcpFlow() {
        this(new Recorder());
    }

    /** Uses other addresses and ports (client first). */
    TcpFlow endpoints(String client, int cport, String server, int sport) {
        addr[0] = client;
        addr[1] = server;
        port[0] = cport;
        port[1] = sport;
        return this;
    }

    /** A segment from {@code side} as its stack would send it now (it does not change the flow). */
    Packets seg(int side, int flags, int payload) {
        int other = side ^ 1;
        long seq;
        if ((flags & Packet.TH_SYN) != 0) {
            seq = isn[side];
        } else if ((flags & Packet.TH_FIN) != 0 && finSent[side]) {
            seq = finSeq[side]; // a retransmitted FIN
        } else {
            seq = next[side];
        }
        Packets b = Packets.tcp(addr[side], port[side], addr[other], port[other])
                .flags(flags)
                .seq(seq)
                .win(window)
                .payload(payload)
                .dataOffset(header);
        if ((flags & Packet.TH_ACK) != 0) {
            b.ackNo(next[other]);
        }
        if ((flags & Packet.TH_SYN) != 0) {
            b.dataOffset(synHeader);
            if (wscale >= 0) {
                b.wscale(wscale);
            }
            if (sackPerm) {
                b.sackPerm();
            }
        }
        return b;
    }

    /** Advances the sender's sequence number as its stack would after sending. */
    void advance(int side, int flags, int payload) {
        if ((flags & Packet.TH_SYN) != 0) {
            next[side] = (isn[side] + 1) & 0xffffffffL;
            return;
        }
        if ((flags & Packet.TH_RST) != 0) {
            return;
        }
        next[side] = (next[side] + payload) & 0xffffffffL;
        if ((flags & Packet.TH_FIN) != 0 && !finSent[side]) {
            finSent[side] = true;
            finSeq[side] = next[side];
            next[side] = (next[side] + 1) & 0xffffffffL;
        }
    }

    /** Sends a segment through the engine (entry + confirm hook) and advances the sender. */
    CtInfo send(int side, int flags, int payload) {
        Packet p = seg(side, flags, payload).build();
        CtInfo ci = rec.forward(p);
        advance(side, flags, payload);
        return ci;
    }

    CtInfo send(int side, int flags) {
        return send(side, flags, 0);
    }

    /** Sends a prepared packet (the flow's sequence numbers are not changed). */
    CtInfo send(Packet p) {
        return rec.forward(p);
    }

    // ------------------------------------------------------------------ reaching states

    TcpFlow handshake() {
        send(C, SYN);
        send(S, SYNACK);
        send(C, ACK);
        return this;
    }

    /**
     * Drives a fresh entry into {@code state} with real packets: handshake prefixes, FINs, an
     * exact RST for CLOSE, crossing SYNs for SYN_SENT2. NONE sends nothing.
     */
    TcpFlow to(int state) {
        switch (state) {
            case TcpState.NONE:
                break;
            case TcpState.SYN_SENT:
                send(C, SYN);
                break;
            case TcpState.SYN_RECV:
                send(C, SYN);
                send(S, SYNACK);
                break;
            case TcpState.ESTABLISHED:
                handshake();
                break;
            case TcpState.FIN_WAIT:
                handshake();
                send(C, FINACK);
                break;
            case TcpState.CLOSE_WAIT:
                handshake();
                send(C, FINACK);
                send(S, ACK);
                break;
            case TcpState.LAST_ACK:
                handshake();
                send(C, FINACK);
                send(S, ACK);
                send(S, FINACK);
                break;
            case TcpState.TIME_WAIT:
                handshake();
                send(C, FINACK);
                send(S, ACK);
                send(S, FINACK);
                send(C, ACK);
                break;
            case TcpState.CLOSE:
                handshake();
                send(C, RST);
                break;
            case TcpState.SYN_SENT2:
                send(C, SYN);
                send(S, SYN);
                break;
            default:
                throw new IllegalArgumentException("state " + state);
        }
        if (state != TcpState.NONE && state() != state) {
            throw new AssertionError("setup reached " + TcpState.name(state()) + " instead of " + TcpState.name(state));
        }
        return this;
    }

    // ------------------------------------------------------------------ inspection

    Conn conn() {
        return rec.only();
    }

    TcpConn tcp() {
        return (TcpConn) conn();
    }

    int state() {
        return tcp().state;
    }

    String stateName() {
        return TcpState.name(tcp().state);
    }

    long remaining() {
        return conn().remainingSeconds(rec.now);
    }

    long[] counters() {
        return conn().acct.clone();
    }

    int entries() {
        return rec.ct.table().size();
    }
}
