#!/usr/bin/env python3
"""Tests for conformance/traffic/make-traffic.sh.

Run:  python3 -m unittest discover -s conformance/tests -p 'test_traffic_*.py' -v
  or  python3 conformance/tests/test_traffic_maker.py -v

The command-line tests (help, argument errors, NEEDED_PKGS) run anywhere bash
does.  The recording test needs root and the tools of NEEDED_PKGS; otherwise it
is skipped with a message saying what is missing.  It runs
`make-traffic.sh --size small` once into a temporary directory (about 25 s),
then checks that every kind produced a non-empty capture holding the expected
protocols (the pcaps are parsed here, minimally, in Python), that
manifest.json matches the files, and that no network namespace or temp dir
of the script is left behind.
"""
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.normpath(os.path.join(HERE, '..', 'fuzz')))
import pcapwrite as pw  # noqa: E402

SCRIPT = os.path.normpath(os.path.join(HERE, '..', 'traffic', 'make-traffic.sh'))
SEED = 5
KINDS = ['http-v4', 'http-v6', 'dns', 'ping-v4', 'ping-v6', 'udp-reqresp', 'udp-oneway',
         'tcp-refused', 'tcp-filtered', 'udp-closed', 'half-close', 'rst-abort',
         'time-wait-reuse', 'loss-reorder', 'ipv6-mixed']
NS_PREFIX = 'nfct-trf-'

# TCP flag bits
FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10


# ------------------------------------------------------------------ pcap parsing
class Pkt:
    """What the checks need from one frame."""
    __slots__ = ('l3', 'l4', 'src', 'dst', 'sport', 'dport', 'flags', 'seq',
                 'itype', 'icode', 'payload')

    def __init__(self):
        self.l3 = self.l4 = self.src = self.dst = None
        self.sport = self.dport = self.flags = self.seq = self.itype = self.icode = None
        self.payload = b''

    def __repr__(self):
        return 'Pkt(%s %s %s:%s > %s:%s flags=%s type=%s/%s len=%d)' % (
            self.l3, self.l4, self.src, self.sport, self.dst, self.dport, self.flags,
            self.itype, self.icode, len(self.payload))


def read_pcap(path):
    """Classic pcap (either byte order, us or ns), link type Ethernet."""
    if os.path.getsize(path) < 24:
        raise ValueError('%s: too short for a pcap header' % path)
    try:
        frames, linktype = pw.read_pcap(path)
    except ValueError as e:        # not a classic pcap, truncated record, trailing bytes
        raise ValueError('%s: %s' % (path, e)) from None
    if linktype != 1:
        raise ValueError('%s: link type %d, expected Ethernet (1)' % (path, linktype))
    return [parse_ether(frame) for _ts, frame in frames]


def parse_ether(frame):
    p = Pkt()
    if len(frame) < 14:
        return p
    etype = struct.unpack('!H', frame[12:14])[0]
    body = frame[14:]
    if etype == 0x0806:
        p.l3 = 'arp'
    elif etype == 0x0800 and len(body) >= 20:
        ihl = (body[0] & 0x0f) * 4
        total = struct.unpack('!H', body[2:4])[0]
        p.l3, proto = 'ipv4', body[9]
        p.src, p.dst = '.'.join(map(str, body[12:16])), '.'.join(map(str, body[16:20]))
        parse_l4(p, proto, body[ihl:total], icmp=1)
    elif etype == 0x86dd and len(body) >= 40:
        p.l3 = 'ipv6'
        plen, nxt = struct.unpack('!H', body[4:6])[0], body[6]
        p.src, p.dst = body[8:24].hex(), body[24:40].hex()
        rest = body[40:40 + plen]
        while nxt in (0, 43, 60, 44) and len(rest) >= 8:   # extension headers
            if nxt == 44:
                nxt, rest = rest[0], rest[8:]
            else:
                nxt, rest = rest[0], rest[(rest[1] + 1) * 8:]
        parse_l4(p, nxt, rest, icmp=58)
    return p


def parse_l4(p, proto, seg, icmp):
    if proto == 6 and len(seg) >= 20:
        p.l4 = 'tcp'
        p.sport, p.dport, p.seq = struct.unpack('!HHI', seg[:8])
        p.flags = seg[13]
        p.payload = seg[(seg[12] >> 4) * 4:]
    elif proto == 17 and len(seg) >= 8:
        p.l4 = 'udp'
        p.sport, p.dport = struct.unpack('!HH', seg[:4])
        p.payload = seg[8:]
    elif proto == icmp and len(seg) >= 4:
        p.l4 = 'icmp' if icmp == 1 else 'icmpv6'
        p.itype, p.icode = seg[0], seg[1]
        p.payload = seg[4:]


def dns_qtype(payload):
    """qtype of the first question of a DNS message, or None."""
    i = 12
    while i < len(payload) and payload[i] != 0:
        i += payload[i] + 1
    return struct.unpack('!H', payload[i + 1:i + 3])[0] if i + 3 <= len(payload) else None


# ------------------------------------------------------------------ helpers
def needed_commands():
    with open(SCRIPT) as f:
        text = f.read()
    m = re.search(r'^NEEDED_PKGS="([^"]*)"', text, re.M)
    if not m:
        raise AssertionError('NEEDED_PKGS="..." not found at the top of make-traffic.sh')
    return [tuple(pair.split(':', 1)) for pair in m.group(1).split()]


def netns_names():
    try:
        out = subprocess.run(['ip', 'netns', 'list'], capture_output=True, text=True,
                             timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return set()
    return {line.split()[0] for line in out.splitlines() if line.strip()}


class CommandLineTest(unittest.TestCase):
    """Argument handling; needs only bash."""

    def run_script(self, *args):
        return subprocess.run(['bash', SCRIPT] + list(args), capture_output=True, text=True,
                              timeout=30)

    def test_help(self):
        r = self.run_script('--help')
        self.assertEqual(r.returncode, 0, r.stderr)
        for word in ['--out', '--seed', '--size', '--kinds'] + KINDS:
            self.assertIn(word, r.stdout)

    def test_list_names_every_kind(self):
        r = self.run_script('--list')
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual([ln.split()[0] for ln in r.stdout.splitlines()], KINDS)

    def test_bad_arguments(self):
        for args in (['--kinds', 'http-v4,no-such-kind'], ['--size', 'huge'],
                     ['--seed', 'abc'], ['--frobnicate']):
            r = self.run_script(*args)
            self.assertEqual(r.returncode, 2, (args, r.stdout, r.stderr))
            self.assertIn('error', r.stderr)

    def test_needed_pkgs_pairs(self):
        pairs = needed_commands()
        cmds = {c for c, _ in pairs}
        for c in ('tcpdump', 'ethtool', 'ip', 'python3', 'curl', 'ping', 'nft', 'dig', 'dnsmasq'):
            self.assertIn(c, cmds)
        for c, p in pairs:
            self.assertTrue(c and p, (c, p))


class RecordingTest(unittest.TestCase):
    """Runs make-traffic.sh --size small once; checks every capture."""

    @classmethod
    def setUpClass(cls):
        if os.geteuid() != 0:
            raise unittest.SkipTest('make-traffic.sh needs root (network namespaces, tcpdump)')
        missing = sorted({p for c, p in needed_commands() if shutil.which(c) is None})
        if missing:
            raise unittest.SkipTest('tools missing; install with: apt-get install -y '
                                    + ' '.join(missing))
        cls.tmp = tempfile.mkdtemp(prefix='test-traffic-')
        cls.out = os.path.join(cls.tmp, 'out')
        # the script names its namespaces nfct-trf-<its pid>-*: other runs that
        # may go on at the same time on this machine are not ours to check
        proc = subprocess.Popen(['bash', SCRIPT, '--out', cls.out, '--seed', str(SEED),
                                 '--size', 'small'], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        try:
            stdout, stderr = proc.communicate(timeout=240)
        except subprocess.TimeoutExpired:
            proc.terminate()            # its trap removes what it made
            stdout, stderr = proc.communicate(timeout=30)
        cls.proc = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
        cls.ns_prefix = '%s%d-' % (NS_PREFIX, proc.pid)
        cls.ns_after = netns_names()
        m = re.search(r'work dir (\S+)', stderr)
        cls.work_dir = m.group(1) if m else None
        cls.pkts = {}
        if cls.proc.returncode == 0:
            for k in KINDS:
                path = os.path.join(cls.out, k + '.pcap')
                if os.path.exists(path):
                    cls.pkts[k] = read_pcap(path)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        self.assertEqual(self.proc.returncode, 0,
                         'make-traffic.sh failed:\n' + self.proc.stderr[-3000:])

    # ---------------------------------------------------------- whole run
    def test_no_namespace_or_temp_dir_left(self):
        left = {n for n in self.ns_after if n.startswith(self.ns_prefix)}
        self.assertEqual(left, set(), 'namespaces left behind')
        self.assertIn(self.ns_prefix + 'cli', self.proc.stderr, 'namespace names as expected')
        self.assertTrue(self.work_dir, 'the script logs its work dir')
        self.assertFalse(os.path.exists(self.work_dir), 'temp dir left behind')

    def test_every_kind_nonempty(self):
        for k in KINDS:
            with self.subTest(kind=k):
                path = os.path.join(self.out, k + '.pcap')
                self.assertTrue(os.path.getsize(path) > 24, path)
                self.assertTrue(any(p.l3 in ('ipv4', 'ipv6') for p in self.pkts[k]))

    def test_manifest(self):
        with open(os.path.join(self.out, 'manifest.json')) as f:
            m = json.load(f)
        self.assertEqual(m['seed'], SEED)
        self.assertEqual(sorted(e['kind'] for e in m['kinds']), sorted(KINDS))
        for e in m['kinds']:
            with self.subTest(kind=e['kind']):
                self.assertEqual(e['file'], e['kind'] + '.pcap')
                self.assertEqual(e['packets'], len(self.pkts[e['kind']]))
                self.assertGreater(e['packets'], 0)
                self.assertEqual(e['seed'], SEED)
                self.assertTrue(e['description'])

    def test_small_sizes(self):
        for k in KINDS:
            if k == 'loss-reorder':
                continue
            with self.subTest(kind=k):
                self.assertLess(len(self.pkts[k]), 500)

    def test_no_ipv6_autoconf_chatter(self):
        for k in KINDS:
            with self.subTest(kind=k):
                types = {p.itype for p in self.pkts[k] if p.l4 == 'icmpv6'}
                # router solicitation/advertisement, MLD reports
                self.assertFalse(types & {133, 134, 131, 143}, types)

    def test_frames_fit_the_mtu(self):
        # offloads off: no GSO/TSO giants in any capture
        for k in KINDS:
            path = os.path.join(self.out, k + '.pcap')
            with open(path, 'rb') as f:
                data = f.read()
            off = 24
            while off + 16 <= len(data):
                incl, orig = struct.unpack('<II', data[off + 8:off + 16])
                self.assertLessEqual(orig, 1514, k)
                off += 16 + incl

    # ---------------------------------------------------------- helpers
    def ip(self, k, l3=None, l4=None):
        return [p for p in self.pkts[k] if p.l3 in ('ipv4', 'ipv6')
                and (l3 is None or p.l3 == l3) and (l4 is None or p.l4 == l4)]

    def assert_only_families(self, k, fams):
        self.assertEqual({p.l3 for p in self.ip(k)}, set(fams), k)

    # ---------------------------------------------------------- per kind
    def check_http(self, k, l3):
        self.assert_only_families(k, [l3] if l3 == 'ipv4' else ['ipv6'])
        tcp = self.ip(k, l3, 'tcp')
        syns = [p for p in tcp if p.flags & (SYN | ACK) == SYN]
        self.assertEqual(len(syns), 1, 'one keep-alive connection')
        self.assertTrue(any(p.flags & (SYN | ACK) == SYN | ACK for p in tcp))
        gets = sum(p.payload.count(b'GET /') for p in tcp)
        oks = sum(p.payload.count(b'HTTP/1.1 200') for p in tcp)
        self.assertGreaterEqual(gets, 2)
        self.assertEqual(gets, oks)
        fins = {(p.sport, p.dport) for p in tcp if p.flags & FIN}
        self.assertEqual(len(fins), 2, 'both sides close')

    def test_http_v4(self):
        self.check_http('http-v4', 'ipv4')

    def test_http_v6(self):
        self.check_http('http-v6', 'ipv6')

    def test_dns(self):
        for l3 in ('ipv4', 'ipv6'):
            udp = self.ip('dns', l3, 'udp')
            q = [p for p in udp if p.dport == 53]
            r = [p for p in udp if p.sport == 53]
            self.assertGreaterEqual(len(q), 2, l3)
            self.assertEqual(len(q), len(r), l3)
            self.assertEqual(len({p.sport for p in q}), 1, 'all queries from one socket')
            self.assertLessEqual({1, 28}, {dns_qtype(p.payload) for p in q}, 'A and AAAA')
            for p in r:
                self.assertTrue(p.payload[2] & 0x80, 'QR bit set in responses')

    def check_ping(self, k, l3, l4, req, rep):
        self.assert_only_families(k, [l3])
        icmp = self.ip(k, l3, l4)
        n_req = sum(1 for p in icmp if p.itype == req)
        n_rep = sum(1 for p in icmp if p.itype == rep)
        self.assertGreaterEqual(n_req, 2)
        self.assertEqual(n_req, n_rep)

    def test_ping_v4(self):
        self.check_ping('ping-v4', 'ipv4', 'icmp', 8, 0)

    def test_ping_v6(self):
        self.check_ping('ping-v6', 'ipv6', 'icmpv6', 128, 129)

    def test_udp_reqresp(self):
        udp = self.ip('udp-reqresp', 'ipv4', 'udp')
        flows = {(p.sport, p.dport) for p in udp}
        self.assertEqual(len(flows), 2, flows)
        a, b = sorted(flows)
        self.assertEqual(a, (b[1], b[0]))
        n = {f: sum(1 for p in udp if (p.sport, p.dport) == f) for f in flows}
        self.assertEqual(n[a], n[b])
        self.assertGreaterEqual(n[a], 2)

    def test_udp_oneway(self):
        ip = self.ip('udp-oneway')
        self.assertTrue(ip)
        self.assertTrue(all(p.l4 == 'udp' for p in ip))
        self.assertEqual(len({(p.src, p.sport, p.dst, p.dport) for p in ip}), 1, 'one direction')

    def test_tcp_refused(self):
        for l3 in ('ipv4', 'ipv6'):
            tcp = self.ip('tcp-refused', l3, 'tcp')
            self.assertTrue(any(p.flags == SYN for p in tcp), l3)
            self.assertTrue(any(p.flags & RST and p.flags & ACK for p in tcp), l3)
            self.assertFalse(any(p.flags & (SYN | ACK) == SYN | ACK for p in tcp))

    def test_tcp_filtered(self):
        for l3 in ('ipv4', 'ipv6'):
            tcp = self.ip('tcp-filtered', l3, 'tcp')
            self.assertTrue(tcp, l3)
            self.assertTrue(all(p.flags == SYN for p in tcp), 'only SYNs, nothing answers')
            self.assertGreaterEqual(len(tcp), 2, 'SYN retransmission')
            self.assertEqual(len({(p.sport, p.seq) for p in tcp}), 1, 'same SYN retransmitted')

    def test_udp_closed(self):
        k = 'udp-closed'
        self.assertTrue(self.ip(k, 'ipv4', 'udp'))
        self.assertTrue(self.ip(k, 'ipv6', 'udp'))
        self.assertTrue(any(p.itype == 3 and p.icode == 3 for p in self.ip(k, 'ipv4', 'icmp')))
        self.assertTrue(any(p.itype == 1 and p.icode == 4 for p in self.ip(k, 'ipv6', 'icmpv6')))

    def conn_sides(self, k):
        tcp = self.ip(k, 'ipv4', 'tcp')
        syn = next(p for p in tcp if p.flags & (SYN | ACK) == SYN)
        cli = (syn.src, syn.sport)
        return tcp, [p for p in tcp if (p.src, p.sport) == cli], \
            [p for p in tcp if (p.src, p.sport) != cli]

    def test_half_close(self):
        tcp, cli, srv = self.conn_sides('half-close')
        first_cli_fin = next(i for i, p in enumerate(tcp) if p in cli and p.flags & FIN)
        later_srv_data = [p for p in tcp[first_cli_fin + 1:] if p in srv and p.payload]
        self.assertTrue(later_srv_data, 'server sends after the client FIN')
        self.assertTrue(any(p.flags & FIN for p in srv), 'server closes at the end')
        self.assertFalse(any(p.flags & RST for p in tcp))

    def test_rst_abort(self):
        tcp, cli, srv = self.conn_sides('rst-abort')
        rst = [i for i, p in enumerate(tcp) if p in cli and p.flags & RST]
        self.assertTrue(rst, 'client RST')
        before = tcp[:rst[0]]
        self.assertTrue(any(p.payload for p in before if p in srv), 'data before the RST')
        self.assertFalse(any(p.flags & FIN for p in before), 'no orderly close before the RST')

    def test_time_wait_reuse(self):
        tcp = self.ip('time-wait-reuse', 'ipv4', 'tcp')
        syns = [(i, p) for i, p in enumerate(tcp) if p.flags & (SYN | ACK) == SYN]
        self.assertGreaterEqual(len(syns), 2)
        self.assertEqual(len({(p.src, p.sport, p.dst, p.dport) for _, p in syns}), 1,
                         'same 4-tuple reused')
        self.assertEqual(len({p.seq for _, p in syns}), len(syns), 'new ISN each time')
        i2 = syns[1][0]
        self.assertTrue(any(p.flags & FIN for p in tcp[:i2]), 'first connection closed before')

    def test_loss_reorder(self):
        tcp, cli, srv = self.conn_sides('loss-reorder')
        data = sum(len(p.payload) for p in srv)
        self.assertGreaterEqual(data, 300000)
        seqs = [p.seq for p in srv if p.payload]
        out_of_order = sum(1 for a, b in zip(seqs, seqs[1:]) if b < a)
        self.assertGreater(out_of_order, 0, 'retransmissions or reordering')
        self.assertGreater(len(tcp), 200)

    def test_ipv6_mixed(self):
        k = 'ipv6-mixed'
        self.assert_only_families(k, ['ipv6'])
        self.assertTrue(self.ip(k, 'ipv6', 'tcp'))
        self.assertTrue(self.ip(k, 'ipv6', 'udp'))
        self.assertTrue(any(p.itype == 1 and p.icode == 4 for p in self.ip(k, 'ipv6', 'icmpv6')))


if __name__ == '__main__':
    unittest.main()
