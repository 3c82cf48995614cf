"""kinds_proto.py - fuzz sequence kinds for the trackers beyond TCP, UDP and ICMP: SCTP chunk
sequences, the protocols the 6.18 kernel tracks generically (DCCP among them), UDP-Lite, GRE,
and flows whose ORIGINAL and REPLY tuples are equal (self-connected) in every protocol.
"""
import struct

import pcapwrite as pw
from pcapwrite import ACK, FIN, RST, SYN
from seqbase import payload, pick

# SCTP chunk types (RFC 9260 3.2)
DATA, INIT, INIT_ACK, SACK, HEARTBEAT, HEARTBEAT_ACK, ABORT, SHUTDOWN, SHUTDOWN_ACK, ERROR = range(10)
COOKIE_ECHO, COOKIE_ACK, SHUTDOWN_COMPLETE = 10, 11, 14
CHUNK_NAMES = {DATA: 'DATA', INIT: 'INIT', INIT_ACK: 'INIT_ACK', SACK: 'SACK', HEARTBEAT: 'HB',
               HEARTBEAT_ACK: 'HB_ACK', ABORT: 'ABORT', SHUTDOWN: 'SHUTDOWN', SHUTDOWN_ACK: 'SHUTDOWN_ACK',
               ERROR: 'ERROR', COOKIE_ECHO: 'COOKIE_ECHO', COOKIE_ACK: 'COOKIE_ACK',
               SHUTDOWN_COMPLETE: 'SHUTDOWN_COMPLETE'}


# --------------------------------------------------------------------------- SCTP
def chunk_value(rng, typ, tag):
    if typ in (INIT, INIT_ACK):
        v = struct.pack('!IIHHI', tag, 65536, 10, 10, rng.getrandbits(32))
        if typ == INIT_ACK:
            cookie = payload(rng.choice([4, 20]), 0x63)
            v += struct.pack('!HH', 7, 4 + len(cookie)) + cookie
        return v
    if typ == DATA:
        return struct.pack('!IHHI', rng.getrandbits(32), 0, 0, 0) + payload(rng.choice([1, 8, 100]))
    if typ == SACK:
        return struct.pack('!IIHH', rng.getrandbits(32), 65536, 0, 0)
    if typ in (HEARTBEAT, HEARTBEAT_ACK):
        return struct.pack('!HH', 1, 12) + payload(8, 0x68)
    if typ == SHUTDOWN:
        return struct.pack('!I', rng.getrandbits(32))
    if typ == COOKIE_ECHO:
        return payload(rng.choice([4, 20]), 0x63)
    if typ == ERROR:
        return struct.pack('!HH', 1, 8) + b'\x00\x00\x00\x00'
    return b''


class Association:
    """Two SCTP endpoints and their verification tags, as far as the sequence has set them up."""

    def __init__(self, sq):
        self.sq, self.rng = sq, sq.rng
        self.port = [sq.port(), pick(sq.rng, [(3, 5060), (2, 2905), (1, 9899), (2, sq.port())])]
        self.tag = [sq.rng.getrandbits(32) or 1, sq.rng.getrandbits(32) or 1]   # each side's own tag

    def packet(self, d, chunks, vtag=None):
        """Chunks from side d (0 = client), with the peer's tag unless `vtag` is given."""
        sq = self.sq
        src, dst = (sq.a, sq.b) if d == 0 else (sq.b, sq.a)
        tag = self.tag[1 - d] if vtag is None else vtag
        return pw.ip(src, dst, pw.PROTO_SCTP, pw.sctp(self.port[d], self.port[1 - d], tag, chunks))

    def chunk(self, typ, d, flags=0, length=None):
        return pw.sctp_chunk(typ, flags, chunk_value(self.rng, typ, self.tag[d]), length)


HANDSHAKE = [(INIT, 0), (INIT_ACK, 1), (COOKIE_ECHO, 0), (COOKIE_ACK, 1)]
CLOSE = [(SHUTDOWN, 0), (SHUTDOWN_ACK, 1), (SHUTDOWN_COMPLETE, 0)]


def k_sctp(sq):
    """SCTP associations: the handshake, data and shutdown, with steps dropped, repeated or sent
    from the wrong side; chunks bundled (INIT_ACK with others among them), in odd orders, with
    wrong or zero verification tags, lengths under 4, past the packet's end or not a multiple
    of 4; ABORT and SHUTDOWN_COMPLETE with and without the T bit; SHUTDOWN_ACK while established;
    unknown chunk types."""
    rng = sq.rng
    asn = Association(sq)
    script = list(HANDSHAKE)
    for _ in range(rng.randint(0, 3)):
        script.append(pick(rng, [(3, (DATA, 0)), (3, (DATA, 1)), (2, (SACK, 0)), (2, (SACK, 1)),
                                 (1, (HEARTBEAT, 0)), (1, (HEARTBEAT_ACK, 1))]))
    if rng.random() < 0.3:
        script.append((SHUTDOWN_ACK, rng.randint(0, 1)))           # while established
    end = pick(rng, [(5, 'close'), (2, 'abort'), (2, 'none'), (1, 'reclose')])
    if end == 'close':
        script += CLOSE
    elif end == 'abort':
        script.append((ABORT, rng.randint(0, 1)))
    elif end == 'reclose':
        script += [(SHUTDOWN, 1), (SHUTDOWN_ACK, 0), (SHUTDOWN_COMPLETE, 1)]
    if rng.random() < 0.2:
        script += HANDSHAKE[:rng.randint(1, 4)]                    # a new association on the same ports
    for typ, d in script:
        mode = pick(rng, [(12, 'plain'), (1, 'drop'), (1, 'repeat'), (1, 'reverse'), (2, 'bundle'),
                          (1, 'wrong_vtag'), (1, 'zero_vtag'), (1, 'len_short'), (1, 'len_past_end'),
                          (1, 'len_odd'), (1, 'unknown_before'), (1, 't_bit')])
        if mode == 'drop':
            continue
        if mode == 'reverse':
            d = 1 - d
        flags = 0
        vtag = None
        if typ == INIT:
            vtag = 0
        if typ in (ABORT, SHUTDOWN_COMPLETE) and (mode == 't_bit') != (rng.random() < 0.1):
            flags, vtag = 1, asn.tag[d]                             # T bit: the sender's own tag
        length = None
        if mode == 'len_short':
            length = rng.choice([0, 1, 3])
        elif mode == 'len_past_end':
            length = 4 + len(chunk_value(rng, typ, asn.tag[d])) + rng.choice([4, 100])
        elif mode == 'len_odd':
            length = 4 + len(chunk_value(rng, typ, asn.tag[d])) - rng.choice([1, 2, 3])
        chunks = [asn.chunk(typ, d, flags, length)]
        if mode == 'bundle':
            other = rng.choice([DATA, SACK, HEARTBEAT, INIT_ACK, COOKIE_ACK, SHUTDOWN, ERROR, ABORT])
            if rng.random() < 0.5:
                chunks.append(asn.chunk(other, d))
            else:
                chunks.insert(0, asn.chunk(other, d))
        elif mode == 'unknown_before':
            chunks.insert(0, pw.sctp_chunk(rng.choice([0x3F, 0x7F, 0xBF, 0xFF, 0x80, 200]), 0, b'\x00' * 4))
        if mode == 'wrong_vtag':
            vtag = rng.getrandbits(32)
        elif mode == 'zero_vtag':
            vtag = 0
        p = asn.packet(d, chunks, vtag)
        sq.add(p, 'sctp %s %s %s' % ('>' if d == 0 else '<', '+'.join(
            CHUNK_NAMES.get(c[0], str(c[0])) for c in chunks), mode))
        if mode == 'repeat':
            sq.add(p, 'sctp repeat')


# --------------------------------------------------------------------------- generic protocols
GENERIC_V4 = [33, 47, 136, 50, 51, 89, 103, 2, 4, 41, 0, 253, 254, 255, 115, 132]
GENERIC_V6 = [33, 47, 136, 50, 89, 103, 4, 41, 253, 254, 255, 115, 132]


def generic_l4(sq, proto, d, ports):
    """L4 bytes of protocol `proto` from side d; ports (client, server) where the protocol has them."""
    rng = sq.rng
    src, dst = (sq.a, sq.b) if d == 0 else (sq.b, sq.a)
    sp, dp = ports if d == 0 else (ports[1], ports[0])
    if proto == pw.PROTO_DCCP:
        return pw.dccp(sp, dp, rng.choice([0, 1, 2, 3, 4, 5, 7]), rng.getrandbits(48), payload(rng.choice([0, 8])))
    if proto == pw.PROTO_UDPLITE:
        body = payload(rng.choice([0, 8, 40]))
        cov = pick(rng, [(3, 0), (2, 8), (1, 8 + len(body)), (1, rng.randint(1, 7)), (1, 9 + len(body) + 10)])
        return pw.udplite(src, dst, sp, dp, body, cov)
    if proto == pw.PROTO_GRE:
        if rng.random() < 0.5:
            return pw.gre(1, payload=payload(rng.choice([0, 16])), call_id=ports[1 - d])
        return pw.gre(0, key=rng.choice([None, ports[0]]), payload=payload(20))
    if proto == pw.PROTO_SCTP:
        return pw.sctp(sp, dp, 0, [pw.sctp_chunk(INIT, 0, chunk_value(rng, INIT, 7))])
    return payload(rng.choice([0, 1, 8, 60]))


def k_generic(sq):
    """Protocols without a tracker of their own in 6.18 (DCCP, ESP, AH, OSPF, PIM, IP-in-IP,
    6in4, 0, 253-255 ...), and UDP-Lite (coverage 0, 8, whole, under 8, past the end), GRE
    (version 0 with and without key, PPTP version 1) and SCTP INIT among them: packets both
    ways, several flows of one address pair."""
    rng = sq.rng
    protos = GENERIC_V6 if sq.v6 else GENERIC_V4
    flows = [(rng.choice(protos), (sq.port(), sq.server_port())) for _ in range(rng.randint(1, 3))]
    if rng.random() < 0.3:
        flows.append((flows[0][0], (sq.port(), sq.server_port())))   # same protocol, other ports
    for _ in range(rng.randint(2, 8)):
        proto, ports = rng.choice(flows)
        d = 0 if rng.random() < 0.6 else 1
        src, dst = (sq.a, sq.b) if d == 0 else (sq.b, sq.a)
        sq.add(pw.ip(src, dst, proto, generic_l4(sq, proto, d, ports)), 'proto %d %s' % (proto, '>' if d == 0 else '<'))


# --------------------------------------------------------------------------- self-connected
def self_packet(sq, what, port, i):
    """A packet from address a, port `port`, to the same address and port."""
    rng, a = sq.rng, sq.a
    if what == 'udp':
        return pw.udp_packet(a, a, port, port, payload(rng.choice([0, 8])))
    if what == 'tcp':
        flags = pick(rng, [(4, SYN), (2, SYN | ACK), (3, ACK), (1, FIN | ACK), (1, RST), (1, RST | ACK)])
        return pw.tcp_packet(a, a, port, port, 1000 + i, 1000 + i if flags & ACK else 0, flags, 65535)
    if what == 'icmp':
        typ = rng.choice([128, 129] if sq.v6 else [8, 0])
        return pw.icmp_packet(a, a, typ, 0, pw.echo_rest(port, i), b'')
    if what == 'sctp':
        chunk = INIT if i == 0 else rng.choice([INIT, INIT_ACK, DATA, HEARTBEAT, ABORT])
        return pw.ip(a, a, pw.PROTO_SCTP, pw.sctp(port, port, 0 if chunk == INIT else 7,
                                                   [pw.sctp_chunk(chunk, 0, chunk_value(rng, chunk, 7))]))
    if what == 'udplite':
        return pw.ip(a, a, pw.PROTO_UDPLITE, pw.udplite(a, a, port, port, payload(8)))
    if what == 'dccp':
        return pw.ip(a, a, pw.PROTO_DCCP, pw.dccp(port, port, 0, i))
    if what == 'gre':
        return pw.ip(a, a, pw.PROTO_GRE, pw.gre(0, payload=payload(8)))
    return pw.ip(a, a, 253, payload(8))


def k_self_connected(sq):
    """Flows whose ORIGINAL and REPLY tuples are equal (address and port the same on both sides)
    in UDP, TCP, ICMP echo, SCTP, UDP-Lite, DCCP, GRE and a generic protocol; some followed by
    ICMP errors quoting them."""
    rng = sq.rng
    what = pick(rng, [(4, 'udp'), (4, 'tcp'), (2, 'icmp'), (2, 'sctp'), (1, 'udplite'), (1, 'dccp'), (1, 'gre'),
                      (1, 'generic')])
    port = sq.port()
    packets = []
    for i in range(rng.randint(1, 5)):
        p = self_packet(sq, what, port, i)
        packets.append(p)
        sq.add(p, 'self %s #%d' % (what, i))
        if rng.random() < 0.25:
            quoted = rng.choice(packets)
            typ, code = (1, 4) if sq.v6 else (3, 3)
            src = rng.choice([sq.a, sq.c])
            sq.add(pw.icmp_error_packet(src, sq.a, typ, code, quoted, 8), 'self icmp-error from %s'
                   % ('itself' if src == sq.a else 'third'))


PROTO_KINDS = {
    'sctp': (6, k_sctp),
    'generic': (4, k_generic),
    'self_connected': (4, k_self_connected),
}
