#!/usr/bin/env python3
"""Replay one capture through the real kernel conntrack and write normalised results.

    run_kernel.py [--timing top|capture] [--sysctl K=V ...] CAPTURE OUT

writes OUT.events (every conntrack event, normalised), OUT.table (final table, sorted
ENTRY lines) and OUT.trace ("FRAME STATE DIR" per IP frame of the capture).
Needs root. Exit: 0 ok, 2 usage / missing prerequisite / unreadable capture,
3 setup or replay failure, 4 events (or trace records) lost.
See README.md beside this script for the lab design.
"""

import argparse
import os
import sys

sys.dont_write_bytecode = True      # keep __pycache__ out of the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from ctlab import lab  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Replay a pcap/pcapng through Linux conntrack in private namespaces; "
                    "write OUT.events, OUT.table and OUT.trace.",
        epilog="exit status: 0 ok, 2 usage/prerequisites, 3 setup failure, 4 events lost")
    parser.add_argument("capture", nargs="?", help="pcap or pcapng file")
    parser.add_argument("out", nargs="?", help="output prefix (OUT.events, OUT.table, OUT.trace)")
    lab.add_common_options(parser)
    args = parser.parse_args(argv)
    log = (lambda m: None) if args.quiet else lab.stderr_log

    def check_args():
        if not args.capture or not args.out:
            parser.print_usage(sys.stderr)
            lab.stderr_log("run_kernel: CAPTURE and OUT are required")
            return lab.EXIT_USAGE
        if not os.path.isfile(args.capture):
            lab.stderr_log("run_kernel: no such capture: %s" % args.capture)
            return lab.EXIT_USAGE
        return None

    def work(open_lab):
        out = args.out[:-len(".events")] if args.out.endswith(".events") else args.out
        the_lab = open_lab()
        res = the_lab.replay(args.capture)
        res.write(out)
        log("%s -> %s.{events,table,trace}\n%s" % (args.capture, out, res.summary()))
        if res.lost:
            lab.stderr_log("run_kernel: FAILED: the kernel reported ENOBUFS %d time(s) on the "
                           "event socket and %d on the NFLOG socket: output is incomplete"
                           % (res.lost_events, res.lost_records))
            return lab.EXIT_LOST
        return lab.EXIT_OK

    return lab.run_cli("run_kernel", args, log, work, check_args)


if __name__ == "__main__":
    sys.exit(main())
