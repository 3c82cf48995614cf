"""The hook recorder (conformance/hooks): how it times and joins what NFLOG reports, and (as
root, with nft, ethtool and ping) one real recording that must read back complete.

Run: python3 -m unittest discover -s conformance/tests -p 'test_hook*.py'
"""

import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "conformance", "kernel"))
sys.path.insert(0, os.path.join(REPO, "conformance", "hooks"))

import hooklab  # noqa: E402

RECORD = os.path.join(REPO, "conformance", "hooks", "record.py")


class FakeLab:
    """What Recording and kernel_times read of a lab: a 4 ms tick at phase 0, clocks 1:1."""
    period, phase, clock_offset, epoch_offset = 4_000_000, 0, 0, 0
    kernel_times = hooklab.HookLab.kernel_times
    stamp = hooklab.HookLab.stamp


def rec(hook, mark, prefix, mono, ts=None):
    return {"hook": hook, "mark": mark, "prefix": prefix, "mono": mono, "ts": ts,
            "seq": 0, "raw": b""}


class KernelTimesTest(unittest.TestCase):
    def test_kernel_stamps_win_and_a_forwarded_packet_keeps_its_receive_time(self):
        lab = FakeLab()
        records = [rec(0, 1, "nfct", 9_000_000, ts=3_900_000),      # PRE, stamped by the kernel
                   rec(4, 1, "nfct", 9_100_000),                      # POST of the same packet
                   rec(3, 2, "nfct", 9_200_000),                      # OUT, read late
                   rec(0, 3, "nfct", 9_300_000, ts=4_100_000)]        # next kernel stamp
        t = lab.kernel_times(records)
        self.assertEqual(t[0], 3_900_000)
        self.assertEqual(t[1], 3_900_000, "the packet's own receive time")
        self.assertEqual(t[2], 4_100_000, "no later than the next packet the kernel stamped")
        self.assertEqual([lab.stamp(x) for x in t], [0, 0, 4_000_000, 4_000_000])

    def test_times_never_go_back(self):
        lab = FakeLab()
        t = lab.kernel_times([rec(0, 1, "nfct", 10, ts=500), rec(0, 2, "nfct", 20, ts=400)])
        self.assertEqual(t, [500, 500])


class RecordingTest(unittest.TestCase):
    def test_ct_states_join_their_entry_observation_by_id_and_hook(self):
        lab = FakeLab()
        records = [rec(3, 7, "nfct", 1), rec(3, 7, "ct new original", 2),
                   rec(4, 7, "nfct", 3),
                   rec(0, 7, "nfct", 4), rec(0, 7, "ct new original", 5),    # back over lo
                   rec(1, 7, "nfct", 6),
                   rec(0, 8, "nfct", 7),                                   # dropped by conntrack
                   rec(2, 8, "nfct drop", 8)]
        r = hooklab.Recording(lab, records, [], [], 0, [])
        self.assertEqual(r.trace, ["1 new original", "3 new original", "5 unseen -"])
        self.assertEqual(r.counts(), {"LOCAL_OUT": 1, "POST_ROUTING": 1, "PRE_ROUTING": 2,
                                      "LOCAL_IN": 1, "FORWARD DROP": 1})


def why_not():
    if os.geteuid() != 0:
        return "not root"
    missing = [t for t in ("ip", "nft", "ethtool", "ping") if not shutil.which(t)]
    return "missing " + " ".join(missing) if missing else None


class RealRecordingTest(unittest.TestCase):
    def test_a_loopback_recording_is_complete(self):
        reason = why_not()
        if reason:
            self.skipTest("hook recorder needs root, nft, ethtool and ping: " + reason)
        out = tempfile.mkdtemp(prefix="nfct-hooks-test-")
        before = set(self.namespaces())
        try:
            p = subprocess.run([sys.executable, RECORD, "-q", out, "--kinds", "loopback"],
                               capture_output=True, text=True, timeout=120)
            self.assertEqual(p.returncode, 0, p.stderr)
            with open(os.path.join(out, "loopback.json")) as fh:
                meta = json.load(fh)
            obs = meta["observations"]
            # Every packet over lo passes four hooks, each observed.
            self.assertEqual(obs["POST_ROUTING"], obs["PRE_ROUTING"])
            self.assertEqual(obs["PRE_ROUTING"], obs["LOCAL_IN"])
            self.assertGreater(obs["LOCAL_OUT"], 20)
            with open(os.path.join(out, "loopback.pcap"), "rb") as fh:
                self.assertEqual(struct.unpack("<I", fh.read(24)[20:24])[0], 239)
            with open(os.path.join(out, "loopback.events")) as fh:
                events = fh.read()
            self.assertIn("SYN_SENT", events)
            self.assertIn("dst=::1", events)
            self.assertEqual(set(self.namespaces()) - before, set(), "namespaces left behind")
        finally:
            shutil.rmtree(out, ignore_errors=True)

    @staticmethod
    def namespaces():
        p = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True)
        return [ln.split()[0] for ln in p.stdout.splitlines() if ln.startswith("khk")]

    def test_an_unknown_kind_is_a_usage_error(self):
        p = subprocess.run([sys.executable, RECORD, "/tmp/x", "--kinds", "nope"],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 2)
        self.assertIn("unknown kind nope", p.stderr)


if __name__ == "__main__":
    unittest.main()
