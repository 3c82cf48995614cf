"""Capture input: pcap / pcapng reading and conversion to bridgeable Ethernet frames.

Every frame of the input is numbered from 1 (whatever it contains). Frames that hold an
IPv4 or IPv6 packet (possibly behind VLAN tags, PPPoE, Linux cooked headers, BSD loopback
headers or no link header at all) are rewritten as plain Ethernet II frames with two fixed
unicast MAC addresses, so the lab bridge floods them out of its other port and never hands
them to its own IP stack. Two repairs keep the kernel from discarding packets before
conntrack sees them: a packet cut short by the capture snaplen is zero-padded to the length
its IP header announces, and a wrong IPv4 header checksum is recomputed. Link-layer padding
after the IP datagram is cut off (the bridge netfilter glue trims it anyway).

For the per-frame trace we also work out what the NFLOG rule will see: a plain packet is
logged as it was sent; a set of fragments is logged once, reassembled, and that record is
credited to the fragment at offset 0 (the others become ``frag``).
"""

import struct

SRC_MAC = bytes.fromhex("020000c0ffa1")
DST_MAC = bytes.fromhex("020000c0ffb2")

ETH_IPV4 = 0x0800
ETH_IPV6 = 0x86DD
VLAN_TYPES = (0x8100, 0x88A8, 0x9100, 0x9200)
PPPOE_SESSION = 0x8864

# IPv6 extension headers we walk through looking for a fragment header: the ones the kernel's
# defragmentation walks (mobility, HIP and shim6 end the walk there, as they end conntrack's).
_V6_EXT = {0, 43, 60}
_V6_FRAG = 44
_V6_AH = 51


class CaptureError(Exception):
    pass


# --------------------------------------------------------------------------- reading

def _read_classic(data):
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        order = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        order = ">"
    else:
        raise CaptureError("not a pcap file")
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    if len(data) < 24:
        raise CaptureError("truncated pcap header")
    linktype = struct.unpack(order + "I", data[20:24])[0] & 0xFFFF
    div = 1e9 if nano else 1e6
    pos = 24
    rec = struct.Struct(order + "IIII")
    while pos + 16 <= len(data):
        sec, frac, incl, orig = rec.unpack_from(data, pos)
        pos += 16
        if pos + incl > len(data):
            break                      # truncated last record: ignore it
        yield linktype, sec + frac / div, data[pos:pos + incl], orig
        pos += incl


def _read_pcapng(data):
    pos = 0
    order = "<"
    ifaces = []                        # (linktype, ticks per second, snaplen)
    while pos + 12 <= len(data):
        btype = struct.unpack_from(order + "I", data, pos)[0]
        if btype == 0x0A0D0D0A:        # section header: learn the byte order
            bom = data[pos + 8:pos + 12]
            order = "<" if bom == b"\x4d\x3c\x2b\x1a" else ">"
            ifaces = []
        blen = struct.unpack_from(order + "I", data, pos + 4)[0]
        if blen < 12 or pos + blen > len(data):
            break
        body = data[pos + 8:pos + blen - 4]
        if btype == 1:                 # interface description
            linktype, _, snap = struct.unpack_from(order + "HHI", body, 0)
            tps = 10 ** 6
            opos = 8
            while opos + 4 <= len(body):
                code, olen = struct.unpack_from(order + "HH", body, opos)
                if code == 0:
                    break
                if code == 9 and olen >= 1:
                    v = body[opos + 4]
                    tps = (2 ** (v & 0x7F)) if v & 0x80 else (10 ** v)
                opos += 4 + ((olen + 3) & ~3)
            ifaces.append((linktype, tps, snap))
        elif btype == 6:               # enhanced packet
            iid, hi, lo, cap, orig = struct.unpack_from(order + "IIIII", body, 0)
            lt, tps, _ = ifaces[iid] if iid < len(ifaces) else (1, 10 ** 6, 0)
            yield lt, ((hi << 32) | lo) / tps, body[20:20 + cap], orig
        elif btype == 3:               # simple packet
            orig = struct.unpack_from(order + "I", body, 0)[0]
            lt, _, snap = ifaces[0] if ifaces else (1, 10 ** 6, 0)
            cap = min(orig, snap) if snap else orig
            yield lt, 0.0, body[4:4 + cap], orig
        elif btype == 2:               # obsolete packet block
            iid, _, hi, lo, cap, orig = struct.unpack_from(order + "HHIIII", body, 0)
            lt, tps, _ = ifaces[iid] if iid < len(ifaces) else (1, 10 ** 6, 0)
            yield lt, ((hi << 32) | lo) / tps, body[20:20 + cap], orig
        pos += blen


def read_frames(path):
    """Yield (linktype, timestamp, bytes, original length) for every frame of a capture."""
    with open(path, "rb") as fh:
        data = fh.read()
    if data[:4] == b"\x0a\x0d\x0d\x0a":
        return _read_pcapng(data)
    return _read_classic(data)


# --------------------------------------------------------------------------- link layers

def _after_ethertype(etype, buf, pos):
    """Follow VLAN tags and PPPoE to the network layer; return (ethertype, offset)."""
    while etype in VLAN_TYPES and pos + 4 <= len(buf):
        etype = struct.unpack_from("!H", buf, pos + 2)[0]
        pos += 4
    if etype == PPPOE_SESSION and pos + 8 <= len(buf):
        ppp = struct.unpack_from("!H", buf, pos + 6)[0]
        pos += 8
        etype = {0x0021: ETH_IPV4, 0x0057: ETH_IPV6}.get(ppp, 0)
    return etype, pos


def network_payload(linktype, buf):
    """Return the bytes starting at the IP header, or None when the frame is not IP."""
    if linktype == 1:                                   # Ethernet
        if len(buf) < 14:
            return None
        etype, pos = _after_ethertype(struct.unpack_from("!H", buf, 12)[0], buf, 14)
        if etype not in (ETH_IPV4, ETH_IPV6):
            return None
        return buf[pos:]
    if linktype in (0, 108):                            # BSD loopback (AF in 4 bytes)
        return buf[4:]
    if linktype in (12, 14, 101, 228, 229):             # raw IP
        return buf
    if linktype == 113:                                 # Linux cooked v1
        if len(buf) < 16:
            return None
        etype, pos = _after_ethertype(struct.unpack_from("!H", buf, 14)[0], buf, 16)
        return buf[pos:] if etype in (ETH_IPV4, ETH_IPV6) else None
    if linktype == 276:                                 # Linux cooked v2
        if len(buf) < 20:
            return None
        etype, pos = _after_ethertype(struct.unpack_from("!H", buf, 0)[0], buf, 20)
        return buf[pos:] if etype in (ETH_IPV4, ETH_IPV6) else None
    if linktype in (9, 50):                             # PPP / PPP in HDLC framing
        pos = 2 if buf[:2] == b"\xff\x03" else 0
        if pos + 2 > len(buf):
            return None
        proto = struct.unpack_from("!H", buf, pos)[0]
        if proto in (0x0021, 0x0057):
            return buf[pos + 2:]
        return None
    raise CaptureError("unsupported link type %d" % linktype)


def ipv4_checksum(hdr):
    total = 0
    for i in range(0, len(hdr) - 1, 2):
        total += (hdr[i] << 8) | hdr[i + 1]
    if len(hdr) % 2:
        total += hdr[-1] << 8
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return (~total) & 0xFFFF


# --------------------------------------------------------------------------- trace units

class Unit:
    """One thing the NFLOG rule should log once: a packet, or a reassembled datagram."""

    __slots__ = ("frame", "members", "kind", "key", "probe", "offset", "have_first",
                 "have_last", "pieces", "length", "alone")

    def __init__(self, frame, kind, key=None, probe=b"", offset=0):
        self.frame = frame          # frame credited with the conntrack verdict (0: none yet)
        self.members = [frame] if frame else []
        self.kind = kind            # "pkt", "v4frag", "v6frag"
        self.key = key
        self.probe = probe          # bytes the logged packet must contain at .offset
        self.offset = offset
        self.have_first = False     # fragments only: offset 0 seen
        self.have_last = False      # fragments only: the piece without "more" seen
        self.pieces = []            # fragments only: (start, end) of the data seen
        self.length = None          # fragments only: the datagram's data length, once known
        # IPv6 fragments: each first fragment as sent, [frame, bytes, credited]: one the kernel
        # did not queue (its transport header cut short) is logged alone, as it is
        self.alone = []

    def complete(self):
        """Whether the fragments seen cover the datagram from 0 to its end without a hole."""
        if self.length is None:
            return False
        reach = 0
        for start, end in sorted(self.pieces):
            if start > reach:
                return False
            reach = max(reach, end)
        return reach >= self.length

    def matches(self, fam, pkt):
        if self.kind == "pkt":
            return fam == self.key and self.probe[:len(pkt)] == pkt[:len(self.probe)]
        if self.kind == "atomic":
            # logged reassembled (fragment header gone) or, where defragmentation left it alone
            # (payload length 0), as sent
            return fam == 6 and any(p[:len(pkt)] == pkt[:len(p)] for p in self.probe)
        if self.kind == "v4frag":
            if fam != 4 or len(pkt) < 20 or (pkt[12:20], pkt[9], pkt[4:6]) != self.key:
                return False
            # the reassembled datagram starts with the first fragment's data (an unfragmented
            # packet that happens to carry the same id does not)
            ihl = (pkt[0] & 15) * 4
            want = self.probe[:max(0, len(pkt) - ihl)]
            return not self.probe or pkt[ihl:ihl + len(want)] == want
        if fam != 6 or len(pkt) < 40 or pkt[8:40] != self.key[0]:
            return False
        for entry in self.alone:
            if not entry[2] and pkt[:len(entry[1])] == entry[1][:len(pkt)]:
                return ("alone", entry)
        want = self.probe[:max(0, min(len(self.probe), len(pkt) - self.offset))]
        return bool(want) and pkt[self.offset:self.offset + len(want)] == want


def _v6_fragment(pkt):
    """(offset of the fragment header, frag offset, more flag, id, offset of the next-header
    byte that names it) or None."""
    nxt = pkt[6]
    pos, names_it = 40, 6
    while True:
        if nxt == _V6_FRAG:
            if pos + 8 > len(pkt):
                return None
            off_m, ident = struct.unpack_from("!HI", pkt, pos + 2)
            return pos, off_m & 0xFFF8, off_m & 1, ident, names_it
        if nxt in _V6_EXT:
            if pos + 2 > len(pkt):
                return None
            nxt, hlen = pkt[pos], (pkt[pos + 1] + 1) * 8
        elif nxt == _V6_AH:
            if pos + 2 > len(pkt):
                return None
            nxt, hlen = pkt[pos], (pkt[pos + 1] + 2) * 4
        else:
            return None
        names_it = pos
        pos += hlen


def _without_fragment_header(pkt, hpos, names_it):
    """An atomic fragment as reassembly leaves it: the fragment header removed, the header that
    named it now naming what followed it, the payload length 8 shorter."""
    out = bytearray(pkt[:hpos] + pkt[hpos + 8:])
    out[names_it] = pkt[hpos]
    out[4:6] = struct.pack("!H", max(0, struct.unpack_from("!H", pkt, 4)[0] - 8))
    return bytes(out)


class Prepared:
    """A capture converted for replay."""

    def __init__(self):
        self.frames = []        # (timestamp, ethernet frame bytes)
        self.ip_frames = []     # original frame numbers of the frames above, same order
        self.units = []         # Unit objects in replay order
        self.total_frames = 0
        self.skipped = {}       # reason -> count
        self.padded = 0
        self.csum_fixed = 0
        self.v4 = 0
        self.v6 = 0

    def summary(self):
        return ("%d frames, %d IPv4 + %d IPv6 replayed, skipped %s, padded %d, "
                "ip-csum-fixed %d" % (self.total_frames, self.v4, self.v6,
                                      self.skipped or "{}", self.padded, self.csum_fixed))


def _fix_ip(pkt, prep):
    """Trim/pad to the IP length and repair the IPv4 header checksum; None if hopeless."""
    ver = pkt[0] >> 4 if pkt else 0
    if ver == 4:
        if len(pkt) < 20:
            return None, 0
        ihl = (pkt[0] & 15) * 4
        total = struct.unpack_from("!H", pkt, 2)[0]
        if ihl < 20 or len(pkt) < ihl:
            return pkt, 4                 # leave it: the kernel will drop it, trace says so
        pkt = bytearray(pkt)
        if total == 0:                    # TSO-style capture with no length: use the frame
            total = min(len(pkt), 65535)
            pkt[2:4] = struct.pack("!H", total)
        if total >= ihl:
            if len(pkt) < total:
                pkt += bytes(total - len(pkt))
                prep.padded += 1
            del pkt[total:]
        stored = struct.unpack_from("!H", pkt, 10)[0]
        pkt[10:12] = b"\0\0"
        good = ipv4_checksum(pkt[:ihl])
        if good != stored:
            prep.csum_fixed += 1
        pkt[10:12] = struct.pack("!H", good)
        return bytes(pkt), 4
    if ver == 6:
        if len(pkt) < 40:
            return None, 0
        plen = struct.unpack_from("!H", pkt, 4)[0]
        if plen:                          # 0 would be a jumbogram: leave untouched
            want = 40 + plen
            if len(pkt) < want:
                pkt = pkt + bytes(want - len(pkt))
                prep.padded += 1
            pkt = pkt[:want]
        return bytes(pkt), 6
    return None, 0


def prepare(path):
    """Read a capture and build the replay frames plus the expected trace units."""
    prep = Prepared()
    open_frags = {}                       # reassembly key -> Unit still waiting
    for number, (linktype, ts, buf, _orig) in enumerate(read_frames(path), 1):
        prep.total_frames = number
        payload = network_payload(linktype, buf)
        if payload is None:
            prep.skipped["non-ip"] = prep.skipped.get("non-ip", 0) + 1
            continue
        pkt, fam = _fix_ip(payload, prep)
        if pkt is None:
            prep.skipped["bad-ip"] = prep.skipped.get("bad-ip", 0) + 1
            continue
        if fam == 4:
            prep.v4 += 1
        else:
            prep.v6 += 1
        ethertype = ETH_IPV4 if fam == 4 else ETH_IPV6
        prep.frames.append((ts, DST_MAC + SRC_MAC + struct.pack("!H", ethertype) + pkt))
        prep.ip_frames.append(number)
        _add_unit(prep, open_frags, number, fam, pkt)
    return prep


def _add_unit(prep, open_frags, number, fam, pkt):
    frag = None
    if fam == 4 and len(pkt) >= 20:
        flags_off = struct.unpack_from("!H", pkt, 6)[0]
        if flags_off & 0x3FFF:                       # MF set or non-zero offset
            key = (pkt[12:20], pkt[9], pkt[4:6])
            ihl = (pkt[0] & 15) * 4
            frag = ("v4frag", (4,) + key, key, (flags_off & 0x1FFF) * 8,
                    bool(flags_off & 0x2000), pkt[ihl:ihl + 24], 0, len(pkt) - ihl)
    elif fam == 6:
        info = _v6_fragment(pkt)
        if info and not (info[1] or info[2]):        # atomic: reassembled at once
            alone = _without_fragment_header(pkt, info[0], info[4])
            prep.units.append(Unit(number, "atomic", None, [alone[:256], pkt[:256]]))
            return
        if info:
            hpos, off, more, ident, _ = info
            key = (pkt[8:40],)
            frag = ("v6frag", (6, pkt[8:40], ident), key, off, bool(more),
                    pkt[hpos + 8:hpos + 8 + 24], hpos, len(pkt) - hpos - 8)
    if frag is None:
        prep.units.append(Unit(number, "pkt", fam, pkt[:256]))
        return
    kind, rkey, key, off, more, probe, hpos, size = frag
    unit = open_frags.get(rkey)
    if unit is None:
        unit = Unit(0, kind, key)
        open_frags[rkey] = unit
        prep.units.append(unit)
    unit.members.append(number)
    unit.pieces.append((off, off + max(0, size)))
    if off == 0 and not unit.have_first:
        # a later copy of the first fragment is a duplicate: the first copy stays credited
        unit.frame = number
        unit.have_first = True
        unit.probe = probe
        if kind == "v6frag":
            unit.offset = hpos
    if off == 0 and kind == "v6frag":
        unit.alone.append([number, pkt[:256], False])
    if not more:
        unit.have_last = True
        unit.length = off + max(0, size)
    if unit.complete():
        # A later datagram with the same key starts a new unit, as the kernel's reassembly
        # queue is gone by then.
        del open_frags[rkey]


def write_pcap(path, frames):
    """Write Ethernet frames [(timestamp, bytes)] as a classic microsecond pcap."""
    with open(path, "wb") as fh:
        fh.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        for ts, frame in frames:
            sec = int(ts)
            usec = int(round((ts - sec) * 1e6))
            if usec >= 1000000:
                sec, usec = sec + 1, usec - 1000000
            fh.write(struct.pack("<IIII", sec, usec, len(frame), len(frame)))
            fh.write(frame)
