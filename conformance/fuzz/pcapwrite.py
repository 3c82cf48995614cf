#!/usr/bin/env python3
"""pcapwrite.py - a tiny classic-pcap writer/reader and IPv4/IPv6 packet builders.

Python 3.11 standard library only, written from the RFCs (791, 793, 768, 792, 8200, 4443,
7323, 2018, 1071).  Everything here works on *IP packets* (bytes starting at the IP
header); `ether()` adds the fixed Ethernet header when a capture is written.

Packet builders compute correct checksums by default (IPv4 header, TCP, UDP, ICMP, and
ICMPv6 over the IPv6 pseudo header).  Every builder takes override arguments for the fields a
fuzzer wants to break (lengths, data offset, checksum).

Capture format: classic pcap, magic a1b2c3d4 (microsecond timestamps), version 2.4,
snaplen 262144, linktype 1 (Ethernet), written little-endian.
"""
import array
import ipaddress
import struct
import sys

# --------------------------------------------------------------------------- constants
LINKTYPE_ETHERNET = 1
PCAP_MAGIC_US = 0xA1B2C3D4
SNAPLEN = 262144
SRC_MAC = bytes.fromhex('020000000a01')   # locally administered, fixed
DST_MAC = bytes.fromhex('020000000a02')
ETH_IPV4 = 0x0800
ETH_IPV6 = 0x86DD

PROTO_ICMP = 1
PROTO_TCP = 6
PROTO_UDP = 17
PROTO_ICMPV6 = 58

# TCP flag bits (byte 13 of the header)
FIN, SYN, RST, PSH, ACK, URG, ECE, CWR = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80
FLAG_LETTERS = ((FIN, 'F'), (SYN, 'S'), (RST, 'R'), (PSH, 'P'), (ACK, 'A'), (URG, 'U'),
                (ECE, 'E'), (CWR, 'C'))

_LITTLE = sys.byteorder == 'little'


def flag_str(flags):
    s = ''.join(ch for bit, ch in FLAG_LETTERS if flags & bit)
    return s or '.'


# --------------------------------------------------------------------------- checksums
def _sum16(data):
    """Sum of the big-endian 16-bit words of data (odd length padded with a zero byte)."""
    if len(data) & 1:
        data = data + b'\x00'
    a = array.array('H', data)
    if _LITTLE:
        a.byteswap()
    return sum(a)


def fold(s):
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def inet_checksum(data, initial=0):
    """Internet checksum (RFC 1071) of data: the value to store in the checksum field."""
    return (~fold(_sum16(data) + initial)) & 0xFFFF


def pseudo_sum(src, dst, proto, length):
    """Partial sum of the IPv4 (4-byte addresses) or IPv6 (16-byte) pseudo header."""
    if len(src) == 4:
        ph = src + dst + struct.pack('!BBH', 0, proto, length & 0xFFFF)
    else:
        ph = src + dst + struct.pack('!IxxxB', length, proto)
    return _sum16(ph)


def l4_checksum(src, dst, proto, segment):
    """Checksum of an L4 segment whose checksum field is zero."""
    return inet_checksum(segment, pseudo_sum(src, dst, proto, len(segment)))


def addr(a):
    """'10.0.0.1' / 'fd00::1' / bytes -> packed bytes."""
    if isinstance(a, (bytes, bytearray)):
        return bytes(a)
    return ipaddress.ip_address(a).packed


# --------------------------------------------------------------------------- L3
def ipv4(src, dst, proto, payload, ttl=64, ident=0, tos=0, df=True, total_length=None,
         csum=None, frag_offset=0, more_fragments=False):
    src, dst = addr(src), addr(dst)
    tl = 20 + len(payload) if total_length is None else total_length
    fl = (0x4000 if df else 0) | (0x2000 if more_fragments else 0) | (frag_offset & 0x1FFF)
    hdr = struct.pack('!BBHHHBBH4s4s', 0x45, tos, tl & 0xFFFF, ident & 0xFFFF, fl, ttl, proto,
                      0, src, dst)
    c = inet_checksum(hdr) if csum is None else csum
    return hdr[:10] + struct.pack('!H', c) + hdr[12:] + payload


def ipv6(src, dst, nh, payload, hlim=64, tclass=0, flow=0, payload_length=None):
    src, dst = addr(src), addr(dst)
    pl = len(payload) if payload_length is None else payload_length
    first = (6 << 28) | ((tclass & 0xFF) << 20) | (flow & 0xFFFFF)
    return struct.pack('!IHBB16s16s', first, pl & 0xFFFF, nh, hlim, src, dst) + payload


def ip(src, dst, proto, payload, **kw):
    """IPv4 or IPv6 depending on the address family of src."""
    if len(addr(src)) == 4:
        return ipv4(src, dst, proto, payload, **kw)
    return ipv6(src, dst, proto, payload, **kw)


def ether(packet):
    """Fixed-MAC Ethernet frame around an IP packet (ethertype from the IP version); a VlanFrame
    is already a frame and is returned as it is."""
    if isinstance(packet, VlanFrame):
        return bytes(packet)
    et = ETH_IPV6 if (packet[0] >> 4) == 6 else ETH_IPV4
    return DST_MAC + SRC_MAC + struct.pack('!H', et) + packet


VLAN_TPIDS = (0x8100, 0x88A8, 0x9100)


class VlanFrame(bytes):
    """An Ethernet frame whose IP packet sits behind VLAN tags. Sequences hold it where they
    hold IP packets; `ether` writes it as it is and `ip_of` finds the IP packet in it."""

    @classmethod
    def of(cls, packet, tags):
        """tags: [(tpid, vlan id)], outermost first."""
        et = ETH_IPV6 if (packet[0] >> 4) == 6 else ETH_IPV4
        # Each tag is its TPID then its TCI; the last TCI is followed by the IP ethertype.
        head = b''.join(struct.pack('!HH', tpid, vid & 0x0FFF) for tpid, vid in tags)
        return cls(DST_MAC + SRC_MAC + head + struct.pack('!H', et) + packet)


def ip_of(packet):
    """The IP packet of a sequence element (an IP packet, or a VlanFrame)."""
    return strip_ether(packet) if isinstance(packet, VlanFrame) else packet


# --------------------------------------------------------------------------- TCP
def tcp_options(mss=None, wscale=None, sack_perm=False, sack=None, ts=None, nops=0, raw=b''):
    """TCP options, NOP-padded to a multiple of 4 bytes.
    sack: list of (left, right) edges; ts: (tsval, tsecr)."""
    o = b'\x01' * nops
    if mss is not None:
        o += struct.pack('!BBH', 2, 4, mss & 0xFFFF)
    if sack_perm:
        o += b'\x01\x01\x04\x02'
    if ts is not None:
        o += b'\x01\x01' + struct.pack('!BBII', 8, 10, ts[0] & 0xFFFFFFFF, ts[1] & 0xFFFFFFFF)
    if wscale is not None:
        o += b'\x01' + struct.pack('!BBB', 3, 3, wscale & 0xFF)
    if sack:
        o += b'\x01\x01' + struct.pack('!BB', 5, 2 + 8 * len(sack))
        for left, right in sack:
            o += struct.pack('!II', left & 0xFFFFFFFF, right & 0xFFFFFFFF)
    o += raw
    if len(o) % 4:
        o += b'\x00' * (4 - len(o) % 4)          # EOL padding
    if len(o) > 40:
        raise ValueError('TCP options longer than 40 bytes')
    return o


def tcp(src, dst, sport, dport, seq, ack, flags, win, options=b'', payload=b'', urg=0,
        doff=None, reserved=0, csum=None):
    """A TCP segment (header + options + payload). doff in 32-bit words (default: real)."""
    src, dst = addr(src), addr(dst)
    d = (20 + len(options)) // 4 if doff is None else doff
    hdr = struct.pack('!HHIIBBHHH', sport & 0xFFFF, dport & 0xFFFF, seq & 0xFFFFFFFF,
                      ack & 0xFFFFFFFF, ((d & 0xF) << 4) | (reserved & 0xF), flags & 0xFF,
                      win & 0xFFFF, 0, urg & 0xFFFF)
    seg = hdr + options + payload
    c = l4_checksum(src, dst, PROTO_TCP, seg) if csum is None else csum
    return seg[:16] + struct.pack('!H', c) + seg[18:]


def tcp_packet(src, dst, sport, dport, seq, ack, flags, win, options=b'', payload=b'', **kw):
    ipkw = {k: kw.pop(k) for k in ('ttl', 'ident', 'hlim') if k in kw}
    return ip(src, dst, PROTO_TCP,
              tcp(src, dst, sport, dport, seq, ack, flags, win, options, payload, **kw), **ipkw)


# --------------------------------------------------------------------------- UDP
def udp(src, dst, sport, dport, payload=b'', length=None, csum=None, zero_csum=False):
    src, dst = addr(src), addr(dst)
    ln = 8 + len(payload) if length is None else length
    seg = struct.pack('!HHHH', sport & 0xFFFF, dport & 0xFFFF, ln & 0xFFFF, 0) + payload
    if zero_csum:
        c = 0
    elif csum is None:
        c = _udp_csum(src, dst, seg)
    else:
        c = csum
    return seg[:6] + struct.pack('!H', c) + seg[8:]


def _udp_csum(src, dst, seg):
    """UDP checksum over the bytes the length field covers (the whole segment when the
    length field is impossible: < 8 or beyond the data)."""
    ln = struct.unpack('!H', seg[4:6])[0]
    covered = seg[:ln] if 8 <= ln <= len(seg) else seg
    c = l4_checksum(src, dst, PROTO_UDP, covered[:6] + b'\x00\x00' + covered[8:])
    return c or 0xFFFF


def udp_packet(src, dst, sport, dport, payload=b'', **kw):
    ipkw = {k: kw.pop(k) for k in ('ttl', 'ident', 'hlim') if k in kw}
    return ip(src, dst, PROTO_UDP, udp(src, dst, sport, dport, payload, **kw), **ipkw)


# --------------------------------------------------------------------------- SCTP, UDP-Lite, GRE, DCCP
PROTO_DCCP = 33
PROTO_GRE = 47
PROTO_SCTP = 132
PROTO_UDPLITE = 136


def _crc32c_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_CRC32C = _crc32c_table()


def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = _CRC32C[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def sctp_chunk(typ, flags=0, value=b'', length=None):
    """One SCTP chunk: type, flags, length (4 + value unless overridden), value, zero padding to
    a multiple of 4 (RFC 9260 3.2)."""
    ln = 4 + len(value) if length is None else length
    c = struct.pack('!BBH', typ & 0xFF, flags & 0xFF, ln & 0xFFFF) + value
    return c + b'\x00' * (-len(c) % 4)


def sctp(sport, dport, vtag, chunks, csum=None):
    """SCTP common header and chunks; the CRC32c is stored as RFC 9260 appendix A puts it."""
    m = struct.pack('!HHII', sport & 0xFFFF, dport & 0xFFFF, vtag & 0xFFFFFFFF, 0) + b''.join(chunks)
    c = crc32c(m) if csum is None else csum
    return m[:8] + struct.pack('<I', c) + m[12:]


def udplite(src, dst, sport, dport, payload=b'', coverage=0):
    """UDP-Lite (RFC 3828): the length field is the checksum coverage (0 = all)."""
    src, dst = addr(src), addr(dst)
    seg = struct.pack('!HHHH', sport & 0xFFFF, dport & 0xFFFF, coverage & 0xFFFF, 0) + payload
    covered = seg if coverage == 0 else seg[:max(8, min(coverage, len(seg)))]
    c = fold(_sum16(covered) + pseudo_sum(src, dst, PROTO_UDPLITE, len(seg))) ^ 0xFFFF
    return seg[:6] + struct.pack('!H', c or 0xFFFF) + seg[8:]


def gre(version=0, proto=0x0800, key=None, payload=b'', call_id=0):
    """GRE: version 0 (RFC 2784/2890, optional key) or version 1 (PPTP, RFC 2637: key field is
    payload length and call id)."""
    if version == 1:
        return struct.pack('!HHHH', 0x2001, 0x880B, len(payload), call_id & 0xFFFF) + payload
    flags = 0x2000 if key is not None else 0
    return struct.pack('!HH', flags, proto) + (struct.pack('!I', key) if key is not None else b'') + payload


def dccp(sport, dport, typ=0, seq=1, payload=b''):
    """DCCP generic header with extended (48-bit) sequence numbers (RFC 4340 5.1)."""
    return struct.pack('!HHBBHBBH', sport & 0xFFFF, dport & 0xFFFF, 4, 0, 0, (typ & 0xF) << 1 | 1, 0,
                       (seq >> 32) & 0xFFFF) + struct.pack('!I', seq & 0xFFFFFFFF) + payload


# --------------------------------------------------------------------------- ICMP / ICMPv6
def icmp(typ, code, rest=b'\x00\x00\x00\x00', body=b'', csum=None):
    """ICMPv4 message: type, code, checksum, 4 bytes 'rest of header', body."""
    m = struct.pack('!BBH', typ & 0xFF, code & 0xFF, 0) + rest + body
    c = inet_checksum(m) if csum is None else csum
    return m[:2] + struct.pack('!H', c) + m[4:]


def icmpv6(src, dst, typ, code, rest=b'\x00\x00\x00\x00', body=b'', csum=None):
    """ICMPv6 message; the checksum covers the IPv6 pseudo header (next header 58)."""
    src, dst = addr(src), addr(dst)
    m = struct.pack('!BBH', typ & 0xFF, code & 0xFF, 0) + rest + body
    c = l4_checksum(src, dst, PROTO_ICMPV6, m) if csum is None else csum
    return m[:2] + struct.pack('!H', c) + m[4:]


def icmp_any(src, dst, typ, code, rest=b'\x00\x00\x00\x00', body=b'', **kw):
    """ICMP message for IPv4 sources, ICMPv6 for IPv6 sources (L4 only)."""
    if len(addr(src)) == 4:
        return icmp(typ, code, rest, body, **kw)
    return icmpv6(src, dst, typ, code, rest, body, **kw)


def icmp_packet(src, dst, typ, code, rest=b'\x00\x00\x00\x00', body=b'', proto=None, **kw):
    """Full IP packet carrying ICMP (IPv4) or ICMPv6 (IPv6). proto overrides the IP protocol
    number (e.g. ICMPv6 carried over IPv4) - the checksum is then the L4 one of that proto."""
    ipkw = {k: kw.pop(k) for k in ('ttl', 'ident', 'hlim') if k in kw}
    v4 = len(addr(src)) == 4
    p = proto if proto is not None else (PROTO_ICMP if v4 else PROTO_ICMPV6)
    if p == PROTO_ICMPV6:
        m = icmpv6(src, dst, typ, code, rest, body, **kw)
    else:
        m = icmp(typ, code, rest, body, **kw)
    return ip(src, dst, p, m, **ipkw)


def echo_rest(ident, seq):
    return struct.pack('!HH', ident & 0xFFFF, seq & 0xFFFF)


def quote(packet, l4_bytes=8):
    """The part of `packet` an ICMP error quotes: its IP header plus the first l4_bytes of
    the L4 payload (None = the whole packet)."""
    if l4_bytes is None:
        return packet
    if (packet[0] >> 4) == 6:
        hl = 40
    else:
        hl = (packet[0] & 0xF) * 4
    return packet[:hl + l4_bytes]


def icmp_error_packet(src, dst, typ, code, quoted_packet, l4_bytes=8, rest=b'\x00\x00\x00\x00',
                      **kw):
    """ICMP / ICMPv6 error from src to dst quoting quoted_packet (IP header + l4_bytes of its
    L4 data, or all of it when l4_bytes is None)."""
    return icmp_packet(src, dst, typ, code, rest, quote(quoted_packet, l4_bytes), **kw)


def fix_checksum(packet):
    """Recompute the L4 checksum of an IP packet (after truncating or editing its L4 data).
    Leaves packets alone whose L4 data is too short to hold the checksum field, and keeps a
    zero UDP checksum (= none) as it is.  IPv4 header checksum is recomputed too."""
    ver = packet[0] >> 4
    if ver == 4:
        ihl = (packet[0] & 0xF) * 4
        hdr = packet[:10] + b'\x00\x00' + packet[12:ihl]
        hdr = hdr[:10] + struct.pack('!H', inet_checksum(hdr)) + hdr[12:]
        proto, src, dst, l4 = packet[9], packet[12:16], packet[16:20], packet[ihl:]
    else:
        hdr = packet[:40]
        proto, src, dst, l4 = packet[6], packet[8:24], packet[24:40], packet[40:]
    off = {PROTO_TCP: 16, PROTO_UDP: 6, PROTO_ICMP: 2, PROTO_ICMPV6: 2}.get(proto)
    if off is None or len(l4) < off + 2:
        return hdr + l4
    if proto == PROTO_UDP and l4[6:8] == b'\x00\x00':
        return hdr + l4
    z = l4[:off] + b'\x00\x00' + l4[off + 2:]
    if proto == PROTO_UDP:
        c = _udp_csum(src, dst, z)
    elif proto == PROTO_ICMP:
        c = inet_checksum(z)
    else:
        c = l4_checksum(src, dst, proto, z)
    return hdr + z[:off] + struct.pack('!H', c) + z[off + 2:]


def truncate_l4(packet, n):
    """Keep only the first n bytes of the L4 data (IP lengths and checksums fixed)."""
    if (packet[0] >> 4) == 4:
        ihl = (packet[0] & 0xF) * 4
        p = packet[:2] + struct.pack('!H', ihl + n) + packet[4:ihl] + packet[ihl:ihl + n]
    else:
        p = packet[:4] + struct.pack('!H', n) + packet[6:40] + packet[40:40 + n]
    return fix_checksum(p)


# --------------------------------------------------------------------------- pcap
class PcapWriter:
    """Classic pcap writer. `write(ip_packet_or_frame, ts_us)`."""

    def __init__(self, f, linktype=LINKTYPE_ETHERNET, snaplen=SNAPLEN):
        self.f = f
        f.write(struct.pack('<IHHiIII', PCAP_MAGIC_US, 2, 4, 0, 0, snaplen, linktype))

    def write_frame(self, frame, ts_us):
        sec, usec = divmod(ts_us, 1_000_000)
        self.f.write(struct.pack('<IIII', sec, usec, len(frame), len(frame)))
        self.f.write(frame)

    def write_packet(self, packet, ts_us):
        self.write_frame(ether(packet), ts_us)


BASE_TS_US = 1_700_000_000 * 1_000_000


def write_pcap(path, packets, start_us=BASE_TS_US, step_us=1):
    """Write IP packets as Ethernet frames, timestamps start_us, start_us+step_us, ..."""
    with open(path, 'wb') as f:
        w = PcapWriter(f)
        for i, p in enumerate(packets):
            w.write_packet(p, start_us + i * step_us)


def read_pcap(path):
    """Minimal classic-pcap reader: list of (ts_us, frame bytes); also returns the linktype.
    Handles both byte orders and both microsecond/nanosecond magics."""
    with open(path, 'rb') as f:
        data = f.read()
    magic = struct.unpack('<I', data[:4])[0]
    if magic in (0xA1B2C3D4, 0xA1B23C4D):
        e = '<'
    else:
        e = '>'
        magic = struct.unpack('>I', data[:4])[0]
        if magic not in (0xA1B2C3D4, 0xA1B23C4D):
            raise ValueError('not a classic pcap file')
    nano = magic == 0xA1B23C4D
    linktype = struct.unpack(e + 'I', data[20:24])[0]
    out, off = [], 24
    while off < len(data):
        if off + 16 > len(data):
            raise ValueError('truncated record header at %d' % off)
        sec, frac, incl, _orig = struct.unpack(e + 'IIII', data[off:off + 16])
        off += 16
        if off + incl > len(data):
            raise ValueError('truncated record at %d' % off)
        ts = sec * 1_000_000 + (frac // 1000 if nano else frac)
        out.append((ts, data[off:off + incl]))
        off += incl
    return out, linktype


# --------------------------------------------------------------------------- verifier
def verify_packet(packet):
    """Check every checksum we can check in an IP packet. Returns a list of problems
    (empty = all checksums verify).  Deliberately independent of the builders above:
    a correct checksum makes the one's-complement sum over the covered bytes 0xFFFF."""
    probs = []
    ver = packet[0] >> 4
    if ver == 4:
        ihl = (packet[0] & 0xF) * 4
        if fold(_sum16(packet[:ihl])) != 0xFFFF:
            probs.append('ipv4 header checksum')
        tl = struct.unpack('!H', packet[2:4])[0]
        proto = packet[9]
        src, dst = packet[12:16], packet[16:20]
        frag = struct.unpack('!H', packet[6:8])[0] & 0x3FFF
        l4 = packet[ihl:tl]
        if frag:
            return probs
    elif ver == 6:
        pl = struct.unpack('!H', packet[4:6])[0]
        proto = packet[6]
        src, dst = packet[8:24], packet[24:40]
        l4 = packet[40:40 + pl]
    else:
        return ['not IP']
    off = {PROTO_TCP: 16, PROTO_UDP: 6, PROTO_ICMP: 2, PROTO_ICMPV6: 2}.get(proto)
    if off is None or len(l4) < off + 2:
        return probs                     # no checksum field to check (truncated on purpose)
    if proto == PROTO_UDP:
        if l4[6:8] == b'\x00\x00':
            return probs                 # "no checksum" (legal over IPv4; deliberate over IPv6)
        ln = struct.unpack('!H', l4[4:6])[0]
        if 8 <= ln <= len(l4):
            l4 = l4[:ln]
    if proto in (PROTO_TCP, PROTO_UDP, PROTO_ICMPV6):
        if fold(_sum16(l4) + pseudo_sum(src, dst, proto, len(l4))) != 0xFFFF:
            probs.append('%s checksum' % {6: 'tcp', 17: 'udp', 58: 'icmpv6'}[proto])
    elif proto == PROTO_ICMP:
        if fold(_sum16(l4)) != 0xFFFF:
            probs.append('icmp checksum')
    return probs


def strip_ether(frame):
    """The IP packet of an Ethernet frame, behind any VLAN tags."""
    et, at = struct.unpack('!H', frame[12:14])[0], 14
    while et in VLAN_TPIDS and len(frame) >= at + 4:
        et, at = struct.unpack('!H', frame[at + 2:at + 4])[0], at + 4
    if et not in (ETH_IPV4, ETH_IPV6):
        raise ValueError('ethertype %04x' % et)
    return bytes(frame[at:])
