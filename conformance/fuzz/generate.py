#!/usr/bin/env python3
"""generate.py - seeded, reproducible generator of adversarial conntrack packet sequences.

    python3 generate.py --seed S --count N --per-capture K --out DIR [--kinds a,b] [--family v4|v6]
    python3 generate.py --seed S --only I [--out DIR]      # one sequence alone (reproduce)
    python3 generate.py --list-kinds

Writes DIR/fuzz-S-NNNN.pcap (K independent sequences each, concatenated; timestamps +1 us
per frame from a fixed base, so nothing is time dependent) and DIR/manifest.json:

    {"generator": "nfct-fuzz/2", "seed": S, "count": N, "per_capture": K,
     "captures": [{"file": "fuzz-S-0000.pcap", "frames": F, "sequences": [0, 1, ...]}],
     "sequences": [{"index": I, "seed": S, "kind": "...", "family": "ipv4",
                    "capture": "fuzz-S-0000.pcap", "first_frame": a, "last_frame": b,
                    "v4": ["10.X.Y.1", "10.X.Y.2", "10.X.Y.3"],
                    "v6": ["fd00:X:Y::1", "fd00:X:Y::2", "fd00:X:Y::3"],
                    "ll": "fe80::X:Y:1", "notes": ["one line per packet", ...]}]}

Frames are numbered from 1 per capture, as in the oracle's .events.trace.  Sequence I owns
the addresses 10.X.Y.0/24, fd00:X:Y::/48 and fe80::X:Y:0/112 with X = I >> 8, Y = I & 255
(so at most 65536 sequences per run); sequences never share an address, so they cannot meet
in the conntrack table and every event, trace line and table entry belongs to exactly one
sequence (see `sequence_of_address`).

Sequence I of seed S depends only on (S, I): it is drawn from random.Random("nfct-fuzz:S:I"),
so --count and --per-capture change the batching, never the packets.
"""
import argparse
import json
import os
import random
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcapwrite as pw  # noqa: E402
from seqbase import (M32, MAX_SEQUENCES, Seq, addresses_for, payload, pick,  # noqa: E402,F401
                     sequence_of_address)
import variants  # noqa: E402
from pcapwrite import FIN, SYN, RST, PSH, ACK, URG, ECE, CWR  # noqa: E402

GENERATOR = 'nfct-fuzz/2'


# =========================================================================== TCP
FLAG_CHOICES_VALID = [
    (SYN, 3), (SYN | ACK, 3), (ACK, 8), (ACK | PSH, 6), (FIN | ACK, 4), (FIN | ACK | PSH, 2),
    (RST, 3), (RST | ACK, 3), (ACK | URG, 1), (SYN | URG, 1), (SYN | ECE | CWR, 1),
    (SYN | ACK | ECE, 1), (FIN | ACK | URG, 1), (ACK | ECE | CWR, 1), (SYN | PSH, 1),
]
FLAG_CHOICES_INVALID = [
    (SYN | FIN, 2), (FIN, 2), (0, 2), (FIN | PSH | URG, 2), (SYN | RST, 1), (SYN | ACK | URG, 1),
    (SYN | ACK | RST, 1), (FIN | RST, 1), (FIN | RST | ACK, 1), (0xFF, 1), (PSH, 1), (URG, 1),
    (SYN | FIN | ACK, 1), (FIN | PSH, 1), (ECE | CWR, 1), (RST | URG, 1),
]


def random_flags(rng):
    r = rng.random()
    if r < 0.55:
        return pick(rng, [(w, f) for f, w in FLAG_CHOICES_VALID])
    if r < 0.9:
        return pick(rng, [(w, f) for f, w in FLAG_CHOICES_INVALID])
    return rng.getrandbits(8)


class Side:
    def __init__(self, addr, port, isn):
        self.addr, self.port = addr, port
        self.isn = isn
        self.nxt = isn            # next sequence number this side would send
        self.ack = None           # last ack value this side sent
        self.win = 0              # last raw window advertised
        self.maxwin = 0           # max scaled window advertised
        self.wscale = None        # offered window scale (None = not offered)
        self.ts = None            # timestamps in use: current tsval
        self.sent = []            # (seq, len) of data segments, for retransmission choices


class Tcp:
    """Shadow of one TCP connection, loosely following what the two endpoints would send.
    Adversarial packets are generated with track=False so the shadow stays plausible."""

    def __init__(self, sq, cport=None, sport=None, isn_c=None, isn_s=None):
        self.sq, self.rng = sq, sq.rng
        self.s = [Side(sq.a, cport or sq.port(), isn_c if isn_c is not None else self.isn()),
                  Side(sq.b, sport or sq.server_port(), isn_s if isn_s is not None else self.isn())]
        self.pkts = []            # (dir, packet bytes) for retransmission
        self.use_ts = self.rng.random() < 0.4
        self.use_sackp = self.rng.random() < 0.6

    def isn(self):
        r = self.rng.random()
        if r < 0.6:
            return self.rng.getrandbits(32)
        if r < 0.8:
            return (2 ** 32 - self.rng.randint(1, 4000)) & M32      # wraps during the flow
        return self.rng.choice([0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFFFFFE])

    def scale(self, d):
        """Effective scale of side d (0 unless both offered)."""
        a, b = self.s[0].wscale, self.s[1].wscale
        if a is None or b is None:
            return 0
        return min(self.s[d].wscale, 14)

    def rand_window(self):
        return pick(self.rng, [(5, 65535), (4, 64240), (3, 29200), (2, 502), (1, 1), (2, 0),
                               (2, self.rng.randint(1, 65535)), (1, 8192), (1, 1024)])

    # -- choice helpers ------------------------------------------------------------
    def seq_choice(self, d, plen=0):
        S, R = self.s[d], self.s[1 - d]
        rwin = max((R.win << self.scale(1 - d)) if R.ack is not None else R.maxwin, 1)
        base = R.ack if R.ack is not None else S.nxt
        maxend = base + rwin
        rmax = max(R.maxwin, 1)
        c = [
            (10, 'nxt', S.nxt), (2, 'nxt-1', S.nxt - 1), (2, 'nxt+1', S.nxt + 1),
            (3, 'maxend', maxend), (2, 'maxend-1', maxend - 1), (3, 'maxend+1', maxend + 1),
            (1, 'maxend+win', maxend + rwin), (1, 'maxend-len', maxend - plen),
            (2, 'lower', S.nxt - rmax - plen), (2, 'lower-1', S.nxt - rmax - plen - 1),
            (1, 'lower+1', S.nxt - rmax - plen + 1),
            (1, 'far+', S.nxt + 10_000_000), (1, 'far-', S.nxt - 10_000_000),
            (1, 'half+', S.nxt + 2 ** 31), (1, 'half-1', S.nxt + 2 ** 31 - 1),
            (1, 'zero', 0), (1, 'rand', self.rng.getrandbits(32)), (1, 'isn', S.isn),
        ]
        if S.sent:
            s0, ln = self.rng.choice(S.sent)
            c.append((3, 'retrans', s0))
            c.append((1, 'overlap', s0 + max(ln // 2, 1)))
        if R.ack is not None:
            c += [(2, 'rack', R.ack), (1, 'rack-1', R.ack - 1), (1, 'rack+1', R.ack + 1)]
        label, v = pick(self.rng, [(w, (l, v)) for w, l, v in c])
        return label, v & M32

    def ack_choice(self, d):
        S, R = self.s[d], self.s[1 - d]
        smax = max(S.maxwin, 66000)
        c = [
            (12, 'exact', R.nxt), (2, 'exact+1', R.nxt + 1), (1, 'exact+1000', R.nxt + 1000),
            (2, 'exact-1', R.nxt - 1), (2, 'lowack', R.nxt - smax), (2, 'lowack-1', R.nxt - smax - 1),
            (1, 'lowack+1', R.nxt - smax + 1), (1, 'far-', R.nxt - 10_000_000),
            (1, 'half', R.nxt + 2 ** 31), (1, 'zero', 0), (1, 'rand', self.rng.getrandbits(32)),
            (1, 'risn', R.isn), (1, 'risn+1', R.isn + 1),
        ]
        if S.ack is not None:
            c.append((3, 'last', S.ack))
        label, v = pick(self.rng, [(w, (l, v)) for w, l, v in c])
        return label, v & M32

    # -- packet emission ------------------------------------------------------------
    def send(self, d, flags, seq=None, ack=None, win=None, plen=0, opts=None, note='', track=True,
             sack=None, doff=None, truncate=None, urg=0, reserved=0):
        S, R = self.s[d], self.s[1 - d]
        if seq is None:
            seq = S.nxt
        if ack is None:
            ack = R.nxt if flags & ACK else 0
        if win is None:
            win = S.win if S.win or S.ack is not None else self.rand_window()
        seq &= M32
        ack &= M32
        if opts is None:
            if flags & SYN:
                opts = self.syn_options(d)
            else:
                kw = {}
                if self.use_ts and S.ts is not None:
                    S.ts += 1
                    kw['ts'] = (S.ts, R.ts or 0)
                if sack:
                    kw['sack'] = sack[:3] if 'ts' in kw else sack[:4]
                opts = pw.tcp_options(**kw) if kw else b''
        seg = pw.tcp(S.addr, R.addr, S.port, R.port, seq, ack, flags, win, opts, payload(plen),
                     urg=urg, doff=doff, reserved=reserved)
        p = pw.ip(S.addr, R.addr, pw.PROTO_TCP, seg)
        if truncate is not None:
            p = pw.truncate_l4(p, truncate)
        p = self.sq.add(p,
                        '%s tcp %s seq=%d ack=%d win=%d len=%d%s%s' % (
                            'c>s' if d == 0 else 's>c', pw.flag_str(flags), seq, ack, win, plen,
                            ' opt' if opts else '', (' ' + note) if note else ''))
        self.pkts.append((d, p))
        if track:
            end = (seq + plen + (1 if flags & SYN else 0) + (1 if flags & FIN else 0)) & M32
            if ((end - S.nxt) & M32) < 2 ** 31:
                S.nxt = end
            if plen:
                S.sent.append((seq, plen))
            if flags & ACK:
                S.ack = ack
            if not flags & RST:
                S.win = win
                S.maxwin = max(S.maxwin, win << (0 if flags & SYN else self.scale(d)))
        return p

    def syn_options(self, d):
        S = self.s[d]
        r = self.rng.random()
        kw = {}
        if self.rng.random() < 0.8:
            kw['mss'] = self.rng.choice([1460, 1440, 536, 1220, 65495, 0])
        if r < 0.55:
            S.wscale = pick(self.rng, [(5, 7), (3, 0), (2, 14), (2, 15), (1, 255), (3, 2), (2, 9)])
            kw['wscale'] = S.wscale
        else:
            S.wscale = None
        kw['sack_perm'] = self.use_sackp and self.rng.random() < 0.9
        if self.use_ts:
            S.ts = self.rng.getrandbits(32)
            kw['ts'] = (S.ts, self.s[1 - d].ts or 0)
        if self.rng.random() < 0.04:   # malformed options appended (parser must stop safely)
            kw['raw'] = self.rng.choice([b'\x03\x00', b'\x05\x01', b'\x08\x20', b'\x02\x00\x05',
                                         b'\x04\x00', b'\x03\x04\x0e\x01'])
        try:
            return pw.tcp_options(**kw)
        except ValueError:
            kw.pop('raw', None)
            return pw.tcp_options(**kw)

    # -- canonical steps ------------------------------------------------------------
    def syn(self, d=0, note='syn'):
        return self.send(d, SYN, ack=0, win=self.rand_window() or 64240, note=note)

    def synack(self, d=1, note='synack'):
        return self.send(d, SYN | ACK, win=self.rand_window() or 65160, note=note)

    def ack(self, d, note='ack', **kw):
        return self.send(d, ACK, note=note, **kw)

    def data(self, d, n=None, note='data', **kw):
        if n is None:
            n = pick(self.rng, [(4, self.rng.randint(1, 200)), (3, 1448), (1, 1), (1, 1460),
                                (1, self.rng.randint(200, 3000))])
        return self.send(d, ACK | PSH, plen=n, note=note, **kw)

    def fin(self, d, note='fin', **kw):
        return self.send(d, FIN | ACK, note=note, **kw)

    def rst(self, d, note='rst', with_ack=None, **kw):
        if with_ack is None:
            with_ack = self.rng.random() < 0.5
        return self.send(d, RST | (ACK if with_ack else 0), win=0, note=note, **kw)

    def script(self, closer=0):
        """The canonical life of a connection as a list of step callables."""
        o = 1 - closer
        return [
            lambda: self.syn(0), lambda: self.synack(1), lambda: self.ack(0),
            lambda: self.data(0), lambda: self.ack(1), lambda: self.data(1), lambda: self.ack(0),
            lambda: self.fin(closer), lambda: self.ack(o), lambda: self.fin(o),
            lambda: self.ack(closer),
        ]

    # -- perturbations --------------------------------------------------------------
    def perturb(self):
        rng = self.rng
        d = rng.randint(0, 1)
        op = pick(rng, [(6, 'flags'), (5, 'rst'), (4, 'fin'), (3, 'syn'), (2, 'synack'),
                        (3, 'retrans'), (3, 'dupack'), (2, 'zerowin'), (5, 'data_edge'),
                        (4, 'ack_edge'), (2, 'sack'), (1, 'keepalive'), (1, 'malformed')])
        if op == 'flags':
            fl = random_flags(rng)
            sl, seq = self.seq_choice(d)
            al, ack = self.ack_choice(d)
            plen = rng.choice([0, 0, 1, 10, 1000])
            self.send(d, fl, seq=seq, ack=ack, plen=plen, track=rng.random() < 0.5,
                      note='p:flags seq=%s ack=%s' % (sl, al))
        elif op == 'rst':
            S, R = self.s[d], self.s[1 - d]
            c = [(5, 'nxt', S.nxt), (2, 'zero', 0), (2, 'inwin', S.nxt + rng.randint(1, 2000))]
            if R.ack is not None:
                c += [(4, 'rmaxack', R.ack), (3, 'rmaxack-1', R.ack - 1), (1, 'rmaxack+1', R.ack + 1)]
            c += [(1, 'far', S.nxt + 10_000_000), (1, 'rand', rng.getrandbits(32))]
            sl, seq = pick(rng, [(w, (l, v)) for w, l, v in c])
            with_ack = rng.random() < 0.5
            ack = R.nxt
            al = 'exact'
            if with_ack and rng.random() < 0.35:
                al, ack = rng.choice([('zero', 0), ('rand', rng.getrandbits(32)),
                                      ('exact-1', R.nxt - 1)])
            self.rst(d, with_ack=with_ack, seq=seq, ack=ack, track=sl == 'nxt',
                     note='p:rst seq=%s ack=%s' % (sl, al))
        elif op == 'fin':
            sl, seq = self.seq_choice(d)
            al, ack = self.ack_choice(d)
            fl = FIN | ACK if rng.random() < 0.85 else rng.choice([FIN, FIN | PSH | ACK, FIN | ACK | URG])
            self.send(d, fl, seq=seq, ack=ack, plen=rng.choice([0, 0, 0, 5]),
                      track=sl == 'nxt', note='p:fin seq=%s ack=%s' % (sl, al))
        elif op == 'syn':
            S = self.s[d]
            if rng.random() < 0.5:
                seq, sl = S.isn, 'isn'
            else:
                seq, sl = rng.choice([(S.nxt + rng.randint(1, 100000), 'newisn+'),
                                      (S.nxt - rng.randint(1, 100000), 'newisn-'),
                                      (rng.getrandbits(32), 'randisn')])
            newisn = rng.random() < 0.5
            if newisn and sl != 'isn':
                S.isn = S.nxt = seq & M32
                S.sent = []
            self.send(d, SYN | (rng.random() < 0.1 and (ECE | CWR) or 0), seq=seq, ack=0,
                      win=self.rand_window(), track=newisn, note='p:syn seq=%s' % sl)
        elif op == 'synack':
            S, R = self.s[d], self.s[1 - d]
            al, ack = rng.choice([('exact', R.nxt), ('risn+1', R.isn + 1), ('rand', rng.getrandbits(32)),
                                  ('exact+1', R.nxt + 1)])
            seq = S.isn if rng.random() < 0.6 else S.nxt
            self.send(d, SYN | ACK, seq=seq, ack=ack, win=self.rand_window(), track=False,
                      note='p:synack ack=%s' % al)
        elif op == 'retrans':
            mine = [p for dd, p in self.pkts]
            if mine:
                p = rng.choice(mine)
                n = rng.randint(1, 4)
                for _ in range(n):
                    self.sq.add(p, 'p:retrans of frame-copy')
            else:
                self.syn(0)
        elif op == 'dupack':
            n = rng.randint(2, 5)
            win = self.s[d].win
            for _ in range(n):
                self.send(d, ACK, win=win, note='p:dupack')
        elif op == 'zerowin':
            self.send(d, ACK, win=0, note='p:zerowin')
            if rng.random() < 0.5:
                self.data(1 - d, n=rng.choice([1, 100]), note='p:probe')
            if rng.random() < 0.6:
                self.send(d, ACK, win=self.rand_window() or 1, note='p:winupdate')
        elif op == 'data_edge':
            plen = rng.choice([1, 10, 100, 1000, 1448, 1460])
            sl, seq = self.seq_choice(d, plen)
            al, ack = self.ack_choice(d) if rng.random() < 0.3 else ('exact', self.s[1 - d].nxt)
            self.send(d, ACK | PSH, seq=seq, ack=ack, plen=plen, track=sl in ('nxt', 'maxend-len'),
                      note='p:data seq=%s ack=%s' % (sl, al))
        elif op == 'ack_edge':
            al, ack = self.ack_choice(d)
            sl, seq = self.seq_choice(d) if rng.random() < 0.3 else ('nxt', self.s[d].nxt)
            self.send(d, ACK, seq=seq, ack=ack, win=self.rand_window(), track=al == 'exact',
                      note='p:ack seq=%s ack=%s' % (sl, al))
        elif op == 'sack':
            R = self.s[1 - d]
            blocks = []
            for _ in range(rng.randint(1, 3)):
                left = (R.nxt + rng.choice([-3000, -1448, 0, 1, 1448, 70000, 2 ** 31])) & M32
                blocks.append((left, (left + rng.choice([1, 100, 1448])) & M32))
            self.send(d, ACK, sack=blocks, note='p:sack')
        elif op == 'keepalive':
            S = self.s[d]
            self.send(d, ACK, seq=S.nxt - 1, plen=rng.choice([0, 1]), track=False, note='p:keepalive')
        elif op == 'malformed':
            kind = rng.choice(['doff<5', 'doff>len', 'trunc4', 'trunc12', 'reserved', 'urgptr'])
            if kind == 'doff<5':
                self.send(d, ACK, doff=rng.randint(0, 4), track=False, note='p:doff<5')
            elif kind == 'doff>len':
                self.send(d, ACK, doff=15, track=False, note='p:doff>len')
            elif kind == 'trunc4':
                self.send(d, ACK, truncate=4, track=False, note='p:trunc4')
            elif kind == 'trunc12':
                self.send(d, ACK, truncate=12, track=False, note='p:trunc12')
            elif kind == 'reserved':
                self.send(d, ACK, reserved=rng.randint(1, 15), note='p:reserved-bits')
            else:
                self.send(d, ACK | URG | PSH, plen=10, urg=rng.randint(0, 65535), note='p:urg')
        return op


# --------------------------------------------------------------------------- TCP kinds
def k_tcp_perturb(sq):
    """Canonical handshake prefix of random length, then random perturbations, then maybe
    the rest of the script (does the tracker resynchronise?)."""
    rng = sq.rng
    t = Tcp(sq)
    steps = t.script(closer=rng.randint(0, 1))
    n = rng.randint(0, len(steps))
    for s in steps[:n]:
        s()
    for _ in range(rng.randint(1, 6)):
        t.perturb()
    if rng.random() < 0.5:
        for s in steps[n:n + rng.randint(1, 6)]:
            s()


def k_tcp_window(sq):
    """Established connection (with or without window scaling), then data/acks at the edges."""
    rng = sq.rng
    t = Tcp(sq)
    t.syn(0), t.synack(1), t.ack(0)
    for _ in range(rng.randint(0, 3)):
        d = rng.randint(0, 1)
        t.data(d)
        t.ack(1 - d)
    for _ in range(rng.randint(3, 12)):
        op = pick(rng, [(5, 'data_edge'), (3, 'ack_edge'), (2, 'inorder'), (1, 'sack'), (1, 'zerowin')])
        d = rng.randint(0, 1)
        if op == 'inorder':
            t.data(d)
            if rng.random() < 0.7:
                t.ack(1 - d)
        elif op == 'data_edge':
            plen = rng.choice([1, 100, 1448, rng.randint(1, 70000) % 9000 + 1])
            sl, seq = t.seq_choice(d, plen)
            t.send(d, ACK | PSH, seq=seq, plen=plen, track=sl == 'nxt', note='w:data seq=%s' % sl)
        elif op == 'ack_edge':
            al, ack = t.ack_choice(d)
            t.send(d, ACK, ack=ack, win=t.rand_window(), track=al == 'exact', note='w:ack ack=%s' % al)
        elif op == 'sack':
            t.perturb()
        else:
            t.send(d, ACK, win=0, note='w:zerowin')
    if rng.random() < 0.4:
        t.fin(0), t.fin(1), t.ack(0)


def k_tcp_rst_fin(sq):
    """Drive the handshake/close to a random state, then an RST or FIN variant, then more."""
    rng = sq.rng
    t = Tcp(sq)
    steps = t.script(closer=rng.randint(0, 1))
    n = rng.randint(1, len(steps))
    for s in steps[:n]:
        s()
    for _ in range(rng.randint(1, 3)):
        if rng.random() < 0.6:
            t.perturb() if rng.random() < 0.2 else _rst_variant(t)
        else:
            _fin_variant(t)
    tail = pick(rng, [(3, 'none'), (2, 'data'), (2, 'syn_same'), (2, 'syn_other'), (1, 'ack')])
    if tail == 'data':
        t.data(rng.randint(0, 1))
    elif tail == 'syn_same':
        t.s[0].isn = t.s[0].nxt = (t.s[0].nxt + rng.randint(1, 1 << 20)) & M32
        t.syn(0, note='reopen-syn')
        if rng.random() < 0.7:
            t.s[1].isn = t.s[1].nxt = rng.getrandbits(32)
            t.synack(1), t.ack(0)
    elif tail == 'syn_other':
        t.syn(1, note='reverse-syn')
        if rng.random() < 0.5:
            t.synack(0)
    elif tail == 'ack':
        t.ack(rng.randint(0, 1))


def _rst_variant(t):
    rng = t.rng
    d = rng.randint(0, 1)
    S, R = t.s[d], t.s[1 - d]
    c = [(4, 'nxt', S.nxt), (2, 'zero', 0), (2, 'inwin', S.nxt + rng.randint(1, 3000))]
    if R.ack is not None:
        c += [(4, 'rmaxack', R.ack), (3, 'rmaxack-1', R.ack - 1)]
    sl, seq = pick(rng, [(w, (l, v)) for w, l, v in c])
    t.rst(d, seq=seq, track=False, note='rst seq=%s' % sl,
          ack=rng.choice([R.nxt, R.nxt, 0]))


def _fin_variant(t):
    rng = t.rng
    d = rng.randint(0, 1)
    if rng.random() < 0.6:
        t.fin(d)
    else:
        sl, seq = t.seq_choice(d)
        t.send(d, FIN | ACK, seq=seq, track=False, note='fin seq=%s' % sl)
    if rng.random() < 0.6:
        t.ack(1 - d)


def k_tcp_simopen(sq):
    rng = sq.rng
    t = Tcp(sq)
    t.syn(0)
    t.syn(1, note='crossing-syn')
    order = rng.choice(['s1', 's0', 'both', 'both_rev'])
    if order in ('s1', 'both'):
        t.send(1, SYN | ACK, seq=t.s[1].isn, win=t.rand_window() or 1, track=False, note='simopen-synack')
    if order in ('s0', 'both', 'both_rev'):
        t.send(0, SYN | ACK, seq=t.s[0].isn, win=t.rand_window() or 1, track=False, note='simopen-synack')
    if order == 'both_rev':
        t.send(1, SYN | ACK, seq=t.s[1].isn, win=t.rand_window() or 1, track=False, note='simopen-synack')
    for _ in range(rng.randint(0, 3)):
        t.ack(rng.randint(0, 1))
    for _ in range(rng.randint(0, 3)):
        t.perturb() if rng.random() < 0.4 else t.data(rng.randint(0, 1))
    if rng.random() < 0.3:
        t.fin(0), t.fin(1), t.ack(0)


def k_tcp_reopen(sq):
    """Close (orderly FINs, RST from either side, RST then data) then a SYN on the same ports."""
    rng = sq.rng
    t = Tcp(sq)
    t.syn(0), t.synack(1), t.ack(0)
    if rng.random() < 0.5:
        t.data(0), t.ack(1)
    how = rng.choice(['fin', 'fin_srv', 'rst_c', 'rst_s', 'rst_data', 'half'])
    if how in ('fin', 'fin_srv'):
        c = 0 if how == 'fin' else 1
        t.fin(c), t.ack(1 - c), t.fin(1 - c), t.ack(c)
    elif how in ('rst_c', 'rst_s'):
        t.rst(0 if how == 'rst_c' else 1)
    elif how == 'rst_data':
        t.rst(rng.randint(0, 1))
        t.data(rng.randint(0, 1))
    else:
        t.fin(0), t.ack(1)
    d = 0 if rng.random() < 0.7 else 1
    S = t.s[d]
    S.isn = S.nxt = (S.nxt + pick(rng, [(3, rng.randint(1, 1 << 24)), (1, -rng.randint(1, 1 << 20)),
                                        (1, 2 ** 31)])) & M32
    t.syn(d, note='reopen-syn')
    if rng.random() < 0.8:
        O = t.s[1 - d]
        O.isn = O.nxt = rng.getrandbits(32)
        t.synack(1 - d)
        t.ack(d)
        if rng.random() < 0.5:
            t.data(d)
    for _ in range(rng.randint(0, 2)):
        t.perturb()


def k_tcp_retrans(sq):
    rng = sq.rng
    t = Tcp(sq)
    what = rng.choice(['syn', 'synack', 'data', 'dupack', 'fin', 'zerowin'])
    if what == 'syn':
        for _ in range(rng.randint(2, 5)):
            t.send(0, SYN, seq=t.s[0].isn, ack=0, win=64240, track=False, note='syn-retrans')
        t.s[0].nxt = (t.s[0].isn + 1) & M32
        if rng.random() < 0.6:
            t.synack(1), t.ack(0)
        return
    t.syn(0)
    t.synack(1)
    if what == 'synack':
        for _ in range(rng.randint(1, 4)):
            t.send(1, SYN | ACK, seq=t.s[1].isn, track=False, note='synack-retrans')
        t.ack(0)
        return
    t.ack(0)
    if what == 'data':
        d = rng.randint(0, 1)
        S = t.s[d]
        seq = S.nxt
        n = rng.choice([1, 100, 1448])
        for _ in range(rng.randint(2, 6)):
            t.send(d, ACK | PSH, seq=seq, plen=n, track=False, note='data-retrans')
        S.nxt = (seq + n) & M32
        if rng.random() < 0.6:
            t.ack(1 - d)
    elif what == 'dupack':
        t.data(0)
        for _ in range(rng.randint(3, 6)):
            t.send(1, ACK, note='dupack')
    elif what == 'fin':
        t.fin(0)
        for _ in range(rng.randint(1, 4)):
            t.send(0, FIN | ACK, seq=(t.s[0].nxt - 1), track=False, note='fin-retrans')
        t.ack(1)
    else:
        t.data(0)
        t.send(1, ACK, win=0, note='zerowin')
        for _ in range(rng.randint(1, 4)):
            t.send(0, ACK, seq=t.s[0].nxt, plen=rng.choice([0, 1]), track=False, note='zw-probe')
            t.send(1, ACK, win=0, note='zerowin')
    for _ in range(rng.randint(0, 2)):
        t.perturb()


def k_tcp_loose(sq):
    """Mid-stream pickup: the first packet is not a SYN."""
    rng = sq.rng
    t = Tcp(sq)
    d0 = 0 if rng.random() < 0.8 else 1
    first = pick(rng, [(5, ACK), (4, ACK | PSH), (2, FIN | ACK), (1, SYN | ACK), (1, RST), (1, RST | ACK),
                       (1, ACK | URG)])
    t.s[0].win = t.rand_window()
    t.s[1].win = t.rand_window()
    t.send(d0, first, plen=rng.choice([0, 0, 100, 1448]) if first & (ACK | PSH) == ACK | PSH else 0,
           note='loose-first')
    for _ in range(rng.randint(1, 8)):
        if rng.random() < 0.5:
            d = rng.randint(0, 1)
            t.data(d) if rng.random() < 0.5 else t.ack(d)
        else:
            t.perturb()


TCP_KINDS = {
    'tcp_perturb': (30, k_tcp_perturb),
    'tcp_window': (10, k_tcp_window),
    'tcp_rst_fin': (12, k_tcp_rst_fin),
    'tcp_simopen': (4, k_tcp_simopen),
    'tcp_reopen': (7, k_tcp_reopen),
    'tcp_retrans': (5, k_tcp_retrans),
    'tcp_loose': (5, k_tcp_loose),
}


# =========================================================================== UDP
def k_udp(sq):
    rng = sq.rng
    flows = []
    for _ in range(rng.randint(1, 3)):
        flows.append((sq.port(), sq.server_port()))
    for _ in range(rng.randint(1, 10)):
        cp, sp = rng.choice(flows)
        mode = pick(rng, [(8, 'c>s'), (6, 's>c'), (1, 'badlen+'), (1, 'badlen<8'), (1, 'shortlen'),
                          (1, 'trunc'), (1, 'zerocsum'), (1, 'newport'), (1, 'third')])
        src, dst, s, d = sq.a, sq.b, cp, sp
        if mode == 's>c':
            src, dst, s, d = sq.b, sq.a, sp, cp
        n = rng.choice([0, 1, 12, 100, 512, 1400])
        note = 'udp %s len=%d' % (mode, n)
        if mode == 'badlen+':
            sq.add(pw.udp_packet(src, dst, s, d, payload(n), length=8 + n + rng.randint(1, 300)), note)
        elif mode == 'badlen<8':
            sq.add(pw.udp_packet(src, dst, s, d, payload(n), length=rng.randint(0, 7)), note)
        elif mode == 'shortlen':
            sq.add(pw.udp_packet(src, dst, s, d, payload(n + 4), length=8 + n), note)
        elif mode == 'trunc':
            sq.add(pw.truncate_l4(pw.udp_packet(src, dst, s, d, payload(n)), rng.choice([2, 4, 6, 7])), note)
        elif mode == 'zerocsum':
            sq.add(pw.udp_packet(src, dst, s, d, payload(n), zero_csum=True), note)
        elif mode == 'newport':
            sq.add(pw.udp_packet(sq.b, sq.a, sq.port(), cp, payload(n)), note)
        elif mode == 'third':
            sq.add(pw.udp_packet(sq.c, sq.a, sp, cp, payload(n)), note)
        else:
            sq.add(pw.udp_packet(src, dst, s, d, payload(n)), note)


# =========================================================================== ICMP queries
V4_QUERY = {8: 0, 13: 14, 15: 16, 17: 18}
V6_QUERY = {128: 129, 139: 140}


def query_body(typ, v6):
    if v6:
        return b'' if typ not in (139, 140) else b'\x00' * 8 + b'\x00' * 16
    return {13: b'\x00' * 12, 14: b'\x00' * 12, 17: b'\x00' * 4, 18: b'\xff\xff\xff\x00'}.get(typ, b'abcdefgh')


def icmp_query_packet(sq, src, dst, typ, code, ident, seqno, truncate=None):
    body = query_body(typ, sq.v6)
    m = pw.icmp_any(src, dst, typ, code, pw.echo_rest(ident, seqno), body)
    p = pw.ip(src, dst, pw.PROTO_ICMPV6 if sq.v6 else pw.PROTO_ICMP, m)
    return p if truncate is None else pw.truncate_l4(p, truncate)


def k_icmp_query(sq):
    rng = sq.rng
    table = V6_QUERY if sq.v6 else V4_QUERY
    flows = []
    for _ in range(rng.randint(1, 3)):
        req = rng.choice(list(table))
        code = 0 if rng.random() < 0.75 else rng.choice([1, 5, 255])
        flows.append((req, code, rng.getrandbits(16)))
    seqno = 0
    for _ in range(rng.randint(1, 8)):
        req, code, ident = rng.choice(flows)
        rep = table[req]
        seqno += 1
        mode = pick(rng, [(8, 'req'), (7, 'rep'), (1, 'rep_wrong_id'), (1, 'rep_wrong_code'),
                          (1, 'rep_wrong_type'), (1, 'req_reverse'), (1, 'rep_reverse'),
                          (1, 'weird_type'), (1, 'trunc'), (1, 'third')])
        a, b = sq.a, sq.b
        if mode == 'req':
            p = icmp_query_packet(sq, a, b, req, code, ident, seqno)
        elif mode == 'rep':
            p = icmp_query_packet(sq, b, a, rep, code, ident, seqno)
        elif mode == 'rep_wrong_id':
            p = icmp_query_packet(sq, b, a, rep, code, ident ^ 1, seqno)
        elif mode == 'rep_wrong_code':
            p = icmp_query_packet(sq, b, a, rep, (code + 1) & 0xFF, ident, seqno)
        elif mode == 'rep_wrong_type':
            p = icmp_query_packet(sq, b, a, rng.choice([t for t in table.values() if t != rep] or [rep]),
                                  code, ident, seqno)
        elif mode == 'req_reverse':
            p = icmp_query_packet(sq, b, a, req, code, ident, seqno)
        elif mode == 'rep_reverse':
            p = icmp_query_packet(sq, a, b, rep, code, ident, seqno)
        elif mode == 'weird_type':
            if sq.v6:
                typ = rng.choice([141, 142, 144, 145, 146, 147, 150, 153, 160, 200, 255])
            else:
                typ = rng.choice([1, 2, 6, 7, 9, 10, 19, 30, 37, 40, 42, 43, 255])
            p = icmp_query_packet(sq, rng.choice([a, b]), rng.choice([a, b]), typ, rng.choice([0, 0, 1]),
                                  ident, seqno)
            mode += '=%d' % typ
        elif mode == 'trunc':
            p = icmp_query_packet(sq, a, b, req, code, ident, seqno, truncate=rng.choice([2, 4, 6, 7]))
        else:
            p = icmp_query_packet(sq, b, sq.c, rep, code, ident, seqno)
        sq.add(p, 'icmp %s req=%d code=%d id=%d' % (mode, req, code, ident))


# =========================================================================== ICMP errors
V4_ERRORS = [(3, list(range(16))), (4, [0]), (5, [0, 1, 2, 3]), (11, [0, 1]), (12, [0, 1, 2])]
V6_ERRORS = [(1, list(range(8))), (2, [0]), (3, [0, 1]), (4, [0, 1, 2, 3])]


def error_type(sq):
    rng = sq.rng
    if rng.random() < 0.1:
        return (rng.choice([5, 6, 100, 101, 127]) if sq.v6 else rng.choice([3, 11])), rng.randint(0, 255)
    t, codes = rng.choice(V6_ERRORS if sq.v6 else V4_ERRORS)
    return t, rng.choice(codes)


def error_rest(sq, typ):
    if sq.v6 and typ == 2:
        return struct.pack('!I', 1280)
    if sq.v6 and typ == 4:
        return struct.pack('!I', sq.rng.randint(0, 60))
    if not sq.v6 and typ == 3:
        return struct.pack('!HH', 0, 1400)
    if not sq.v6 and typ == 12:
        return bytes([sq.rng.randint(0, 40), 0, 0, 0])
    if not sq.v6 and typ == 5:
        return pw.addr(sq.c)
    return b'\x00\x00\x00\x00'


def k_icmp_error(sq):
    """Live flows (TCP, UDP, ICMP echo) and ICMP errors quoting their packets, dead flows,
    the wrong direction, wrong outer destination, short quotes, nested errors."""
    rng = sq.rng
    live = []       # (packet, forward: True if sent a->b)
    dead = []
    for _ in range(rng.randint(1, 2)):
        what = rng.choice(['udp', 'udp', 'tcp', 'icmp'])
        if what == 'udp':
            cp, sp = sq.port(), sq.server_port()
            p = sq.add(pw.udp_packet(sq.a, sq.b, cp, sp, payload(20)), 'udp c>s')
            live.append((p, True))
            if rng.random() < 0.4:
                p2 = sq.add(pw.udp_packet(sq.b, sq.a, sp, cp, payload(20)), 'udp s>c')
                live.append((p2, False))
            dead.append((pw.udp_packet(sq.a, sq.b, cp, sp ^ 0x100, payload(20)), True))
        elif what == 'tcp':
            t = Tcp(sq)
            p = t.syn(0)
            live.append((p, True))
            if rng.random() < 0.6:
                live.append((t.synack(1), False))
                if rng.random() < 0.5:
                    live.append((t.ack(0), True))
            if rng.random() < 0.15:
                t.rst(rng.randint(0, 1))          # entry may be killed or closed
            dead.append((pw.tcp_packet(sq.a, sq.b, t.s[0].port ^ 1, t.s[1].port, 1, 0, SYN, 1000), True))
        else:
            req = 128 if sq.v6 else 8
            ident = rng.getrandbits(16)
            p = sq.add(icmp_query_packet(sq, sq.a, sq.b, req, 0, ident, 1), 'echo req')
            live.append((p, True))
            if rng.random() < 0.6:
                live.append((sq.add(icmp_query_packet(sq, sq.b, sq.a, req + (1 if sq.v6 else -8), 0, ident, 1),
                                    'echo rep'), False))
            dead.append((icmp_query_packet(sq, sq.a, sq.b, req, 0, ident ^ 0xFFFF, 1), True))
    for _ in range(rng.randint(1, 5)):
        mode = pick(rng, [(10, 'live'), (3, 'dead'), (3, 'wrong_dst'), (2, 'short'), (1, 'nested'),
                          (1, 'ip_only'), (1, 'third_src_inner'), (1, 'swapped')])
        if mode == 'dead':
            q, fwd = rng.choice(dead)
        else:
            q, fwd = rng.choice(live)
        typ, code = error_type(sq)
        # the error travels back towards the sender of the quoted packet
        sender, receiver = (sq.a, sq.b) if fwd else (sq.b, sq.a)
        outer_src = receiver if rng.random() < 0.6 else sq.c
        outer_dst = sender
        l4b = pick(rng, [(5, 8), (3, None), (1, 4), (1, 2), (1, 28)])
        if mode == 'wrong_dst':
            outer_dst = rng.choice([sq.c, receiver])
        elif mode == 'short':
            l4b = rng.choice([0, 1, 3])
        elif mode == 'ip_only':
            q = q[:rng.choice([12, 20])] if not sq.v6 else q[:rng.choice([20, 40])]
            l4b = None
        elif mode == 'nested':
            q = pw.icmp_error_packet(outer_dst, outer_src, typ, code, q, 8, error_rest(sq, typ))
            l4b = None
        elif mode == 'third_src_inner':
            # inner packet claims to come from the third address (no such flow)
            q = pw.udp_packet(sq.c, sq.b, 5000, 53, payload(8))
        elif mode == 'swapped':
            outer_dst = receiver
            outer_src = sender
        p = pw.icmp_error_packet(outer_src, outer_dst, typ, code, q, l4b, error_rest(sq, typ))
        sq.add(p, 'icmp-error %s type=%d code=%d quote=%s' % (mode, typ, code, l4b))
        if rng.random() < 0.2 and live:
            # traffic after the error: does the error change anything?
            q2, fwd2 = rng.choice(live)
            sq.add(q2, 'repeat live packet')


# =========================================================================== ICMPv6 specials
def k_icmpv6(sq):
    """ICMPv6 echo/node-info plus untracked NDP/MLD and redirect variants (IPv6 only)."""
    rng = sq.rng
    a, b = sq.a, sq.b
    ident = rng.getrandbits(16)
    for i in range(rng.randint(1, 8)):
        mode = pick(rng, [(4, 'echo'), (3, 'echo_rep'), (4, 'ndp'), (2, 'mld'), (2, 'redirect'),
                          (1, 'nodeinfo'), (1, 'other')])
        if mode == 'echo':
            p = icmp_query_packet(sq, a, b, 128, 0, ident, i)
        elif mode == 'echo_rep':
            p = icmp_query_packet(sq, b, a, 129, 0, ident, i)
        elif mode == 'nodeinfo':
            p = icmp_query_packet(sq, *(rng.choice([(a, b, 139), (b, a, 140)])), 0, ident, i)
        elif mode == 'ndp':
            typ = rng.choice([133, 134, 135, 136])
            body = {133: b'', 134: b'\x00' * 8, 135: pw.addr(b), 136: pw.addr(a)}[typ]
            rest = b'\x40\x00\x07\x08' if typ == 134 else (b'\x60\x00\x00\x00' if typ == 136 else b'\x00' * 4)
            src, dst = (a, b) if rng.random() < 0.5 else (sq.addrs['ll'], b)
            p = pw.icmp_packet(src, dst, typ, 0, rest, body, hlim=255)
            mode += '=%d' % typ
        elif mode == 'mld':
            typ = rng.choice([130, 131, 132, 143, 151, 152])
            body = pw.addr(a) if typ in (130, 131, 132) else b''
            p = pw.icmp_packet(sq.addrs['ll'], b, typ, 0, b'\x00' * 4, body, hlim=1)
            mode += '=%d' % typ
        elif mode == 'redirect':
            # type 137: reserved, target, destination, options (maybe a Redirected Header)
            code = 0 if rng.random() < 0.8 else 1
            src = sq.addrs['ll'] if rng.random() < 0.7 else a
            hl = 255 if rng.random() < 0.8 else 64
            inner = pw.udp_packet(b, a, rng.randint(1024, 65535), 53, payload(16)) \
                if rng.random() < 0.5 else icmp_query_packet(sq, a, b, 128, 0, ident, i)
            body = pw.addr(sq.c) + pw.addr(b)
            if rng.random() < 0.7:
                q = inner[:40 + 8] if rng.random() < 0.5 else inner
                q += b'\x00' * ((-len(q) - 8) % 8)
                body += bytes([4, (len(q) + 8) // 8]) + b'\x00' * 6 + q
            p = pw.icmp_packet(src, b, 137, code, b'\x00' * 4, body, hlim=hl)
            mode += ' code=%d hl=%d src=%s' % (code, hl, 'll' if src != a else 'global')
        else:
            typ = rng.choice([141, 142, 144, 145, 146, 147, 148, 149, 150, 153, 200, 255])
            p = pw.icmp_packet(a, b, typ, 0, b'\x00' * 4, b'', hlim=255)
            mode += '=%d' % typ
        sq.add(p, 'icmpv6 %s' % mode)


def k_cross(sq):
    """ICMP carried over IPv6 / ICMPv6 carried over IPv4, plus a normal flow for contrast."""
    rng = sq.rng
    ident = rng.getrandbits(16)
    for i in range(rng.randint(1, 4)):
        if sq.v6:
            typ = rng.choice([8, 0, 3])
            p = pw.ipv6(sq.a, sq.b, pw.PROTO_ICMP, pw.icmp(typ, 0, pw.echo_rest(ident, i), b'x' * 8))
        else:
            typ = rng.choice([128, 129, 135, 1])
            p = pw.ipv4(sq.a, sq.b, pw.PROTO_ICMPV6,
                        pw.icmpv6(sq.a, sq.b, typ, 0, pw.echo_rest(ident, i), b'x' * 8))
        sq.add(p, 'cross-family icmp type=%d' % typ)
    if rng.random() < 0.5:
        sq.add(icmp_query_packet(sq, sq.a, sq.b, 128 if sq.v6 else 8, 0, ident, 99), 'normal echo')


OTHER_KINDS = {
    'udp': (8, k_udp),
    'icmp_query': (8, k_icmp_query),
    'icmp_error': (10, k_icmp_error),
    'icmpv6': (5, k_icmpv6),
    'cross_icmp': (1, k_cross),
}

# Kinds added with the themes of the 6.18 differences (issue 10): their own files, one per layer.
from kinds_l3 import L3_KINDS, L3_V6_ONLY  # noqa: E402
from kinds_proto import PROTO_KINDS  # noqa: E402
from kinds_quoted import QUOTED_KINDS  # noqa: E402

KINDS = dict(TCP_KINDS, **OTHER_KINDS, **L3_KINDS, **PROTO_KINDS, **QUOTED_KINDS)
V6_ONLY = {'icmpv6'} | L3_V6_ONLY


# =========================================================================== API
def build_sequence(seed, index, kinds=None, family=None, variant=None):
    """Sequence `index` of `seed` (under the sysctl `variant`, if any): (packets, meta).
    Independent of count / batching."""
    rng = random.Random('nfct-fuzz:%d:%d' % (seed, index) + (':' + variant if variant else ''))
    names = sorted(kinds or variants.kinds(variant) or KINDS)
    kind = pick(rng, [(KINDS[k][0], k) for k in names])
    fam = family or ('ipv6' if rng.random() < 0.4 else 'ipv4')
    if kind in V6_ONLY:
        fam = 'ipv6'
    sq = Seq(seed, index, rng, kind, fam)
    KINDS[kind][1](sq)
    variants.apply(rng, variant, sq.packets, sq.notes)
    if not sq.packets:
        raise AssertionError('empty sequence %d/%d' % (seed, index))
    return sq.packets, sq.meta()


def capture_name(seed, n):
    return 'fuzz-%d-%04d.pcap' % (seed, n)


def generate(seed, count, per_capture, out, kinds=None, family=None, start=0, variant=None):
    """Write the captures and manifest.json into out; return the manifest dict."""
    if start + count > MAX_SEQUENCES:
        raise ValueError('at most %d sequences per run' % MAX_SEQUENCES)
    os.makedirs(out, exist_ok=True)
    manifest = {'generator': GENERATOR, 'seed': seed, 'count': count, 'per_capture': per_capture,
                'start': start, 'kinds': sorted(kinds or variants.kinds(variant) or KINDS), 'family': family,
                'variant': variant, 'sysctls': variants.sysctls(variant),
                'timestamp_base_us': pw.BASE_TS_US, 'timestamp_step_us': 1,
                'captures': [], 'sequences': []}
    ncap = 0
    for first in range(start, start + count, per_capture):
        name = capture_name(seed, ncap)
        ncap += 1
        frames = 0
        seqs = []
        with open(os.path.join(out, name), 'wb') as f:
            w = pw.PcapWriter(f)
            for idx in range(first, min(first + per_capture, start + count)):
                pkts, meta = build_sequence(seed, idx, kinds, family, variant)
                meta['capture'] = name
                meta['first_frame'] = frames + 1
                for p in pkts:
                    w.write_packet(p, pw.BASE_TS_US + frames)
                    frames += 1
                meta['last_frame'] = frames
                manifest['sequences'].append(meta)
                seqs.append(idx)
        manifest['captures'].append({'file': name, 'frames': frames, 'sequences': seqs})
    with open(os.path.join(out, 'manifest.json'), 'w') as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write('\n')
    return manifest


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--count', type=int, default=200)
    ap.add_argument('--per-capture', type=int, default=50)
    ap.add_argument('--start', type=int, default=0, help='first sequence index (default 0)')
    ap.add_argument('--out', default='fuzz-out')
    ap.add_argument('--kinds', help='comma-separated subset of kinds')
    ap.add_argument('--family', choices=['v4', 'v6'])
    ap.add_argument('--only', type=int, help='write just sequence ONLY to OUT/seq-S-I.pcap and print it')
    ap.add_argument('--list-kinds', action='store_true')
    ap.add_argument('--variant', choices=list(variants.VARIANTS),
                    help='generate for a sysctl variant (see variants.py; the manifest names its sysctls)')
    a = ap.parse_args(argv)
    if a.list_kinds:
        for k in sorted(KINDS):
            print('%-12s weight %2d  %s' % (k, KINDS[k][0], (KINDS[k][1].__doc__ or '').strip().split('\n')[0]))
        return 0
    kinds = a.kinds.split(',') if a.kinds else None
    for k in kinds or []:
        if k not in KINDS:
            ap.error('unknown kind %s' % k)
    fam = {'v4': 'ipv4', 'v6': 'ipv6', None: None}[a.family]
    if a.only is not None:
        pkts, meta = build_sequence(a.seed, a.only, kinds, fam, a.variant)
        os.makedirs(a.out, exist_ok=True)
        path = os.path.join(a.out, 'seq-%d-%d.pcap' % (a.seed, a.only))
        pw.write_pcap(path, pkts)
        print('%s: seed %d index %d kind %s %s, %d packets' % (path, a.seed, a.only, meta['kind'],
                                                              meta['family'], len(pkts)))
        for i, n in enumerate(meta['notes'], 1):
            print('  %3d %s' % (i, n))
        return 0
    m = generate(a.seed, a.count, a.per_capture, a.out, kinds, fam, a.start, a.variant)
    print('%d sequences, %d captures, %d frames -> %s' % (
        len(m['sequences']), len(m['captures']), sum(c['frames'] for c in m['captures']), a.out))
    return 0


if __name__ == '__main__':
    sys.exit(main())
