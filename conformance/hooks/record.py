#!/usr/bin/env python3
"""record.py - real multi-hook observations of a Linux router, with the kernel's verdicts.

    sudo python3 conformance/hooks/record.py OUTDIR [--kinds forward,loopback,...]

For each traffic kind (see kinds.py; default: all of them) writes into OUTDIR:

  KIND.pcap          the router's observations: one LINKTYPE_NFLOG record per packet per hook
                     (the packet id in the mark, the hook in the packet header, the prefix
                     "nfct" or "nfct drop"), stamped at the start of the kernel's jiffy
  KIND.events        the kernel's conntrack events, in order (normalised lines)
  KIND.events.table  the kernel's table at the end (normalised lines, sorted)
  KIND.events.trace  FRAME STATE DIR: the ct state conntrack gave each entry-hook observation
  KIND.json          the dump time of the table, the observation counts per hook, the kernel

Exit: 0 ok, 2 usage or missing prerequisite (with the apt-get line), 3 setup failure,
4 events or NFLOG records lost. Runs as root in namespaces it creates and removes.
"""

import argparse
import json
import os
import platform
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "kernel"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from ctlab.lab import (EXIT_OK, EXIT_SETUP, EXIT_USAGE, Interrupted, LabError,  # noqa: E402
                       install_signal_handlers)
import hooklab  # noqa: E402
import kinds  # noqa: E402

LINKTYPE_NFLOG = 239


def write_nflog_pcap(path, observations):
    """A nanosecond pcap in this machine's byte order (NFLOG's TLV headers are in host order,
    as tcpdump -i nflog:N writes them)."""
    with open(path, "wb") as fh:
        fh.write(struct.pack("=IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, 0xFFFF + 64, LINKTYPE_NFLOG))
        for ns, raw, _ in observations:
            fh.write(struct.pack("=IIII", ns // 1_000_000_000, ns % 1_000_000_000, len(raw),
                                 len(raw)))
            fh.write(raw)


def write_lines(path, lines):
    with open(path, "w") as fh:
        fh.write("".join(ln + "\n" for ln in lines))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", help="output folder (created)")
    ap.add_argument("--kinds", default=",".join(kinds.KINDS),
                    help="comma-separated kinds (default: %(default)s)")
    ap.add_argument("-q", "--quiet", action="store_true")
    args = ap.parse_args(argv)
    chosen = [k for k in args.kinds.split(",") if k]
    unknown = [k for k in chosen if k not in kinds.KINDS]
    if unknown or not chosen:
        print("record.py: unknown kind %s (known: %s)" % (",".join(unknown) or "''",
                                                          ",".join(kinds.KINDS)),
              file=sys.stderr)
        return EXIT_USAGE
    log = (lambda m: None) if args.quiet else (lambda m: print(m, file=sys.stderr))
    install_signal_handlers()
    lab = hooklab.HookLab(log)
    try:
        lab.start()
        os.makedirs(args.out, exist_ok=True)
        for kind in chosen:
            rec = lab.record(lambda the_lab: kinds.run(the_lab, kind))
            base = os.path.join(args.out, kind)
            write_nflog_pcap(base + ".pcap", rec.observations)
            write_lines(base + ".events", rec.events)
            write_lines(base + ".events.table", rec.table)
            write_lines(base + ".events.trace", rec.trace)
            meta = {"kind": kind, "host": "rtr", "dump_ns": rec.dump_ns,
                    "observations": rec.counts(), "tick_ns": lab.period,
                    "configured_timeouts": sorted(lab.configured),
                    "kernel": platform.release(), "unmatched_ct_records": rec.unmatched,
                    "programs_failed": ["%s: %s" % (w, " ".join(e)) for w, e in rec.failed]}
            with open(base + ".json", "w") as fh:
                json.dump(meta, fh, indent=1, sort_keys=True)
                fh.write("\n")
            log("%s: %d observations %s, %d events, %d entries%s"
                % (kind, len(rec.observations), rec.counts(), len(rec.events), len(rec.table),
                   "; programs failed: %s" % meta["programs_failed"] if rec.failed else ""))
        return EXIT_OK
    except LabError as exc:
        print("record.py: %s" % exc, file=sys.stderr)
        return exc.code
    except Interrupted as exc:
        print("record.py: interrupted (%s), cleaning up" % exc, file=sys.stderr)
        return EXIT_SETUP
    finally:
        lab.close()


if __name__ == "__main__":
    sys.exit(main())
