package dev.nfct.core.proto;

import dev.nfct.core.Conn;
import dev.nfct.core.EntryType;
import dev.nfct.core.Tuple;

/** A UDP or UDPLite entry: the moment after which a packet on a replied flow makes it a stream. */
public final class UdpConn extends Conn {
    static final EntryType TYPE = new EntryType.Base(0, UdpConn::new) {
        @Override
        public long headerWord(Conn ct) {
            return ((UdpConn) ct).streamTs;
        }

        @Override
        public void setHeaderWord(Conn ct, long word) {
            ((UdpConn) ct).streamTs = word;
        }

        @Override
        public void copyData(Conn from, Conn to) {
            ((UdpConn) to).streamTs = ((UdpConn) from).streamTs;
        }
    };

    /** The first packet's time plus two seconds (ns of event time). */
    long streamTs;

    UdpConn(Tuple orig, Tuple reply, int id, int mark, boolean acct, boolean timestamp, boolean ecache) {
        super(orig, reply, id, mark, acct, timestamp, ecache);
    }
}
