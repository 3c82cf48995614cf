#!/usr/bin/env python3
"""shrink.py - delta debugging (ddmin) of a failing packet sequence, and regression files.

Library:
    ddmin(items, predicate)                 -> minimal sublist (1-minimal) keeping predicate True
    shrink_packets(packets, predicate)      -> same, for a list of IP packets (bytes)
    kernel_replay(packets)                  -> {'events', 'trace', 'table'} from the oracle
    engine_replay(packets)                  -> {'events', 'trace', 'table'} from our engine
    disagreement_predicate(what=...)        -> predicate(packets): kernel and engine differ
    write_regression(name, packets, kernel) -> NAME.pcap / NAME.events / NAME.trace (+ NAME.table)

CLI (minimise one sequence of a generated run against the kernel and write a regression):
    python3 shrink.py --seed S --index I --name NAME [--what events,ctinfo,table]
                      [--out-dir job/src/test/resources/conformance/regressions]
                      [--jar JAR] [--oracle replay-oracle.sh] [--kinds ...]

The predicate is any callable taking a list of packets and returning True while the
disagreement still reproduces; the CLI builds one from the kernel harness and the engine.
"""
import argparse
import functools
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import pcapwrite as pw  # noqa: E402
import generate  # noqa: E402
import smoke  # noqa: E402

REPO = os.path.abspath(os.path.join(HERE, '..', '..'))
REGRESSION_DIR = os.path.join(REPO, 'job', 'src', 'test', 'resources', 'conformance', 'regressions')


# --------------------------------------------------------------------------- ddmin
def ddmin(items, predicate, log=None):
    """Zeller/Hildebrandt ddmin: returns a 1-minimal sublist c of items (order kept) with
    predicate(c) True.  predicate(items) must be True.  Results are cached per subset."""
    items = list(items)
    cache = {}

    def test(idx):
        key = tuple(idx)
        if key not in cache:
            cache[key] = bool(predicate([items[i] for i in idx]))
            if log:
                log('  test %3d packets -> %s' % (len(idx), 'FAIL (keeps)' if cache[key] else 'pass'))
        return cache[key]

    cur = list(range(len(items)))
    if not test(cur):
        raise ValueError('predicate is False on the full input: nothing to shrink')
    n = 2
    while len(cur) >= 2:
        chunk = len(cur) / n
        subsets = [cur[int(i * chunk):int((i + 1) * chunk)] for i in range(n)]
        subsets = [s for s in subsets if s]
        progressed = False
        for s in subsets:                                  # reduce to a subset
            if test(s):
                cur, n, progressed = s, 2, True
                break
        if not progressed:
            for s in subsets:                              # reduce to a complement
                comp = [i for i in cur if i not in s]
                if comp and test(comp):
                    cur, n, progressed = comp, max(n - 1, 2), True
                    break
        if not progressed:
            if n >= len(cur):
                break
            n = min(n * 2, len(cur))
    # 1-minimal: the loop only stops at granularity n >= len(cur), where the subsets are the
    # single elements and every one-element removal (complement) has been tested False.
    return [items[i] for i in cur]


def shrink_packets(packets, predicate, log=None):
    return ddmin(packets, predicate, log)


# --------------------------------------------------------------------------- replays
def _tmp():
    return tempfile.mkdtemp(prefix='nfct-shrink-')


def _replay(packets, what, out_name, run, load):
    """In a fresh temp dir: write the packets as a pcap, run(pcap, out) -> (rc, text) with
    out = DIR/out_name, return load(out); `what` names the tool in the error."""
    d = _tmp()
    try:
        pcap = os.path.join(d, out_name[0] + '.pcap')
        pw.write_pcap(pcap, packets)
        out = os.path.join(d, out_name)
        rc, text = run(pcap, out)
        if rc != 0:
            raise RuntimeError('%s failed (rc=%d): %s' % (what, rc, text[-800:]))
        return load(out)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def kernel_replay(packets, oracle=smoke.DEFAULT_ORACLE):
    return _replay(packets, 'oracle', 'k.events', functools.partial(smoke.run_oracle, oracle),
                   smoke.load_kernel)


def engine_replay(packets, jar=smoke.DEFAULT_JAR):
    return _replay(packets, 'engine', 'e', functools.partial(smoke.run_engine, jar),
                   smoke.load_engine)


def differences(kernel, engine, what=('events', 'ctinfo', 'table')):
    out = []
    if 'events' in what and kernel['events'] != engine['events']:
        out.append('events')
    if 'ctinfo' in what and smoke.ctinfo_map(kernel['trace']) != smoke.ctinfo_map(engine['trace']):
        out.append('ctinfo')
    if 'table' in what and sorted(kernel['table'] or []) != sorted(engine['table'] or []):
        out.append('table')
    return out


def disagreement_predicate(what=('events', 'ctinfo', 'table'), jar=smoke.DEFAULT_JAR,
                           oracle=smoke.DEFAULT_ORACLE):
    """predicate(packets) -> True when the kernel and the engine disagree on `what`.
    predicate.replays maps each tested packet list (a tuple of bytes) to its (kernel, engine)."""
    def pred(packets):
        k, e = kernel_replay(packets, oracle), engine_replay(packets, jar)
        pred.replays[tuple(map(bytes, packets))] = (k, e)
        return bool(differences(k, e, what))
    pred.replays = {}
    return pred


# --------------------------------------------------------------------------- output
def write_regression(name, packets, kernel, out_dir=REGRESSION_DIR, with_table=True):
    """NAME.pcap (the packets), NAME.events (kernel normalized events), NAME.trace (kernel
    per-packet 'FRAME STATE DIR summary'), and NAME.table (final kernel table) if wanted."""
    os.makedirs(out_dir, exist_ok=True)
    base = os.path.join(out_dir, name)
    pw.write_pcap(base + '.pcap', packets)
    for ext, key in (('.events', 'events'), ('.trace', 'trace')) + ((('.table', 'table'),) if with_table else ()):
        with open(base + ext, 'w') as f:
            for ln in kernel[key] or []:
                f.write(ln + '\n')
    return base


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--seed', type=int, required=True)
    ap.add_argument('--index', type=int, required=True)
    ap.add_argument('--kinds')
    ap.add_argument('--name', help='regression name (default fuzz-SEED-INDEX)')
    ap.add_argument('--what', default='events,ctinfo,table')
    ap.add_argument('--out-dir', default=REGRESSION_DIR)
    ap.add_argument('--jar', default=smoke.DEFAULT_JAR)
    ap.add_argument('--oracle', default=smoke.DEFAULT_ORACLE)
    ap.add_argument('--no-table', action='store_true')
    a = ap.parse_args(argv)
    what = tuple(a.what.split(','))
    packets, meta = generate.build_sequence(a.seed, a.index, a.kinds.split(',') if a.kinds else None)
    pred = disagreement_predicate(what, a.jar, a.oracle)
    notes = dict(zip(map(bytes, packets), meta['notes']))
    print('seed %d index %d kind %s: %d packets' % (a.seed, a.index, meta['kind'], len(packets)))
    mini = shrink_packets(packets, pred, log=print)
    k, e = pred.replays[tuple(map(bytes, mini))]     # ddmin tested exactly this list
    name = a.name or 'fuzz-%d-%d' % (a.seed, a.index)
    base = write_regression(name, mini, k, a.out_dir, not a.no_table)
    print('minimal: %d packets, differs in %s -> %s.{pcap,events,trace%s}' % (
        len(mini), ','.join(differences(k, e, what)), base, '' if a.no_table else ',table'))
    for i, p in enumerate(mini, 1):
        print('  %2d %s' % (i, notes.get(bytes(p), '?')))
    for tag, r in (('kernel', k), ('engine', e)):
        print('  %s events:' % tag)
        for ln in r['events'] or []:
            print('    ' + ln)
        print('  %s ctinfo: %s' % (tag, ' / '.join(v for _, v in sorted(smoke.ctinfo_map(r['trace']).items()))))
        print('  %s table:' % tag)
        for ln in r['table'] or []:
            print('    ' + ln)
    return 0


if __name__ == '__main__':
    sys.exit(main())
