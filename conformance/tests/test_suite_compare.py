"""The suite's comparison must not shrink: a missing file, or a frame only one side reports, is a
difference (not something left out of the count)."""
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import suite  # noqa: E402

EVENT = 'NEW ipv4 udp - 30 | src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 | src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1 | UNREPLIED | -'
ENTRY = 'ENTRY ipv4 udp - 30 | src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 | src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1 | UNREPLIED | packets=1:0 bytes=29:0'


class CompareTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        root = Path(self.tmp.name)
        self.k, self.j = root / 'kernel', root / 'java'
        self.k.mkdir()
        self.j.mkdir()
        for d, prefix in ((self.k, 'c'), (self.j, 'c.engine')):
            (d / (prefix + '.events')).write_text(EVENT + '\n')
            (d / (prefix + '.table')).write_text(ENTRY + '\n')
            (d / (prefix + '.trace')).write_text('1 new original\n')

    def tearDown(self):
        self.tmp.cleanup()

    def compare(self):
        return suite.compare_capture('c', self.k, self.j, flink=False)

    def test_identical_sides_agree(self):
        r = self.compare()
        self.assertEqual([], r['diffs'])
        self.assertEqual('1/1', r['engine_ctinfo'])

    def test_missing_kernel_events_is_a_difference(self):
        (self.k / 'c.events').unlink()
        self.assertEqual('missing file', self.compare()['diffs'][0]['what'])

    def test_missing_trace_on_either_side_is_a_difference(self):
        (self.k / 'c.trace').unlink()
        self.assertTrue(self.compare()['diffs'])
        self.setUp()
        (self.j / 'c.engine.trace').unlink()
        self.assertTrue(self.compare()['diffs'])

    def test_a_frame_only_we_report_is_a_difference(self):
        (self.j / 'c.engine.trace').write_text('1 new original\n2 invalid -\n')
        r = self.compare()
        self.assertEqual('1/2', r['engine_ctinfo'])
        self.assertEqual([2], [d['frame'] for d in r['diffs']])


if __name__ == '__main__':
    unittest.main()
