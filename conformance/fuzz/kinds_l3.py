"""kinds_l3.py - fuzz sequence kinds below the transport header: IPv6 extension header chains,
fragments, odd IP lengths and VLAN-tagged frames.

Each kind builds packets for one sequence (`sq`, see seqbase.Seq) from its random generator only,
and ends most sequences with plain packets of the same flow, so that what the odd packet did (or
did not do) to the table shows in the events and ct states that follow.
"""
import struct

import pcapwrite as pw
from pcapwrite import ACK, SYN
from seqbase import payload, pick

HOP_BY_HOP, ROUTING, FRAGMENT, ESP, AUTH, NO_NEXT, DEST_OPTS = 0, 43, 44, 50, 51, 59, 60
MOBILITY, HIP, SHIM6 = 135, 139, 140
GENERIC = 253


# --------------------------------------------------------------------------- transports
def transport(sq, src, dst, what, sport, dport, n=None):
    """(protocol, L4 bytes) of a small packet of kind `what`, checksummed for src -> dst."""
    rng = sq.rng
    n = rng.choice([0, 4, 20, 100]) if n is None else n
    if what == 'udp':
        return pw.PROTO_UDP, pw.udp(src, dst, sport, dport, payload(n))
    if what == 'tcp':
        return pw.PROTO_TCP, pw.tcp(src, dst, sport, dport, sport * 7919, 0, SYN, 64240)
    if what == 'icmp':
        if sq.v6:
            return pw.PROTO_ICMPV6, pw.icmpv6(src, dst, 128, 0, pw.echo_rest(sport, 1), payload(n))
        return pw.PROTO_ICMP, pw.icmp(8, 0, pw.echo_rest(sport, 1), payload(n))
    if what == 'none':
        return NO_NEXT, payload(n)
    return GENERIC, payload(n)


def reply(sq, what, sport, dport, note='reply'):
    """A plain packet of the flow from the other side (b -> a): it finds the entry or makes one."""
    if what == 'udp':
        p = pw.udp_packet(sq.b, sq.a, dport, sport, payload(8))
    elif what == 'tcp':
        p = pw.tcp_packet(sq.b, sq.a, dport, sport, 5000, sport * 7919 + 1, SYN | ACK, 65535)
    elif what == 'icmp':
        p = pw.icmp_packet(sq.b, sq.a, 129 if sq.v6 else 0, 0, pw.echo_rest(sport, 1), b'')
    else:
        p = pw.ip(sq.b, sq.a, GENERIC, payload(8))
    sq.add(p, '%s %s' % (note, what))


def forward(sq, what, sport, dport, note='plain'):
    proto, l4 = transport(sq, sq.a, sq.b, what, sport, dport, 8)
    sq.add(pw.ip(sq.a, sq.b, proto, l4), '%s %s' % (note, what))


# --------------------------------------------------------------------------- IPv6 chains
def options(rng, length):
    """`length` bytes of IPv6 options: Pad1, PadN and unknown options whose high bits say skip,
    discard, or discard with an ICMP error."""
    out = b''
    while len(out) < length:
        left = length - len(out)
        r = rng.random()
        if left == 1 or r < 0.2:
            out += b'\x00'
        elif r < 0.6 or left < 4:
            out += bytes([1, left - 2]) + b'\x00' * (left - 2)
        else:
            typ = rng.choice([0x1E, 0x3E, 0x5E, 0x9E, 0xDE, 0x05, 0xC2])
            k = min(left - 2, rng.choice([0, 2, 4]))
            out += bytes([typ, k]) + bytes(rng.getrandbits(8) for _ in range(k))
    return out


def ext_header(rng, kind, nh):
    """One extension header (bytes) of `kind`, followed by next header `nh`."""
    if kind in (HOP_BY_HOP, DEST_OPTS, MOBILITY, HIP, SHIM6):
        units = rng.choice([0, 0, 1, 2])
        return bytes([nh, units]) + options(rng, 6 + 8 * units)
    if kind == ROUTING:
        rtype = rng.choice([0, 2, 3, 4, 253])
        nseg = 1 if rtype == 2 else rng.randint(0, 2)
        left = rng.choice([0, 0, nseg])
        segments = b''.join(pw.addr('2001:db8::%d' % (i + 1)) for i in range(nseg))
        return bytes([nh, 2 * nseg, rtype, left]) + b'\x00' * 4 + segments
    if kind == FRAGMENT:
        return bytes([nh, 0]) + struct.pack('!HI', 0, rng.getrandbits(32))   # atomic: offset 0, last
    if kind == AUTH:
        return bytes([nh, 4, 0, 0]) + struct.pack('!II', rng.getrandbits(32), 1) + b'\x00' * 12
    raise ValueError(kind)


def chain_packet(sq, chain, what, sport, dport, cut=None, payload_length=None):
    """An IPv6 packet with the extension headers `chain` (kinds, in order) before `what`."""
    rng = sq.rng
    proto, l4 = transport(sq, sq.a, sq.b, what, sport, dport)
    body, nh = l4, proto
    for kind in reversed(chain):
        body, nh = ext_header(rng, kind, nh) + body, kind
    if cut is not None:
        body = body[:cut]
    return pw.ipv6(sq.a, sq.b, nh, body, payload_length=payload_length)


def k_ipv6_ext(sq):
    """IPv6 extension header chains: hop-by-hop, destination options, routing, atomic fragment,
    AH and the numbers the kernel does not walk (mobility, HIP, shim6); chains ending in No Next
    Header, ESP or an unknown protocol; long chains, cut chains, payload length 0 (IPv6 only)."""
    rng = sq.rng
    walked = [HOP_BY_HOP, DEST_OPTS, ROUTING, FRAGMENT, AUTH]
    for _ in range(rng.randint(1, 3)):
        what = pick(rng, [(4, 'udp'), (3, 'tcp'), (3, 'icmp'), (1, 'generic'), (2, 'none')])
        sport, dport = sq.port(), sq.server_port()
        n = pick(rng, [(4, 1), (3, 2), (2, 3), (1, rng.randint(4, 9))])
        chain = [pick(rng, [(3, HOP_BY_HOP), (4, DEST_OPTS), (2, ROUTING), (2, FRAGMENT), (1, AUTH),
                            (1, MOBILITY), (1, HIP), (1, SHIM6)]) for _ in range(n)]
        if rng.random() < 0.5 and HOP_BY_HOP in chain:
            chain.remove(HOP_BY_HOP)
            chain.insert(0, HOP_BY_HOP)           # where RFC 8200 wants it
        mode = pick(rng, [(6, 'whole'), (1, 'cut'), (1, 'len0'), (1, 'esp')])
        if mode == 'cut':
            full = chain_packet(sq, chain, what, sport, dport)
            p = chain_packet(sq, chain, what, sport, dport, cut=rng.randint(1, max(1, len(full) - 41)))
        elif mode == 'len0':
            p = chain_packet(sq, chain, what, sport, dport, payload_length=0)
        elif mode == 'esp':
            body, nh = struct.pack('!II', rng.getrandbits(32), 1) + payload(16), ESP
            for kind in reversed(chain):
                body, nh = ext_header(rng, kind, nh) + body, kind
            p = pw.ipv6(sq.a, sq.b, nh, body)
            what = 'esp'
        else:
            p = chain_packet(sq, chain, what, sport, dport)
        names = {HOP_BY_HOP: 'hbh', DEST_OPTS: 'dst', ROUTING: 'rt', FRAGMENT: 'frag', AUTH: 'ah',
                 MOBILITY: 'mob', HIP: 'hip', SHIM6: 'shim6'}
        sq.add(p, 'ext %s %s %s' % (mode, '>'.join(names[k] for k in chain), what))
        if all(k in walked for k in chain) and rng.random() < 0.3:
            sq.add(chain_packet(sq, chain, what, sport, dport), 'ext again %s' % what)
        if what not in ('none', 'esp'):
            reply(sq, what, sport, dport)
            if rng.random() < 0.3:
                forward(sq, what, sport, dport)


# --------------------------------------------------------------------------- fragments
def v4_fragments(sq, src, dst, proto, l4, pieces, ident):
    """IPv4 fragments of one datagram: pieces are (offset, length, more) over l4."""
    return [pw.ipv4(src, dst, proto, l4[o:o + n], ident=ident, df=False, frag_offset=o // 8, more_fragments=m)
            for o, n, m in pieces]


def v6_fragments(sq, src, dst, proto, l4, pieces, ident, before=b'', before_nh=None):
    """IPv6 fragments: each a fragment header (after the unfragmentable headers `before`)."""
    out = []
    for o, n, m in pieces:
        fh = bytes([proto, 0]) + struct.pack('!HI', (o & 0xFFF8) | (1 if m else 0), ident)
        if before:
            out.append(pw.ipv6(src, dst, before_nh, before + fh + l4[o:o + n]))
        else:
            out.append(pw.ipv6(src, dst, FRAGMENT, fh + l4[o:o + n]))
    return out


def split(rng, total, first=None):
    """Cut [0, total) into fragments at multiples of 8: [(offset, length, more)]."""
    cuts, o = [], 0
    while o < total:
        if first is not None and o == 0:
            n = first
        else:
            n = 8 * rng.randint(1, max(1, (total - o) // 8)) if total - o > 8 else total - o
            n = min(n, total - o)
        if n <= 0:
            break
        cuts.append([o, n, True])
        o += n
    cuts[-1][2] = False
    return [tuple(c) for c in cuts]


def k_fragments(sq):
    """Fragmented datagrams (UDP, TCP, ICMP; IPv4 and IPv6): in order, reversed, shuffled,
    exact duplicates, overlaps, a first fragment that splits the transport header, missing
    first/middle/last fragments, an atomic IPv6 fragment, unfragmentable headers before the
    fragment header; then the reply."""
    rng = sq.rng
    for _ in range(rng.randint(1, 2)):
        what = pick(rng, [(4, 'udp'), (2, 'tcp'), (2, 'icmp')])
        sport, dport = sq.port(), sq.server_port()
        proto, l4 = transport(sq, sq.a, sq.b, what, sport, dport, rng.choice([16, 40, 100, 300, 1200]))
        ident = rng.getrandbits(32 if sq.v6 else 16)
        mode = pick(rng, [(4, 'inorder'), (2, 'reversed'), (2, 'shuffled'), (2, 'dup'), (2, 'overlap'),
                          (2, 'split_header'), (1, 'missing_first'), (1, 'missing_middle'),
                          (1, 'missing_last'), (1, 'atomic'), (1, 'unfragmentable')])
        first = None
        if mode == 'split_header':
            first = 8 if (what != 'tcp' or rng.random() < 0.5) else 16
        if mode == 'atomic' and sq.v6:
            pieces = [(0, len(l4), False)]
        else:
            pieces = split(rng, len(l4), first)
            if len(pieces) == 1 and len(l4) > 8:
                pieces = [(0, 8, True), (8, len(l4) - 8, False)]
        before, before_nh = b'', None
        if mode == 'unfragmentable' and sq.v6:
            before, before_nh = ext_header(rng, DEST_OPTS, FRAGMENT), DEST_OPTS
        if sq.v6:
            frags = v6_fragments(sq, sq.a, sq.b, proto, l4, pieces, ident, before, before_nh)
        else:
            frags = v4_fragments(sq, sq.a, sq.b, proto, l4, pieces, ident)
        order = list(range(len(frags)))
        if mode == 'reversed':
            order.reverse()
        elif mode == 'shuffled':
            rng.shuffle(order)
        elif mode == 'dup':
            order.insert(rng.randint(0, len(order)), rng.choice(order))
        elif mode == 'missing_first' and len(order) > 1:
            order = order[1:]
        elif mode == 'missing_last' and len(order) > 1:
            order = order[:-1]
        elif mode == 'missing_middle' and len(order) > 2:
            del order[rng.randint(1, len(order) - 2)]
        packets = [frags[i] for i in order]
        if mode == 'overlap' and len(pieces) > 1:
            # one more fragment that overlaps a neighbour by 8 bytes, with other bytes in it
            k = rng.randint(1, len(pieces) - 1)
            o, n, m = pieces[k]
            o2 = o - 8
            data = bytes((b ^ 0x55) for b in l4[o2:o2 + n + 8])
            extra = (pw.ipv4(sq.a, sq.b, proto, data, ident=ident, df=False, frag_offset=o2 // 8, more_fragments=m)
                     if not sq.v6 else
                     pw.ipv6(sq.a, sq.b, FRAGMENT, bytes([proto, 0]) + struct.pack('!HI', o2 | (1 if m else 0), ident)
                             + data))
            packets.insert(rng.randint(0, len(packets)), extra)
        for i, p in enumerate(packets):
            sq.add(p, 'frag %s %s %d/%d' % (mode, what, i + 1, len(packets)))
        reply(sq, what, sport, dport)


# --------------------------------------------------------------------------- odd lengths
def ipv4_with_options(src, dst, proto, l4, opts, ihl=None, total=None):
    """IPv4 header carrying `opts` (padded to 4 bytes); ihl and total override the fields."""
    opts = opts + b'\x00' * (-len(opts) % 4)
    hl = 20 + len(opts)
    ihl = hl // 4 if ihl is None else ihl
    tl = hl + len(l4) if total is None else total
    hdr = struct.pack('!BBHHHBBH4s4s', 0x40 | (ihl & 0xF), 0, tl & 0xFFFF, 0, 0x4000, 64, proto, 0,
                      pw.addr(src), pw.addr(dst)) + opts
    c = pw.inet_checksum(hdr[:max(20, min(len(hdr), ihl * 4))])
    return hdr[:10] + struct.pack('!H', c) + hdr[12:] + l4


def k_odd_lengths(sq):
    """IP lengths that disagree with the bytes there: IPv4 total length short, long, 0 or under
    its header, IPv4 options (no-op, end, record route, unknown), header lengths under 5 or past
    the data; IPv6 payload length short, long, 0. Each followed by plain packets of the flow."""
    rng = sq.rng
    for _ in range(rng.randint(1, 3)):
        what = pick(rng, [(4, 'udp'), (3, 'tcp'), (2, 'icmp'), (1, 'generic')])
        sport, dport = sq.port(), sq.server_port()
        proto, l4 = transport(sq, sq.a, sq.b, what, sport, dport, rng.choice([0, 12, 60]))
        size = len(l4)
        if sq.v6:
            mode = pick(rng, [(3, 'short'), (3, 'long'), (2, 'len0'), (1, 'header_only')])
            pl = {'short': rng.randint(0, max(0, size - 1)), 'long': size + rng.choice([1, 8, 300]),
                  'len0': 0, 'header_only': 0}[mode]
            body = b'' if mode == 'header_only' else l4
            p = pw.ipv6(sq.a, sq.b, proto, body, payload_length=pl)
        else:
            mode = pick(rng, [(3, 'short'), (3, 'long'), (1, 'total0'), (1, 'under_header'), (3, 'options'),
                              (1, 'ihl_small'), (1, 'ihl_past')])
            if mode == 'options':
                opts = rng.choice([b'\x01\x01\x01\x00', b'\x00', b'\x07\x07\x04' + b'\x00' * 4,
                                   b'\x94\x04\x00\x00', b'\x88\x04\x12\x34', b'\x01' * 40,
                                   bytes([0x44, 12, 5, 0]) + b'\x00' * 8, b'\x9e\x02'])
                p = ipv4_with_options(sq.a, sq.b, proto, l4, opts)
            elif mode == 'ihl_small':
                p = ipv4_with_options(sq.a, sq.b, proto, l4, b'', ihl=rng.randint(0, 4))
            elif mode == 'ihl_past':
                p = ipv4_with_options(sq.a, sq.b, proto, l4[:4], b'', ihl=15)
            else:
                total = {'short': 20 + rng.randint(0, max(0, size - 1)), 'long': 20 + size + rng.choice([1, 8, 300]),
                         'total0': 0, 'under_header': rng.randint(1, 19)}[mode]
                p = ipv4_with_options(sq.a, sq.b, proto, l4, b'', total=total)
        sq.add(p, 'len %s %s' % (mode, what))
        if rng.random() < 0.7:
            forward(sq, what, sport, dport)
        reply(sq, what, sport, dport)


# --------------------------------------------------------------------------- VLAN
VLAN_STACKS = [(), (), ((0x8100, 10),), ((0x8100, 4094),), ((0x88A8, 100), (0x8100, 10)),
               ((0x9100, 5), (0x8100, 6)), ((0x8100, 0),)]


def k_vlan(sq):
    """Ordinary flows (UDP, a TCP handshake, ICMP echo) whose frames carry 802.1Q tags, QinQ
    (0x88a8, 0x9100) or none, mixed within one flow."""
    rng = sq.rng
    what = pick(rng, [(3, 'udp'), (3, 'tcp'), (2, 'icmp')])
    sport, dport = sq.port(), sq.server_port()
    isn_c, isn_s = rng.getrandbits(32), rng.getrandbits(32)
    steps = []
    if what == 'tcp':
        steps = [pw.tcp_packet(sq.a, sq.b, sport, dport, isn_c, 0, SYN, 64240),
                 pw.tcp_packet(sq.b, sq.a, dport, sport, isn_s, (isn_c + 1) & 0xFFFFFFFF, SYN | ACK, 65535),
                 pw.tcp_packet(sq.a, sq.b, sport, dport, (isn_c + 1) & 0xFFFFFFFF, (isn_s + 1) & 0xFFFFFFFF, ACK,
                               64240)]
    elif what == 'udp':
        steps = [pw.udp_packet(*(sq.a, sq.b, sport, dport) if i % 2 == 0 else (sq.b, sq.a, dport, sport),
                               payload(rng.choice([4, 40]))) for i in range(rng.randint(2, 4))]
    else:
        steps = [pw.icmp_packet(sq.a, sq.b, 128 if sq.v6 else 8, 0, pw.echo_rest(sport, 1), b''),
                 pw.icmp_packet(sq.b, sq.a, 129 if sq.v6 else 0, 0, pw.echo_rest(sport, 1), b'')]
    for p in steps:
        tags = rng.choice(VLAN_STACKS)
        sq.add(pw.VlanFrame.of(p, tags) if tags else p,
               'vlan %s %s' % ('/'.join('%04x:%d' % t for t in tags) or 'untagged', what))


L3_KINDS = {
    'ipv6_ext': (6, k_ipv6_ext),
    'fragments': (6, k_fragments),
    'odd_lengths': (5, k_odd_lengths),
    'vlan': (3, k_vlan),
}
L3_V6_ONLY = {'ipv6_ext'}
