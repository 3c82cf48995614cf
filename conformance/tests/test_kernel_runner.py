"""Kernel runner conformance: our lab must reproduce the reference kernel results.

For every capture in ../shared/pcaps and ../shared/pcaps/public, the output of
conformance/kernel/batch.py (one lab for all captures) must equal the reference files
beside the capture: NAME.events, NAME.events.table and the first three fields of each
line of NAME.events.trace. One capture also goes through run_kernel.py on its own.

Needs root, the lab tools (ip, nft, tcpreplay, taskset) and ../shared/pcaps; otherwise the
replay tests are skipped with the reason. Run: python3 -m unittest discover -s conformance/tests
"""

import glob
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
KERNEL_DIR = os.path.join(REPO, "conformance", "kernel")
RUN_KERNEL = os.path.join(KERNEL_DIR, "run_kernel.py")
BATCH = os.path.join(KERNEL_DIR, "batch.py")
PCAP_DIRS = [os.path.normpath(os.path.join(REPO, "..", "shared", "pcaps")),
             os.path.normpath(os.path.join(REPO, "..", "shared", "pcaps", "public"))]
TOOLS = ("ip", "nft", "tcpreplay", "taskset")
SINGLE = "ip-fragments-v4v6"          # IPv4 + IPv6 fragments: the trickiest trace case


def why_skip():
    if os.geteuid() != 0:
        return "kernel replay needs root (network namespaces, nft, netlink)"
    missing = [t for t in TOOLS if not shutil.which(t)]
    if missing:
        return ("kernel replay tools missing: %s (apt-get install -y iproute2 nftables "
                "tcpreplay util-linux)" % " ".join(missing))
    if not os.path.isdir(PCAP_DIRS[0]):
        return "reference captures not found at %s" % PCAP_DIRS[0]
    if not os.path.exists("/proc/sys/net/netfilter/nf_conntrack_acct"):
        return "this kernel has no nf_conntrack"
    return None


SKIP = why_skip()


def captures():
    found = []
    for d in PCAP_DIRS:
        found.extend(sorted(glob.glob(os.path.join(d, "*.pcap"))))
    return found


def lines(path):
    with open(path) as fh:
        return [ln.rstrip("\n") for ln in fh if ln.strip() and not ln.startswith("#")]


def trace_head(path):
    return [" ".join(ln.split()[:3]) for ln in lines(path)]


def first_diff(ours, ref):
    for i, (a, b) in enumerate(zip(ours, ref)):
        if a != b:
            return "line %d differs:\n  ours: %s\n  ref:  %s" % (i + 1, a, b)
    if len(ours) != len(ref):
        return "ours has %d lines, reference %d" % (len(ours), len(ref))
    return None


def stale_namespaces(pid):
    try:
        return [n for n in os.listdir("/run/netns") if n.startswith("ktr%d-" % pid)]
    except FileNotFoundError:
        return []


class CliWithoutRootTest(unittest.TestCase):
    """Argument handling that needs neither root nor captures."""

    def test_help(self):
        for script in (RUN_KERNEL, BATCH):
            proc = subprocess.run([sys.executable, script, "--help"], capture_output=True,
                                  text=True, timeout=60)
            self.assertEqual(proc.returncode, 0, proc.stderr)
            self.assertIn("--timing", proc.stdout)
            self.assertIn("--sysctl", proc.stdout)
            self.assertIn("--cleanup-stale", proc.stdout)

    def test_missing_arguments_is_usage_error(self):
        for script in (RUN_KERNEL, BATCH):
            proc = subprocess.run([sys.executable, script], capture_output=True, text=True,
                                  timeout=60)
            self.assertEqual(proc.returncode, 2, proc.stderr)


@unittest.skipIf(SKIP, SKIP or "")
class KernelRunnerTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="test-kernel-runner-")
        cls.out = os.path.join(cls.tmp, "batch")
        proc = subprocess.Popen([sys.executable, BATCH, cls.out] + PCAP_DIRS[:1]
                                + [d for d in PCAP_DIRS[1:] if os.path.isdir(d)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        cls.batch_stdout, cls.batch_stderr = proc.communicate(timeout=900)
        cls.batch_rc = proc.returncode
        cls.batch_pid = proc.pid

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_batch_succeeded(self):
        self.assertEqual(self.batch_rc, 0, self.batch_stderr)
        self.assertEqual(stale_namespaces(self.batch_pid), [])

    def test_every_capture_matches_reference(self):
        caps = captures()
        self.assertTrue(caps, "no captures found")
        for cap in caps:
            name = os.path.splitext(os.path.basename(cap))[0]
            ref = os.path.splitext(cap)[0] + ".events"
            ours = os.path.join(self.out, name)
            for kind, ours_path, ref_path, load_ref in (
                    ("events", ours + ".events", ref, lines),
                    ("table", ours + ".table", ref + ".table", lines),
                    ("trace", ours + ".trace", ref + ".trace", trace_head)):
                with self.subTest(capture=name, output=kind):
                    if not os.path.exists(ref_path):
                        self.skipTest("no reference %s" % ref_path)
                    self.assertTrue(os.path.exists(ours_path),
                                    "batch wrote no %s\n%s" % (ours_path, self.batch_stderr))
                    problem = first_diff(lines(ours_path), load_ref(ref_path))
                    self.assertIsNone(problem, "%s %s: %s" % (name, kind, problem))

    def test_single_capture_runner(self):
        cap = os.path.join(PCAP_DIRS[0], SINGLE + ".pcap")
        if not os.path.exists(cap):
            self.skipTest("%s not present" % cap)
        prefix = os.path.join(self.tmp, "single")
        proc = subprocess.Popen([sys.executable, RUN_KERNEL, "-q", cap, prefix],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        _, err = proc.communicate(timeout=300)
        self.assertEqual(proc.returncode, 0, err)
        self.assertEqual(stale_namespaces(proc.pid), [])
        ref = os.path.splitext(cap)[0] + ".events"
        self.assertIsNone(first_diff(lines(prefix + ".events"), lines(ref)))
        self.assertIsNone(first_diff(lines(prefix + ".table"), lines(ref + ".table")))
        self.assertIsNone(first_diff(lines(prefix + ".trace"), trace_head(ref + ".trace")))


if __name__ == "__main__":
    unittest.main()
