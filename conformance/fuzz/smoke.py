#!/usr/bin/env python3
"""smoke.py - generate fuzz captures, replay them through the engine and (optionally) the
reference kernel harness, and compare per sequence: events, per-packet ctinfo, final table.

    python3 smoke.py --seed S --count N [--per-capture K] [--work DIR] [--jar JAR]
                     [--oracle /work/shared/oracle/replay-oracle.sh | --no-oracle]
                     [--jobs J]
    python3 smoke.py --compare-dir DIR      # re-compare outputs already in DIR

Output: one summary line per run plus one block per disagreeing sequence (seed, index, kind,
what differs, the packet notes), and DIR/report.json.  Exit 0 if all sequences agree, 1 if
some disagree, 2 on a tool failure.  The kernel run needs root (the harness builds network
namespaces); without --oracle/-root only the engine is run (checks that it replays cleanly).
"""
import argparse
import concurrent.futures as cf
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import generate  # noqa: E402

REPO = os.path.abspath(os.path.join(HERE, '..', '..'))
DEFAULT_JAR = os.path.join(REPO, 'job', 'target', 'conntrack-job.jar')
DEFAULT_ORACLE = os.path.abspath(os.path.join(REPO, '..', 'shared', 'oracle', 'replay-oracle.sh'))


# --------------------------------------------------------------------------- runners
def run_engine(jar, pcap, out_prefix):
    """engine replay -> out_prefix.events / .ctinfo / .table; returns (rc, stderr)."""
    with open(out_prefix + '.events', 'w') as ev:
        p = subprocess.run(['java', '-jar', jar, 'replay', '--pcap', pcap, '--format', 'normalized',
                            '--ctinfo', out_prefix + '.ctinfo', '--table', out_prefix + '.table'],
                           stdout=ev, stderr=subprocess.PIPE, text=True)
    return p.returncode, p.stderr


def run_oracle(oracle, pcap, out_events):
    """kernel replay -> out_events, out_events.trace, out_events.table; returns (rc, log)."""
    p = subprocess.run([oracle, '--table', '--trace', pcap, out_events],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return p.returncode, p.stdout


# --------------------------------------------------------------------------- parsing
def read_lines(path):
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return [ln.rstrip('\n') for ln in f if ln.strip() and not ln.startswith('#')]


def owner_of_event(line):
    """Sequence index of a normalized event/table line (from its ORIGINAL tuple's src)."""
    parts = line.split('|')
    if len(parts) < 2:
        return None
    for tok in parts[1].split():
        if tok.startswith('src='):
            return generate.sequence_of_address(tok[4:])
    return None


def by_owner(lines):
    d = {}
    for ln in lines or []:
        d.setdefault(owner_of_event(ln), []).append(ln)
    return d


def ctinfo_map(lines):
    """'FRAME STATE DIR [summary]' lines -> {frame: 'STATE DIR'}."""
    m = {}
    for ln in lines or []:
        f = ln.split()
        if len(f) >= 3 and f[0].isdigit():
            m[int(f[0])] = f[1] + ' ' + f[2]
    return m


def compare_capture(manifest_seqs, kernel, engine):
    """kernel/engine: dicts with 'events', 'trace' (ctinfo), 'table' line lists.
    Returns {index: [difference descriptions]} for the sequences that differ."""
    ke, ee = by_owner(kernel['events']), by_owner(engine['events'])
    kt, et = by_owner(kernel['table']), by_owner(engine['table'])
    kc, ec = ctinfo_map(kernel['trace']), ctinfo_map(engine['trace'])
    out = {}
    for s in manifest_seqs:
        i = s['index']
        diffs = []
        a, b = ke.get(i, []), ee.get(i, [])
        if a != b:
            diffs.append({'what': 'events', 'kernel': a, 'engine': b})
        for fr in range(s['first_frame'], s['last_frame'] + 1):
            x, y = kc.get(fr, 'missing'), ec.get(fr, 'missing')
            if x != y:
                diffs.append({'what': 'ctinfo', 'frame': fr, 'seq_packet': fr - s['first_frame'] + 1,
                              'kernel': x, 'engine': y})
        a, b = sorted(kt.get(i, [])), sorted(et.get(i, []))
        if a != b:
            diffs.append({'what': 'table', 'kernel': a, 'engine': b})
        if diffs:
            out[i] = diffs
    stray = [k for k in list(ke) + list(ee) if k is None]
    if stray:
        out.setdefault(-1, []).append({'what': 'unattributed events'})
    return out


def load_kernel(prefix):
    """Oracle outputs PREFIX, PREFIX.trace, PREFIX.table (None where missing)."""
    return {'events': read_lines(prefix), 'trace': read_lines(prefix + '.trace'),
            'table': read_lines(prefix + '.table')}


def load_engine(prefix):
    """Engine outputs PREFIX.events, PREFIX.ctinfo, PREFIX.table (None where missing)."""
    return {'events': read_lines(prefix + '.events'), 'trace': read_lines(prefix + '.ctinfo'),
            'table': read_lines(prefix + '.table')}


def load_outputs(prefix_kernel, prefix_engine):
    return load_kernel(prefix_kernel), load_engine(prefix_engine)


def format_diff(seq, diffs):
    out = ['=== seed %d index %d kind %s %s (%s frames %d-%d) v4 %s v6 %s' % (
        seq['seed'], seq['index'], seq['kind'], seq['family'], seq['capture'], seq['first_frame'],
        seq['last_frame'], seq['v4'][0], seq['v6'][0])]
    for d in diffs:
        if d['what'] == 'ctinfo':
            out.append('  ctinfo packet %d (frame %d): kernel %s, engine %s   [%s]' % (
                d['seq_packet'], d['frame'], d['kernel'], d['engine'], seq['notes'][d['seq_packet'] - 1]))
        elif d['what'] in ('events', 'table'):
            out.append('  %s differ:' % d['what'])
            for x in d['kernel']:
                out.append('    K ' + x)
            for x in d['engine']:
                out.append('    E ' + x)
    out.append('  packets:')
    for n, note in enumerate(seq['notes'], 1):
        out.append('    %3d %s' % (n, note))
    return '\n'.join(out)


# --------------------------------------------------------------------------- main
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--count', type=int, default=200)
    ap.add_argument('--per-capture', type=int, default=50)
    ap.add_argument('--work', default=None)
    ap.add_argument('--jar', default=DEFAULT_JAR)
    ap.add_argument('--oracle', default=DEFAULT_ORACLE)
    ap.add_argument('--no-oracle', action='store_true')
    ap.add_argument('--jobs', type=int, default=2)
    ap.add_argument('--kinds')
    ap.add_argument('--compare-dir', help='only compare outputs already in this directory')
    ap.add_argument('--max-print', type=int, default=30)
    a = ap.parse_args(argv)
    work = a.compare_dir or a.work or 'fuzz-smoke-%d' % a.seed
    os.makedirs(work, exist_ok=True)
    t0 = time.time()
    if not a.compare_dir:
        kinds = a.kinds.split(',') if a.kinds else None
        manifest = generate.generate(a.seed, a.count, a.per_capture, work, kinds)
    else:
        with open(os.path.join(work, 'manifest.json')) as f:
            manifest = json.load(f)
    t_gen = time.time() - t0
    use_oracle = not a.no_oracle and os.path.exists(a.oracle) and os.geteuid() == 0
    caps = [c['file'] for c in manifest['captures']]
    failures = []
    t1 = time.time()
    if not a.compare_dir:
        def one(cap):
            pcap = os.path.join(work, cap)
            base = pcap[:-5]
            rc, err = run_engine(a.jar, pcap, base + '.engine')
            if rc != 0:
                failures.append('engine %s rc=%d: %s' % (cap, rc, err.strip()[-500:]))
            if use_oracle:
                rc, log = run_oracle(a.oracle, pcap, base + '.kernel.events')
                if rc != 0:
                    failures.append('oracle %s rc=%d: %s' % (cap, rc, log.strip()[-500:]))
        with cf.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as ex:
            list(ex.map(one, caps))
    t_run = time.time() - t1
    seqs = {s['index']: s for s in manifest['sequences']}
    differing = {}
    for c in manifest['captures']:
        base = os.path.join(work, c['file'][:-5])
        k, e = load_outputs(base + '.kernel.events', base + '.engine')
        if k['events'] is None:
            continue
        differing.update(compare_capture([seqs[i] for i in c['sequences']], k, e))
    for n, i in enumerate(sorted(differing)):
        if n < a.max_print and i in seqs:
            print(format_diff(seqs[i], differing[i]))
    report = {'seed': manifest['seed'], 'count': len(seqs), 'captures': len(caps),
              'frames': sum(c['frames'] for c in manifest['captures']),
              'generate_s': round(t_gen, 3), 'replay_s': round(t_run, 3), 'oracle': use_oracle,
              'failures': failures, 'differing': {str(i): differing[i] for i in sorted(differing)},
              'differing_kinds': {}}
    for i in differing:
        if i in seqs:
            k = seqs[i]['kind']
            report['differing_kinds'][k] = report['differing_kinds'].get(k, 0) + 1
    with open(os.path.join(work, 'report.json'), 'w') as f:
        json.dump(report, f, indent=1, sort_keys=True)
    for fl in failures:
        print('FAILURE', fl)
    print('seed %d: %d sequences in %d captures (%d frames); generate %.2fs, replay %.2fs%s; '
          'differing sequences: %d %s' % (
              manifest['seed'], len(seqs), len(caps), report['frames'], t_gen, t_run,
              '' if use_oracle else ' (engine only, no kernel comparison)', len(differing),
              report['differing_kinds'] or ''))
    if failures:
        return 2
    return 1 if differing else 0


if __name__ == '__main__':
    sys.exit(main())
