"""kinds_quoted.py - ICMP and ICMPv6 errors whose quoted datagram is odd: a wrong IP version
nibble, IPv4 header lengths and options, total and payload lengths that disagree, extension
headers and fragment headers (first and later fragments) in the quote, a transport header cut
short, and errors quoting errors.
"""
import struct

import pcapwrite as pw
from pcapwrite import SYN
from seqbase import payload, pick

FRAGMENT, DEST_OPTS, HOP_BY_HOP, ROUTING = 44, 60, 0, 43


def live_flow(sq):
    """A flow the table knows (a -> b, perhaps answered): (packet quoted, its L4 protocol, l4 bytes)."""
    rng = sq.rng
    what = pick(rng, [(4, 'udp'), (3, 'tcp'), (2, 'icmp')])
    sport, dport = sq.port(), sq.server_port()
    if what == 'udp':
        l4, proto = pw.udp(sq.a, sq.b, sport, dport, payload(20)), pw.PROTO_UDP
        if rng.random() < 0.4:
            sq.add(pw.udp_packet(sq.b, sq.a, dport, sport, payload(4)), 'udp reply')
    elif what == 'tcp':
        l4, proto = pw.tcp(sq.a, sq.b, sport, dport, 1000, 0, SYN, 64240), pw.PROTO_TCP
    else:
        if sq.v6:
            l4, proto = pw.icmpv6(sq.a, sq.b, 128, 0, pw.echo_rest(sport, 1), payload(8)), pw.PROTO_ICMPV6
        else:
            l4, proto = pw.icmp(8, 0, pw.echo_rest(sport, 1), payload(8)), pw.PROTO_ICMP
    p = pw.ip(sq.a, sq.b, proto, l4)
    sq.add(p, 'live %s' % what)
    return p, proto, l4


def quoted_variant(sq, p, proto, l4):
    """(mode, bytes quoted) for the live packet p."""
    rng = sq.rng
    if sq.v6:
        mode = pick(rng, [(2, 'as_is'), (2, 'version'), (2, 'frag_first'), (1, 'frag_first_atomic'),
                          (1, 'frag_later'), (2, 'ext'), (1, 'ext_then_frag'), (1, 'payload_len'),
                          (1, 'cut_l4'), (1, 'no_next')])
        hdr = bytearray(p[:40])
        body = l4[:8] if rng.random() < 0.7 else l4
        prefix = b''                              # extension headers put before the transport
        if mode == 'version':
            hdr[0] = (rng.choice([4, 0, 5, 7, 15]) << 4) | (hdr[0] & 0x0F)
        elif mode in ('frag_first', 'frag_first_atomic', 'frag_later'):
            off = 0 if mode != 'frag_later' else 8 * rng.randint(1, 100)
            more = 0 if mode == 'frag_first_atomic' else 1
            prefix = bytes([proto, 0]) + struct.pack('!HI', off | more, rng.getrandbits(32))
            hdr[6] = FRAGMENT
        elif mode in ('ext', 'ext_then_frag'):
            frag = bytes([proto, 0]) + struct.pack('!HI', 1, rng.getrandbits(32)) if mode == 'ext_then_frag' else b''
            nh_after = FRAGMENT if frag else proto
            kind = rng.choice([DEST_OPTS, HOP_BY_HOP, ROUTING])
            ext = bytes([nh_after, 0, 0, 0]) if kind == ROUTING else bytes([nh_after, 0, 1, 4])
            prefix = ext + b'\x00' * 4 + frag
            hdr[6] = kind
        elif mode == 'no_next':
            hdr[6] = 59
        elif mode == 'cut_l4':
            body = l4[:rng.randint(0, 7)]
        # The quoted header claims the whole datagram, as a real quote does, unless it lies.
        claimed = len(prefix) + len(l4)
        if mode == 'payload_len':
            claimed = rng.choice([0, 1, claimed + 100])
        hdr[4:6] = struct.pack('!H', claimed)
        body = prefix + body
        return mode, bytes(hdr) + body
    mode = pick(rng, [(2, 'as_is'), (2, 'version'), (2, 'options'), (1, 'ihl_small'), (1, 'ihl_past'),
                      (1, 'total_len'), (1, 'frag_first'), (1, 'frag_later'), (1, 'cut_l4'), (1, 'proto')])
    hdr = bytearray(p[:20])
    body = l4[:8] if rng.random() < 0.7 else l4
    if mode == 'version':
        hdr[0] = (rng.choice([6, 0, 5, 15]) << 4) | (hdr[0] & 0x0F)
    elif mode == 'options':
        opts = rng.choice([b'\x01\x01\x01\x00', b'\x07\x07\x04' + b'\x00' * 5, b'\x01' * 8])
        hdr[0] = 0x40 | (5 + len(opts) // 4)
        hdr += opts
    elif mode == 'ihl_small':
        hdr[0] = 0x40 | rng.randint(0, 4)
    elif mode == 'ihl_past':
        hdr[0] = 0x4F
    elif mode == 'total_len':
        hdr[2:4] = struct.pack('!H', rng.choice([0, 20, 21, 28 + len(l4) + 100]))
    elif mode == 'frag_first':
        hdr[6:8] = struct.pack('!H', 0x2000)
    elif mode == 'frag_later':
        hdr[6:8] = struct.pack('!H', rng.randint(1, 100))
    elif mode == 'cut_l4':
        body = l4[:rng.randint(0, 7)]
    elif mode == 'proto':
        hdr[9] = rng.choice([pw.PROTO_UDP, pw.PROTO_TCP, pw.PROTO_ICMP, 253])
    return mode, bytes(hdr) + body


def k_quoted(sq):
    """Errors quoting a live flow's packet through a changed quoted header (version nibble, IPv4
    options and header lengths, lengths, fragment headers, IPv6 extension headers, No Next
    Header, a transport header cut to 0-7 bytes, another protocol), and errors quoting errors."""
    rng = sq.rng
    p, proto, l4 = live_flow(sq)
    errors = []
    for _ in range(rng.randint(1, 4)):
        if errors and rng.random() < 0.2:
            mode, q = 'nested', rng.choice(errors)
        else:
            mode, q = quoted_variant(sq, p, proto, l4)
        if sq.v6:
            typ, code = rng.choice([(1, 4), (1, 0), (2, 0), (3, 0), (4, 0), (4, 1)])
            rest = struct.pack('!I', 1280) if typ == 2 else b'\x00' * 4
        else:
            typ, code = rng.choice([(3, 3), (3, 1), (3, 4), (11, 0), (12, 0), (4, 0)])
            rest = struct.pack('!HH', 0, 1400) if (typ, code) == (3, 4) else b'\x00' * 4
        src = sq.b if rng.random() < 0.6 else sq.c
        err = pw.icmp_packet(src, sq.a, typ, code, rest, q)
        errors.append(err)
        sq.add(err, 'quoted %s type=%d code=%d' % (mode, typ, code))
        if rng.random() < 0.3:
            sq.add(p, 'live again')


QUOTED_KINDS = {
    'quoted': (6, k_quoted),
}
