"""variants.py - the sysctl settings a share of every fuzz run goes through, and what the
generator does differently under them.

Each variant names the sysctls both the kernel runner (--sysctl) and our side (--set) run with,
and the sequence kinds whose answers those settings change. Under nf_conntrack_checksum=1 the
generator also breaks the transport checksum of some packets, so that the setting has something
to reject.
"""
import struct
from collections import OrderedDict

TCP_SHAPES = ['tcp_loose', 'tcp_window', 'tcp_rst_fin', 'tcp_retrans', 'tcp_perturb', 'tcp_reopen']

VARIANTS = OrderedDict([
    ('checksum', ({'nf_conntrack_checksum': 1}, None)),          # every kind
    ('no-loose', ({'nf_conntrack_tcp_loose': 0}, TCP_SHAPES)),
    ('liberal', ({'nf_conntrack_tcp_be_liberal': 1}, TCP_SHAPES)),
    ('ignore-invalid-rst', ({'nf_conntrack_tcp_ignore_invalid_rst': 1}, TCP_SHAPES)),
    ('max-retrans-1', ({'nf_conntrack_tcp_max_retrans': 1}, TCP_SHAPES)),
    ('checksum+liberal', ({'nf_conntrack_checksum': 1, 'nf_conntrack_tcp_be_liberal': 1}, None)),
    ('no-loose+ignore-invalid-rst', ({'nf_conntrack_tcp_loose': 0, 'nf_conntrack_tcp_ignore_invalid_rst': 1},
                                     TCP_SHAPES)),
])

# Where the checksum field sits in each transport header (SCTP: its CRC32c).
_CHECKSUM_AT = {6: 16, 17: 6, 136: 6, 1: 2, 58: 2, 132: 8}
BREAK_SHARE = 0.15


def sysctls(variant):
    return VARIANTS[variant][0] if variant else {}


def kinds(variant):
    return VARIANTS[variant][1] if variant else None


def break_checksums(rng, packet):
    """The packet with its transport checksum broken (one byte flipped), or as it is when it has
    none to break (another protocol, a fragment, a header too short). IP packets only."""
    ver = packet[0] >> 4
    if ver == 4:
        ihl = (packet[0] & 15) * 4
        if struct.unpack('!H', packet[6:8])[0] & 0x3FFF:
            return packet
        proto, l4 = packet[9], ihl
    elif ver == 6:
        proto, l4 = packet[6], 40
    else:
        return packet
    at = _CHECKSUM_AT.get(proto)
    if at is None or len(packet) < l4 + at + 2:
        return packet
    if proto == 17 and packet[l4 + 6:l4 + 8] == b'\x00\x00':
        return packet                                   # "no checksum" stays so
    b = bytearray(packet)
    b[l4 + at + rng.randint(0, 1)] ^= 1 << rng.randint(0, 7)
    return bytes(b)


def apply(rng, variant, packets, notes):
    """Changes a sequence for its variant: under nf_conntrack_checksum=1, breaks the checksum of
    about BREAK_SHARE of its packets (noted)."""
    if not sysctls(variant).get('nf_conntrack_checksum'):
        return
    for k, p in enumerate(packets):
        if type(p) is not bytes:
            continue                                    # VLAN frames keep their checksums
        if rng.random() < BREAK_SHARE:
            q = break_checksums(rng, p)
            if q != p:
                packets[k] = q
                notes[k] += ' [checksum broken]'
