#!/usr/bin/env python3
"""Replay many captures through ONE kernel conntrack lab (set up once, flushed between).

    batch.py [--check] [--timing ..] [--sysctl K=V ..] OUTDIR INPUT [INPUT ...]

INPUT is a capture file or a directory (its *.pcap / *.pcapng, not recursive). For each
capture NAME, OUTDIR gets NAME.events, NAME.table and NAME.trace (same forms as
run_kernel.py). Between captures the table is flushed and the flush's DESTROY events are
discarded behind a sentinel barrier, so nothing leaks into the next capture.

--check compares each result with the reference files beside the capture (NAME.events,
NAME.events.table, first three fields of NAME.events.trace) and prints the agreement.
Exit: 0 ok (and, with --check, all equal), 1 a --check difference, 2 usage/prerequisites,
3 setup failure, 4 events lost in some capture.
"""

import argparse
import glob
import os
import sys
import time

sys.dont_write_bytecode = True      # keep __pycache__ out of the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from ctlab import lab, render  # noqa: E402


def collect(inputs):
    found = []
    for item in inputs:
        if os.path.isdir(item):
            for pattern in ("*.pcap", "*.pcapng"):
                found.extend(sorted(glob.glob(os.path.join(item, pattern))))
        elif os.path.isfile(item):
            found.append(item)
        else:
            raise lab.LabError(lab.EXIT_USAGE, "no such capture or directory: %s" % item)
    names = [os.path.splitext(os.path.basename(p))[0] for p in found]
    dups = {n for n in names if names.count(n) > 1}
    if dups:
        raise lab.LabError(lab.EXIT_USAGE, "several captures named %s" % ", ".join(sorted(dups)))
    return found


def reference_check(capture, res):
    """[(kind, problem or None)] against NAME.events / .events.table / .events.trace."""
    base = os.path.splitext(capture)[0] + ".events"
    out = []
    for kind, ref, ours, loader in (
            ("events", base, res.events, render.read_lines),
            ("table", base + ".table", res.table, render.read_lines),
            ("trace", base + ".trace", res.trace, render.reference_trace)):
        if not os.path.exists(ref):
            out.append((kind, "no reference file %s" % os.path.basename(ref)))
            continue
        out.append((kind, render.first_difference(ours, loader(ref))))
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Replay every capture of the given files/directories through one "
                    "kernel conntrack lab; write OUTDIR/NAME.{events,table,trace}.",
        epilog="exit status: 0 ok, 1 --check difference, 2 usage/prerequisites, "
               "3 setup failure, 4 events lost")
    parser.add_argument("outdir", nargs="?")
    parser.add_argument("inputs", nargs="*", help="capture files or directories")
    parser.add_argument("--check", action="store_true",
                        help="compare with the reference files beside each capture")
    lab.add_common_options(parser)
    args = parser.parse_args(argv)
    say = lab.stderr_log
    log = (lambda m: None) if args.quiet else say

    def check_args():
        if not args.outdir or not args.inputs:
            parser.print_usage(sys.stderr)
            say("batch: OUTDIR and at least one INPUT are required")
            return lab.EXIT_USAGE
        return None

    def work(open_lab):
        worst = lab.EXIT_OK
        differences = 0
        captures = collect(args.inputs)
        if not captures:
            raise lab.LabError(lab.EXIT_USAGE, "no captures found")
        os.makedirs(args.outdir, exist_ok=True)
        t0 = time.monotonic()
        the_lab = open_lab()
        setup = time.monotonic() - t0
        for path in captures:
            name = os.path.splitext(os.path.basename(path))[0]
            res = the_lab.replay(path)
            res.write(os.path.join(args.outdir, name))
            line = "%-32s %6d pkts %5d events %4d entries %6.3fs" % (
                name, res.sent, len(res.events), len(res.table), res.total_seconds)
            if res.lost:
                line += "  LOST (ENOBUFS events=%d nflog=%d)" % (res.lost_events,
                                                                 res.lost_records)
                worst = lab.EXIT_LOST
            if args.check:
                verdicts = reference_check(path, res)
                bad = [(k, p) for k, p in verdicts if p]
                line += "  " + " ".join("%s=%s" % (k, "DIFF" if p else "same")
                                        for k, p in verdicts)
                for kind, problem in bad:
                    line += "\n    %s: %s" % (kind, problem)
                differences += bool(bad)
            say(line)
        say("batch: %d captures in %.2fs (lab setup %.2fs)%s"
            % (len(captures), time.monotonic() - t0, setup,
               ", %d with differences" % differences if args.check else ""))
        if worst == lab.EXIT_LOST:
            say("batch: FAILED: events were lost (ENOBUFS) in at least one capture")
            return worst
        return 1 if differences else lab.EXIT_OK

    return lab.run_cli("batch", args, log, work, check_args)


if __name__ == "__main__":
    sys.exit(main())
