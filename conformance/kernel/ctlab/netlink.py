"""A small netfilter netlink toolkit: ctnetlink events, dumps, create/flush, NFLOG.

Written from the uapi headers' numbers (linux/netlink.h, linux/netfilter/nfnetlink*.h);
only what the lab needs is here. All netfilter attribute payloads are big-endian; netlink
and attribute headers are host order.
"""

import ctypes
import errno
import os
import socket
import struct

NETLINK_NETFILTER = 12
SOL_NETLINK = 270
NETLINK_ADD_MEMBERSHIP = 1
SO_RCVBUFFORCE = 33

NLMSG_NOOP, NLMSG_ERROR, NLMSG_DONE, NLMSG_OVERRUN = 1, 2, 3, 4
F_REQUEST, F_MULTI, F_ACK = 0x1, 0x2, 0x4
F_DUMP = 0x300
F_EXCL, F_CREATE = 0x200, 0x400

SUBSYS_CT = 1
SUBSYS_ULOG = 4
CT_NEW, CT_GET, CT_DELETE = 0, 1, 2
ULOG_PACKET, ULOG_CONFIG = 0, 1

GROUP_CT_NEW, GROUP_CT_UPDATE, GROUP_CT_DESTROY = 1, 2, 3

# ctnetlink top-level attributes
A_TUPLE_ORIG, A_TUPLE_REPLY, A_STATUS, A_PROTOINFO = 1, 2, 3, 4
A_TIMEOUT, A_MARK, A_COUNTERS_ORIG, A_COUNTERS_REPLY = 7, 8, 9, 10
A_ID, A_ZONE = 12, 18
# inside a tuple
T_IP, T_PROTO, T_ZONE = 1, 2, 3
IP_V4_SRC, IP_V4_DST, IP_V6_SRC, IP_V6_DST = 1, 2, 3, 4
P_NUM, P_SPORT, P_DPORT = 1, 2, 3
P_ICMP_ID, P_ICMP_TYPE, P_ICMP_CODE = 4, 5, 6
P_ICMP6_ID, P_ICMP6_TYPE, P_ICMP6_CODE = 7, 8, 9
# protoinfo
PI_TCP, PI_DCCP, PI_SCTP = 1, 2, 3
# counters
C_PACKETS, C_BYTES, C_PACKETS32, C_BYTES32 = 1, 2, 3, 4

# NFLOG
UL_PACKET_HDR, UL_MARK, UL_TIMESTAMP, UL_PAYLOAD, UL_PREFIX, UL_SEQ_GLOBAL = 1, 2, 3, 9, 10, 13
UL_CFG_CMD, UL_CFG_MODE, UL_CFG_NLBUFSIZ, UL_CFG_TIMEOUT, UL_CFG_QTHRESH = 1, 2, 3, 4, 5
UL_CFG_FLAGS = 6
UL_CFG_F_SEQ_GLOBAL = 0x2
UL_CMD_BIND = 1
UL_COPY_PACKET = 2

_NLH = struct.Struct("=IHHII")
_NLA = struct.Struct("=HH")
CLONE_NEWNET = 0x40000000


class NetlinkError(Exception):
    def __init__(self, code, what):
        super().__init__("%s: %s" % (what, os.strerror(code)))
        self.code = code


# --------------------------------------------------------------------------- namespaces

_libc = ctypes.CDLL(None, use_errno=True)


class InNetns:
    """Context manager: run the calling thread inside /run/netns/NAME, then come back."""

    def __init__(self, name):
        self.name = name
        self.home = None

    def __enter__(self):
        self.home = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
        target = os.open("/run/netns/" + self.name, os.O_RDONLY)
        try:
            if _libc.setns(target, CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), "setns(%s)" % self.name)
        finally:
            os.close(target)
        return self

    def __exit__(self, *exc):
        try:
            if _libc.setns(self.home, CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), "setns(back)")
        finally:
            os.close(self.home)
        return False


# --------------------------------------------------------------------------- encoding

def attr(kind, payload, nested=False):
    if nested:
        kind |= 0x8000
    raw = _NLA.pack(4 + len(payload), kind) + payload
    return raw + b"\0" * ((-len(raw)) % 4)


def nfmsg(subsys, msg, flags, family=0, res_id=0, body=b"", seq=0):
    payload = struct.pack("=BBH", family, 0, socket.htons(res_id)) + body
    return _NLH.pack(_NLH.size + len(payload), (subsys << 8) | msg, flags, seq, 0) + payload


def iter_attrs(buf, pos=0, end=None):
    end = len(buf) if end is None else end
    while pos + 4 <= end:
        alen, kind = _NLA.unpack_from(buf, pos)
        if alen < 4:
            break
        yield kind & 0x3FFF, buf[pos + 4:pos + alen]
        pos += (alen + 3) & ~3


def iter_messages(buf):
    """Yield (type, flags, seq, payload) for every netlink message in a datagram."""
    pos = 0
    while pos + _NLH.size <= len(buf):
        mlen, mtype, flags, seq, _pid = _NLH.unpack_from(buf, pos)
        if mlen < _NLH.size:
            break
        yield mtype, flags, seq, buf[pos + _NLH.size:pos + mlen]
        pos += (mlen + 3) & ~3


# --------------------------------------------------------------------------- sockets

def open_socket(groups=(), rcvbuf=None):
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
    if rcvbuf:
        sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, rcvbuf)
    sock.bind((0, 0))
    for g in groups:
        sock.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, g)
    return sock


class Requester:
    """A netlink socket for request/answer exchanges (ctnetlink and NFLOG config)."""

    def __init__(self, sock=None):
        self.sock = sock if sock is not None else open_socket(rcvbuf=64 << 20)
        self.seq = 1000

    def close(self):
        self.sock.close()

    def _exchange(self, subsys, msg, flags, family, res_id, body, what, collect=False):
        self.seq += 1
        seq = self.seq
        self.sock.send(nfmsg(subsys, msg, flags, family, res_id, body, seq))
        out = []
        while True:
            data = self.sock.recv(1 << 20)
            for mtype, mflags, mseq, payload in iter_messages(data):
                if mseq != seq:
                    continue
                if mtype == NLMSG_ERROR:
                    code = -struct.unpack_from("=i", payload, 0)[0]
                    if code:
                        raise NetlinkError(code, what)
                    return out
                if mtype == NLMSG_DONE:
                    return out
                if collect:
                    out.append((mtype, mflags, payload))
                if not mflags & F_MULTI and not flags & F_ACK:
                    return out

    def create_udp_entry(self, src, dst, sport, dport, zone, timeout):
        """Insert a confirmed IPv4 UDP entry (the lab's sentinel), like `conntrack -I`."""
        def tup(a, b, sp, dp):
            ip = attr(IP_V4_SRC, socket.inet_aton(a)) + attr(IP_V4_DST, socket.inet_aton(b))
            pr = (attr(P_NUM, bytes([17])) + attr(P_SPORT, struct.pack("!H", sp))
                  + attr(P_DPORT, struct.pack("!H", dp)))
            return attr(T_IP, ip, True) + attr(T_PROTO, pr, True)
        body = (attr(A_TUPLE_ORIG, tup(src, dst, sport, dport), True)
                + attr(A_TUPLE_REPLY, tup(dst, src, dport, sport), True)
                + attr(A_TIMEOUT, struct.pack("!I", timeout))
                + attr(A_ZONE, struct.pack("!H", zone)))
        self._exchange(SUBSYS_CT, CT_NEW, F_REQUEST | F_ACK | F_CREATE | F_EXCL,
                       socket.AF_INET, 0, body, "create sentinel entry")

    def flush(self):
        """Delete every entry of every family (what `conntrack -F` asks for)."""
        self._exchange(SUBSYS_CT, CT_DELETE, F_REQUEST | F_ACK, 0, 0, b"", "flush table")

    def get(self, ev):
        """The entry with the ORIGINAL tuple (and zone) of a decoded entry, read again; None
        when it is gone. One hash lookup in the kernel, unlike a dump, which walks the whole
        (host-wide) table."""
        t = ev["orig"]
        fam = ev["family"]
        v6 = fam == socket.AF_INET6
        ip = (attr(IP_V6_SRC if v6 else IP_V4_SRC, t["src"])
              + attr(IP_V6_DST if v6 else IP_V4_DST, t["dst"]))
        pr = attr(P_NUM, bytes([t["proto"]]))
        if "sport" in t:
            pr += attr(P_SPORT, struct.pack("!H", t["sport"])) + attr(P_DPORT, struct.pack("!H", t["dport"]))
        if "type" in t:
            ids = (P_ICMP6_ID, P_ICMP6_TYPE, P_ICMP6_CODE) if v6 else (P_ICMP_ID, P_ICMP_TYPE, P_ICMP_CODE)
            pr += (attr(ids[0], struct.pack("!H", t.get("id", 0))) + attr(ids[1], bytes([t["type"]]))
                   + attr(ids[2], bytes([t.get("code", 0)])))
        body = attr(A_TUPLE_ORIG, attr(T_IP, ip, True) + attr(T_PROTO, pr, True), True)
        if ev["zone"]:
            body += attr(A_ZONE, struct.pack("!H", ev["zone"]))
        try:
            msgs = self._exchange(SUBSYS_CT, CT_GET, F_REQUEST | F_ACK, fam, 0, body, "get entry",
                                  collect=True)
        except NetlinkError as exc:
            if exc.code == errno.ENOENT:
                return None
            raise
        return decode_ct(*msgs[0]) if msgs else None

    def dump(self):
        """All entries, decoded (like `conntrack -L` for every family)."""
        msgs = self._exchange(SUBSYS_CT, CT_GET, F_REQUEST | F_DUMP, 0, 0, b"",
                              "dump table", collect=True)
        return [decode_ct(mtype, flags, payload) for mtype, flags, payload in msgs]

    def nflog_bind(self, group, copy_range, bufsize, global_seq=False):
        """Bind an NFLOG group to this socket; each record is sent at once (threshold 1).
        global_seq: number every record with the kernel's sequence over all groups, so a
        reader can prove none was lost."""
        def cfg(body):
            self._exchange(SUBSYS_ULOG, ULOG_CONFIG, F_REQUEST | F_ACK, 0, group, body,
                           "nflog config")
        cfg(attr(UL_CFG_CMD, bytes([UL_CMD_BIND])))
        body = (attr(UL_CFG_MODE, struct.pack("!IBB", copy_range, UL_COPY_PACKET, 0))
                + attr(UL_CFG_NLBUFSIZ, struct.pack("!I", bufsize))
                + attr(UL_CFG_QTHRESH, struct.pack("!I", 1))
                + attr(UL_CFG_TIMEOUT, struct.pack("!I", 1)))
        if global_seq:
            body += attr(UL_CFG_FLAGS, struct.pack("!H", UL_CFG_F_SEQ_GLOBAL))
        cfg(body)


# --------------------------------------------------------------------------- decoding

def _tuple(buf):
    t = {"zone": 0}
    for kind, val in iter_attrs(buf):
        if kind == T_IP:
            for k, v in iter_attrs(val):
                if k in (IP_V4_SRC, IP_V6_SRC):
                    t["src"] = v
                elif k in (IP_V4_DST, IP_V6_DST):
                    t["dst"] = v
        elif kind == T_PROTO:
            for k, v in iter_attrs(val):
                if k == P_NUM:
                    t["proto"] = v[0]
                elif k == P_SPORT:
                    t["sport"] = struct.unpack("!H", v[:2])[0]
                elif k == P_DPORT:
                    t["dport"] = struct.unpack("!H", v[:2])[0]
                elif k in (P_ICMP_ID, P_ICMP6_ID):
                    t["id"] = struct.unpack("!H", v[:2])[0]
                elif k in (P_ICMP_TYPE, P_ICMP6_TYPE):
                    t["type"] = v[0]
                elif k in (P_ICMP_CODE, P_ICMP6_CODE):
                    t["code"] = v[0]
        elif kind == T_ZONE:
            t["zone"] = struct.unpack("!H", val[:2])[0]
    return t


def _counters(buf):
    pk = by = 0
    for k, v in iter_attrs(buf):
        if k == C_PACKETS:
            pk = struct.unpack("!Q", v[:8])[0]
        elif k == C_BYTES:
            by = struct.unpack("!Q", v[:8])[0]
        elif k == C_PACKETS32:
            pk = struct.unpack("!I", v[:4])[0]
        elif k == C_BYTES32:
            by = struct.unpack("!I", v[:4])[0]
    return pk, by


def decode_ct(mtype, flags, payload):
    """Turn one ctnetlink message into a dict of the fields the lab prints."""
    msg = mtype & 0xFF
    if msg == CT_DELETE:
        kind = "DESTROY"
    elif flags & F_CREATE:
        kind = "NEW"
    else:
        kind = "UPDATE"
    ev = {"kind": kind, "family": payload[0], "status": 0, "timeout": None,
          "state": None, "mark": 0, "zone": 0, "counters": None}
    corig = crep = None
    for k, v in iter_attrs(payload, 4):
        if k == A_TUPLE_ORIG:
            ev["orig"] = _tuple(v)
        elif k == A_TUPLE_REPLY:
            ev["reply"] = _tuple(v)
        elif k == A_STATUS:
            ev["status"] = struct.unpack("!I", v[:4])[0]
        elif k == A_TIMEOUT:
            ev["timeout"] = struct.unpack("!I", v[:4])[0]
        elif k == A_MARK:
            ev["mark"] = struct.unpack("!I", v[:4])[0]
        elif k == A_ZONE:
            ev["zone"] = struct.unpack("!H", v[:2])[0]
        elif k == A_COUNTERS_ORIG:
            corig = _counters(v)
        elif k == A_COUNTERS_REPLY:
            crep = _counters(v)
        elif k == A_PROTOINFO:
            for pk, pv in iter_attrs(v):
                for sk, sv in iter_attrs(pv):
                    if sk == 1:                      # *_STATE is attribute 1 for all three
                        ev["state"] = (pk, sv[0])
    if corig is not None or crep is not None:
        ev["counters"] = (corig or (0, 0)) + (crep or (0, 0))
    return ev


def decode_nflog(payload):
    """(family, prefix, packet bytes) of an NFLOG packet message."""
    fam = payload[0]
    prefix = ""
    pkt = b""
    for k, v in iter_attrs(payload, 4):
        if k == UL_PREFIX:
            prefix = v.split(b"\0", 1)[0].decode("ascii", "replace")
        elif k == UL_PAYLOAD:
            pkt = v
    return fam, prefix, pkt


def decode_nflog_record(payload):
    """An NFLOG packet message as a hook recording keeps it: the netfilter hook number, the
    packet mark, the prefix, the global sequence number (None without it), the packet's own
    receive time (Unix ns at microsecond precision; None when the kernel gave none: it does for
    packets it received, at PRE_ROUTING, LOCAL_IN and FORWARD) and the message payload itself
    (the generic netfilter header and its attributes: one LINKTYPE_NFLOG record)."""
    rec = {"hook": None, "mark": 0, "prefix": "", "seq": None, "ts": None,
           "raw": bytes(payload)}
    for k, v in iter_attrs(payload, 4):
        if k == UL_PACKET_HDR:
            rec["hook"] = v[2]
        elif k == UL_MARK:
            rec["mark"] = struct.unpack("!I", v[:4])[0]
        elif k == UL_PREFIX:
            rec["prefix"] = v.split(b"\0", 1)[0].decode("ascii", "replace")
        elif k == UL_SEQ_GLOBAL:
            rec["seq"] = struct.unpack("!I", v[:4])[0]
        elif k == UL_TIMESTAMP:
            sec, usec = struct.unpack("!QQ", v[:16])
            rec["ts"] = sec * 1_000_000_000 + usec * 1000
    return rec


def is_enobufs(exc):
    return isinstance(exc, OSError) and exc.errno == errno.ENOBUFS
