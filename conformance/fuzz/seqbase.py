"""seqbase.py - what every fuzz sequence kind builds on: the private addresses of sequence I, the
sequence under construction (packets, their notes, link-layer tags) and small random helpers.
"""
import ipaddress
import struct

M32 = 0xFFFFFFFF
MAX_SEQUENCES = 65536


# =========================================================================== addresses
def addresses_for(index):
    if not 0 <= index < MAX_SEQUENCES:
        raise ValueError('sequence index %d out of range (max %d per run)' % (index, MAX_SEQUENCES))
    x, y = index >> 8, index & 0xFF
    return {
        'v4': ['10.%d.%d.%d' % (x, y, h) for h in (1, 2, 3)],
        'v6': [str(ipaddress.IPv6Address('fd00:%x:%x::%d' % (x, y, h))) for h in (1, 2, 3)],
        'll': str(ipaddress.IPv6Address('fe80::%x:%x:1' % (x, y))),
    }


def sequence_of_address(a):
    """Inverse of addresses_for: the sequence index owning address a (str), or None."""
    try:
        ip = ipaddress.ip_address(a)
    except ValueError:
        return None
    p = ip.packed
    if ip.version == 4:
        return (p[1] << 8) | p[2] if p[0] == 10 else None
    if p[:2] == b'\xfd\x00':
        x, y = struct.unpack('!HH', p[2:6])
    elif p[:8] == b'\xfe\x80' + b'\x00' * 6:
        x, y = struct.unpack('!HH', p[10:14])
    else:
        return None
    if x > 255 or y > 255:
        return None
    return (x << 8) | y


# =========================================================================== sequence context
class Seq:
    """One sequence under construction: packets (IP bytes) plus a note per packet."""

    def __init__(self, seed, index, rng, kind, family):
        self.seed, self.index, self.rng, self.kind, self.family = seed, index, rng, kind, family
        self.addrs = addresses_for(index)
        fam = self.addrs['v4'] if family == 'ipv4' else self.addrs['v6']
        self.a, self.b, self.c = fam            # client, server, third party
        self.packets, self.notes = [], []
        self._ports = set()

    @property
    def v6(self):
        return self.family == 'ipv6'

    def add(self, packet, note):
        self.packets.append(packet)
        self.notes.append(note)
        return packet

    def port(self, low=1024, high=65535):
        while True:
            p = self.rng.randint(low, high)
            if p not in self._ports:
                self._ports.add(p)
                return p

    def server_port(self):
        r = self.rng.random()
        if r < 0.6:
            for p in self.rng.sample([80, 443, 22, 25, 53, 8080, 5001, 7, 9, 179], 10):
                if p not in self._ports:
                    self._ports.add(p)
                    return p
        return self.port(1, 65535)

    def meta(self):
        return {'index': self.index, 'seed': self.seed, 'kind': self.kind, 'family': self.family,
                'v4': self.addrs['v4'], 'v6': self.addrs['v6'], 'll': self.addrs['ll'],
                'packets': len(self.packets), 'notes': self.notes}


def payload(n, fill=0x61):
    return bytes([fill]) * n


def pick(rng, weighted):
    """weighted: list of (weight, value)."""
    total = sum(w for w, _ in weighted)
    r = rng.random() * total
    for w, v in weighted:
        r -= w
        if r < 0:
            return v
    return weighted[-1][1]
