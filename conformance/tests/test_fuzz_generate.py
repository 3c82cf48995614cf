#!/usr/bin/env python3
"""Unit tests of conformance/fuzz (generator, pcap writer, checksums, ddmin).

    python3 -m unittest conformance/tests/test_fuzz_generate.py -v      (from the repo root)

The replay check runs our engine (`java -jar job/target/conntrack-job.jar replay`) over every
generated capture; it is skipped with a message when the jar is not built (NFCT_JAR overrides
the path).
"""
import ipaddress
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..'))
sys.path.insert(0, os.path.join(REPO, 'conformance', 'fuzz'))

import generate  # noqa: E402
import pcapwrite as pw  # noqa: E402
import shrink  # noqa: E402

JAR = os.environ.get('NFCT_JAR', os.path.join(REPO, 'job', 'target', 'conntrack-job.jar'))
SEED, COUNT, PER = 4242, 300, 40


def ip_addrs(packet):
    """(src, dst) strings of an IP packet."""
    if packet[0] >> 4 == 4:
        return str(ipaddress.IPv4Address(packet[12:16])), str(ipaddress.IPv4Address(packet[16:20]))
    return str(ipaddress.IPv6Address(packet[8:24])), str(ipaddress.IPv6Address(packet[24:40]))


class GeneratedRun(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix='nfct-fuzz-test-')
        cls.out1 = os.path.join(cls.tmp, 'a')
        cls.out2 = os.path.join(cls.tmp, 'b')
        cls.m1 = generate.generate(SEED, COUNT, PER, cls.out1)
        cls.m2 = generate.generate(SEED, COUNT, PER, cls.out2)
        with open(os.path.join(cls.out1, 'manifest.json')) as f:
            cls.manifest = json.load(f)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def frames(self, cap):
        recs, linktype = pw.read_pcap(os.path.join(self.out1, cap))
        self.assertEqual(linktype, pw.LINKTYPE_ETHERNET)
        return recs

    # ----------------------------------------------------------------- determinism
    def test_same_seed_gives_byte_identical_captures(self):
        files = sorted(os.listdir(self.out1))
        self.assertEqual(files, sorted(os.listdir(self.out2)))
        for name in files:
            with open(os.path.join(self.out1, name), 'rb') as a, open(os.path.join(self.out2, name), 'rb') as b:
                self.assertEqual(a.read(), b.read(), name)

    def test_other_seed_differs(self):
        out = os.path.join(self.tmp, 'c')
        generate.generate(SEED + 1, 20, 20, out)
        with open(os.path.join(out, generate.capture_name(SEED + 1, 0)), 'rb') as f:
            other = f.read()
        with open(os.path.join(self.out1, generate.capture_name(SEED, 0)), 'rb') as f:
            self.assertNotEqual(f.read()[:len(other)], other)

    def test_sequence_independent_of_batching(self):
        out = os.path.join(self.tmp, 'd')
        m = generate.generate(SEED, 30, 7, out)
        by_index = {s['index']: s for s in self.manifest['sequences']}
        for s in m['sequences']:
            self.assertEqual(s['notes'], by_index[s['index']]['notes'])
        pk, _ = generate.build_sequence(SEED, 17)
        pk2, _ = generate.build_sequence(SEED, 17)
        self.assertEqual(pk, pk2)

    # ----------------------------------------------------------------- manifest
    def test_manifest_matches_frames(self):
        m = self.manifest
        self.assertEqual(m['seed'], SEED)
        self.assertEqual(len(m['sequences']), COUNT)
        self.assertEqual([s['index'] for s in m['sequences']], list(range(COUNT)))
        self.assertEqual(len(m['captures']), (COUNT + PER - 1) // PER)
        seqs = {s['index']: s for s in m['sequences']}
        for cap in m['captures']:
            recs = self.frames(cap['file'])
            self.assertEqual(len(recs), cap['frames'], cap['file'])
            self.assertLessEqual(len(cap['sequences']), PER)
            # timestamps strictly increasing by 1 us from the fixed base
            self.assertEqual([ts for ts, _ in recs],
                             [pw.BASE_TS_US + i for i in range(len(recs))])
            nxt = 1
            for i in cap['sequences']:
                s = seqs[i]
                self.assertEqual(s['capture'], cap['file'])
                self.assertEqual(s['first_frame'], nxt)
                self.assertEqual(s['last_frame'] - s['first_frame'] + 1, s['packets'])
                self.assertEqual(len(s['notes']), s['packets'])
                nxt = s['last_frame'] + 1
                # every frame of the sequence uses only the sequence's own addresses
                own = set(s['v4'] + s['v6'] + [s['ll']])
                pk, _ = generate.build_sequence(SEED, i)
                for fr in range(s['first_frame'], s['last_frame'] + 1):
                    pkt = pw.strip_ether(recs[fr - 1][1])
                    self.assertEqual(pkt, pw.ip_of(pk[fr - s['first_frame']]))
                    src, dst = ip_addrs(pkt)
                    self.assertIn(src, own, 'seq %d frame %d' % (i, fr))
                    self.assertIn(dst, own, 'seq %d frame %d' % (i, fr))
                    self.assertEqual(generate.sequence_of_address(src), i)
            self.assertEqual(nxt, cap['frames'] + 1)

    def test_address_pairs_never_repeat(self):
        seen = {}
        for s in self.manifest['sequences']:
            for a in s['v4'] + s['v6'] + [s['ll']]:
                self.assertNotIn(a, seen, 'address %s of seq %d already used by %s' % (a, s['index'], seen.get(a)))
                seen[a] = s['index']
        pairs = [(s['v4'][0], s['v4'][1]) for s in self.manifest['sequences']]
        self.assertEqual(len(pairs), len(set(pairs)))
        for i in (0, 1, 255, 256, 65535):
            for a in [*generate.addresses_for(i)['v4'], *generate.addresses_for(i)['v6'],
                      generate.addresses_for(i)['ll']]:
                self.assertEqual(generate.sequence_of_address(a), i)
        with self.assertRaises(ValueError):
            generate.addresses_for(65536)

    def test_all_kinds_and_both_families_appear(self):
        kinds = {s['kind'] for s in self.manifest['sequences']}
        self.assertGreaterEqual(len(kinds), len(generate.KINDS) - 1)   # cross_icmp is rare
        self.assertEqual({s['family'] for s in self.manifest['sequences']}, {'ipv4', 'ipv6'})

    # ----------------------------------------------------------------- checksums
    def test_checksums_verify(self):
        # odd_lengths makes IP lengths disagree with the bytes on purpose: what its checksums
        # cover is then a matter of interpretation, so its packets are left out here.
        odd = {(s['capture'], f) for s in self.manifest['sequences'] if s['kind'] == 'odd_lengths'
               for f in range(s['first_frame'], s['last_frame'] + 1)}
        n = 0
        for cap in self.manifest['captures']:
            for i, (_, frame) in enumerate(self.frames(cap['file']), 1):
                if (cap['file'], i) in odd:
                    continue
                probs = pw.verify_packet(pw.strip_ether(frame))
                self.assertEqual(probs, [], '%s frame %d' % (cap['file'], i))
                n += 1
        self.assertGreater(n, COUNT)

    def test_verifier_catches_corruption(self):
        p = pw.tcp_packet('10.0.0.1', '10.0.0.2', 1, 2, 3, 4, pw.SYN, 100,
                          pw.tcp_options(mss=1460, wscale=7, sack_perm=True, ts=(1, 0)))
        self.assertEqual(pw.verify_packet(p), [])
        bad = bytearray(p)
        bad[-1] ^= 1
        self.assertIn('tcp checksum', pw.verify_packet(bytes(bad)))
        bad = bytearray(p)
        bad[8] = 1                                  # TTL: breaks the IPv4 header checksum
        self.assertIn('ipv4 header checksum', pw.verify_packet(bytes(bad)))
        for p in (pw.udp_packet('fd00::1', 'fd00::2', 5, 6, b'xyz'),
                  pw.icmp_packet('fd00::1', 'fd00::2', 128, 0, pw.echo_rest(1, 2), b'hello'),
                  pw.icmp_packet('10.0.0.1', '10.0.0.2', 8, 0, pw.echo_rest(1, 2), b'hello!')):
            self.assertEqual(pw.verify_packet(p), [])
            bad = bytearray(p)
            bad[-1] ^= 0x40
            self.assertNotEqual(pw.verify_packet(bytes(bad)), [])

    def test_known_checksum_values(self):
        # RFC 1071 example words 0001 f203 f4f5 f6f7 -> sum ddf2 -> checksum 220d
        self.assertEqual(pw.inet_checksum(bytes.fromhex('0001f203f4f5f6f7')), 0x220D)
        # a classic IPv4 header (checksum b861)
        h = bytes.fromhex('450000730000400040110000c0a80001c0a800c7')
        self.assertEqual(pw.inet_checksum(h), 0xB861)

    def test_builders_layout(self):
        o = pw.tcp_options(mss=1460, wscale=7, sack_perm=True, sack=[(1, 2)], ts=(5, 6))
        self.assertEqual(len(o) % 4, 0)
        seg = pw.tcp('10.0.0.1', '10.0.0.2', 1000, 80, 0xFFFFFFFF, 7, pw.SYN | pw.ACK, 512, o, b'ab')
        sport, dport, seq, ack, off, flags, win = struct.unpack('!HHIIBBH', seg[:16])
        self.assertEqual((sport, dport, seq, ack, off >> 4, flags, win),
                         (1000, 80, 0xFFFFFFFF, 7, (20 + len(o)) // 4, 0x12, 512))
        self.assertEqual(seg[-2:], b'ab')
        # ICMP error quoting the first 8 bytes of L4
        inner = pw.udp_packet('10.0.0.1', '10.0.0.2', 1, 2, b'x' * 30)
        err = pw.icmp_error_packet('10.0.0.2', '10.0.0.1', 3, 3, inner)
        self.assertEqual(err[20], 3)
        self.assertEqual(err[28:], inner[:28])
        err6 = pw.icmp_error_packet('fd00::2', 'fd00::1', 1, 4,
                                    pw.udp_packet('fd00::1', 'fd00::2', 1, 2, b'x'), None)
        self.assertEqual(struct.unpack('!H', err6[4:6])[0], 8 + 40 + 9)
        self.assertEqual(pw.verify_packet(err6), [])
        t = pw.truncate_l4(pw.tcp_packet('10.0.0.1', '10.0.0.2', 1, 2, 3, 4, pw.ACK, 5), 12)
        self.assertEqual(len(t), 32)
        self.assertEqual(pw.verify_packet(t), [])

    # ----------------------------------------------------------------- ddmin
    def test_ddmin_finds_minimal_subset(self):
        items = list(range(40))
        calls = []

        def pred(xs):
            calls.append(len(xs))
            return 7 in xs and 23 in xs and 31 in xs
        self.assertEqual(shrink.ddmin(items, pred), [7, 23, 31])
        self.assertLess(len(calls), 200)
        self.assertEqual(shrink.ddmin(items, lambda xs: bool(xs)), [0])
        with self.assertRaises(ValueError):
            shrink.ddmin(items, lambda xs: False)

    def test_ddmin_keeps_order_and_writes_regression(self):
        pk, _ = generate.build_sequence(SEED, 3)
        target = [pk[0], pk[-1]] if len(pk) > 1 else [pk[0]]
        mini = shrink.shrink_packets(pk, lambda xs: all(t in xs for t in target))
        self.assertEqual(mini, target)
        out = os.path.join(self.tmp, 'reg')
        kernel = {'events': ['NEW ipv4 x'], 'trace': ['1 new original x'], 'table': []}
        base = shrink.write_regression('demo', mini, kernel, out)
        recs, _ = pw.read_pcap(base + '.pcap')
        self.assertEqual([pw.strip_ether(f) for _, f in recs], mini)
        with open(base + '.events') as f:
            self.assertEqual(f.read(), 'NEW ipv4 x\n')
        with open(base + '.trace') as f:
            self.assertEqual(f.read(), '1 new original x\n')

    # ----------------------------------------------------------------- engine replay
    def test_captures_replay_through_engine(self):
        if not os.path.exists(JAR):
            self.skipTest('engine jar not built (%s): run `mvn -q -B package -DskipTests`' % JAR)
        if shutil.which('java') is None:
            self.skipTest('no java on PATH')
        eng = os.path.join(self.tmp, 'engine')
        os.makedirs(eng, exist_ok=True)
        for cap in self.manifest['captures']:
            pcap = os.path.join(self.out1, cap['file'])
            ctinfo = os.path.join(eng, cap['file'] + '.ctinfo')
            p = subprocess.run(['java', '-jar', JAR, 'replay', '--pcap', pcap, '--format', 'normalized',
                                '--ctinfo', ctinfo, '--table', os.path.join(eng, cap['file'] + '.table')],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=300)
            self.assertEqual(p.returncode, 0, '%s: %s' % (cap['file'], p.stderr[-2000:]))
            with open(ctinfo) as f:
                lines = [ln.split() for ln in f if ln.strip()]
            self.assertEqual([int(x[0]) for x in lines], list(range(1, cap['frames'] + 1)), cap['file'])
            for ln in p.stdout.splitlines():
                tup = ln.split('|')[1].split()
                src = [t[4:] for t in tup if t.startswith('src=')][0]
                self.assertIsNotNone(generate.sequence_of_address(src), ln)


if __name__ == '__main__':
    unittest.main()


class VariantTest(unittest.TestCase):
    """Sequences under a sysctl variant: their own, reproducible, and shaped for the setting."""

    def test_no_variant_keeps_the_sequences_of_the_plain_generator(self):
        a, _ = generate.build_sequence(9, 3)
        b, _ = generate.build_sequence(9, 3, variant=None)
        self.assertEqual(a, b)

    def test_a_variant_is_reproducible_and_different(self):
        a, ma = generate.build_sequence(9, 3, variant='liberal')
        b, _ = generate.build_sequence(9, 3, variant='liberal')
        self.assertEqual(a, b)
        self.assertIn(ma['kind'], generate.variants.TCP_SHAPES)

    def test_the_checksum_variant_breaks_some_checksums_and_says_so(self):
        broken = total = 0
        for i in range(60):
            pkts, meta = generate.build_sequence(9, i, variant='checksum')
            for p, note in zip(pkts, meta['notes']):
                total += 1
                if 'checksum broken' in note:
                    broken += 1
                    if not note.startswith('sctp'):      # verify_packet knows no CRC32c
                        self.assertNotEqual(pw.verify_packet(pw.ip_of(p)), [], note)
        self.assertGreater(broken, total // 20)
        self.assertLess(broken, total // 3)

    def test_manifest_names_the_variant_and_its_sysctls(self):
        out = tempfile.mkdtemp(prefix='nfct-variant-')
        try:
            m = generate.generate(9, 20, 10, out, variant='checksum+liberal')
            self.assertEqual(m['variant'], 'checksum+liberal')
            self.assertEqual(m['sysctls'], {'nf_conntrack_checksum': 1, 'nf_conntrack_tcp_be_liberal': 1})
        finally:
            shutil.rmtree(out, ignore_errors=True)
