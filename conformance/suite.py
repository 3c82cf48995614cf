#!/usr/bin/env python3
"""The kernel conformance suite in one command.

Makes traffic with real programs and generates fuzzed packet sequences, replays every capture
through the real kernel conntrack (in namespaces of its own) and through our engine and our
Flink job (its in-process replay path), and compares events (flow by flow, in order), final
tables and per-packet ctinfo. Prints a summary table; exits 1 on any difference that is not
listed in conformance/known-differences.txt, 0 otherwise, and 0 with a "skipped" message where
it cannot run (not root, no network namespaces, tools missing) unless NFCT_REQUIRE_KERNEL_SUITE=1
(CI sets it), which makes that an error.

    conformance/suite.py [--seed N] [--fuzz-count 2000] [--per-capture 50] [--work DIR]
                         [--no-traffic] [--no-flink] [--keep]
    conformance/suite.py --captures DIR [--timing top|capture | --timed] [--no-flink] [--work DIR] [--keep]

With --captures, the captures of DIR (make-traffic.sh's output, say) are compared instead of
fresh traffic and fuzzed sequences; --timing capture replays them with their own timestamps on
both sides (the engine only: the Flink job's replay path runs at top speed).

The timed kind (the traffic captures in every run unless --no-timed; --captures DIR --timed):
both sides replay in capture timing with timeouts of seconds (TIMED_SYSCTLS), the kernel runner
then waits until every entry expired (--drain) and the engine expires every entry at its deadline,
so every DESTROY event with its counters is compared, besides the ct states and the events
(compared without their remaining-timeout field, which real-time replay blurs by a fraction of a
second). The engine and the Flink job's replay path both take part: the job's packets keep their
own times, and each host's clock moves a day on after its capture so every entry expires.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import OrderedDict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
JAR = ROOT / 'job' / 'target' / 'conntrack-job.jar'
# CI sets this: there the suite must run, and a machine that cannot run it fails the build.
REQUIRED_ENV = 'NFCT_REQUIRE_KERNEL_SUITE'
NEEDED = {'ip': 'iproute2', 'nft': 'nftables', 'tcpreplay': 'tcpreplay', 'taskset': 'util-linux',
          'tcpdump': 'tcpdump', 'java': 'openjdk-17-jdk-headless'}


# The timed kind: timeouts of seconds on both sides, so that every entry of a traffic capture
# expires within the drain and its DESTROY event (with its counters) is compared.
TIMED_SYSCTLS = OrderedDict([
    ('nf_conntrack_tcp_timeout_syn_sent', 4), ('nf_conntrack_tcp_timeout_syn_recv', 3),
    ('nf_conntrack_tcp_timeout_established', 6), ('nf_conntrack_tcp_timeout_fin_wait', 4),
    ('nf_conntrack_tcp_timeout_close_wait', 4), ('nf_conntrack_tcp_timeout_last_ack', 4),
    ('nf_conntrack_tcp_timeout_time_wait', 5), ('nf_conntrack_tcp_timeout_close', 2),
    ('nf_conntrack_tcp_timeout_max_retrans', 5), ('nf_conntrack_tcp_timeout_unacknowledged', 5),
    ('nf_conntrack_udp_timeout', 4), ('nf_conntrack_udp_timeout_stream', 6),
    ('nf_conntrack_icmp_timeout', 3), ('nf_conntrack_icmpv6_timeout', 3),
    ('nf_conntrack_generic_timeout', 5),
])
# Longest timeout above plus the kernel's garbage collection: every entry is gone by then.
TIMED_DRAIN_SECONDS = 30


def log(msg):
    print('suite: ' + msg, file=sys.stderr, flush=True)


def traffic_needs():
    """The command -> package pairs of make-traffic.sh (its NEEDED_PKGS line, kept in one place)."""
    text = (HERE / 'traffic' / 'make-traffic.sh').read_text()
    m = re.search(r'^NEEDED_PKGS="([^"]*)"', text, re.M)
    return dict(pair.split(':', 1) for pair in m.group(1).split())


def can_run(traffic=True):
    """Why the suite cannot run here, or None."""
    if os.geteuid() != 0:
        return 'not root (the kernel side needs network namespaces and nftables)'
    needed = dict(NEEDED, **(traffic_needs() if traffic else {}))
    missing = sorted({pkg for cmd, pkg in needed.items() if shutil.which(cmd) is None})
    if missing:
        return 'missing tools; install with: apt-get install -y ' + ' '.join(missing)
    probe = 'nfct-suite-probe-%d' % os.getpid()
    r = subprocess.run(['ip', 'netns', 'add', probe], capture_output=True)
    if r.returncode != 0:
        return 'cannot create network namespaces: ' + r.stderr.decode(errors='replace').strip()
    subprocess.run(['ip', 'netns', 'del', probe], capture_output=True)
    return None


def run(cmd, **kw):
    log('$ ' + ' '.join(str(c) for c in cmd))
    return subprocess.run([str(c) for c in cmd], check=True, **kw)


def lines(path):
    p = Path(path)
    if not p.exists():
        return []
    return [l for l in p.read_text().splitlines() if l and not l.startswith('#')]


class Missing(Exception):
    """A file a comparison needs is not there: the capture fails instead of comparing nothing."""


def required_lines(path):
    if not Path(path).is_file():
        raise Missing(str(path))
    return lines(path)


def by_flow(events):
    """Normalised events grouped by flow (L3, L4, ORIGINAL tuple), each flow's events in order."""
    flows = OrderedDict()
    for l in events:
        f = [x.strip() for x in l.split('|')]
        head = f[0].split()
        flows.setdefault(' '.join(head[1:3]) + ' ' + f[1], []).append(l)
    return flows


def same_flow_events(key, kernel, ours):
    """A flow's events agree: in order, except where the key cannot tell entries apart. Lines
    name a protocol without a tracker of its own `unknown`, so two such protocols between the
    same addresses share one key while they are two entries, whose events the Flink job (keyed,
    parallel) may interleave otherwise; for those only the events themselves are compared."""
    if kernel == ours:
        return True
    return key.split()[1] == 'unknown' and sorted(kernel or []) == sorted(ours or [])


def without_timeout(entry):
    """An event or table line without its TIMEOUT (the fifth word): in capture timing the
    remaining time depends on when each side looked, not on conntrack."""
    head, sep, rest = entry.partition('|')
    words = head.split()
    return ' '.join(words[:4] + words[5:]) + ' ' + sep + rest


def snapped(entry, configured):
    """An event or table line with its TIMEOUT moved up one second when it is exactly one below
    a configured timeout: the kernel reads a timeout it has just set a tick late now and then."""
    if not configured:
        return entry
    head, sep, rest = entry.partition('|')
    words = head.split()
    if len(words) > 4 and words[4].isdigit():
        value = int(words[4])
        if value not in configured and value + 1 in configured:
            words[4] = str(value + 1)
    return ' '.join(words) + ' ' + sep + rest


def compare_capture(name, kernel_dir, java_dir, flink, timing='top', hooks=None):
    """Per-flow events, table and ctinfo of one capture; returns a result dict. A missing file on
    either side (no kernel events, no ct-state trace, no output of ours) is a difference.
    hooks: for a hook recording, the configured timeouts (the comparison is the Flink job's only,
    with the recorder's file names, timeouts snapped on both sides)."""
    try:
        return compare_files(name, kernel_dir, java_dir, flink, timing, hooks)
    except Missing as e:
        return {'name': name, 'flows': 0, 'engine_flows_ok': 0,
                'diffs': [{'side': '-', 'what': 'missing file', 'flow': str(e), 'kernel': [], 'ours': []}]}


def compare_files(name, kernel_dir, java_dir, flink, timing, hooks=None):
    snap = (lambda l: snapped(l, hooks)) if hooks else (lambda l: l)
    k_events = by_flow([snap(l) for l in required_lines(kernel_dir / (name + '.events'))])
    res = {'name': name, 'flows': len(k_events), 'diffs': [],
           'destroys': sum(1 for v in k_events.values() for l in v if l.startswith('DESTROY'))}
    sides = ['flink'] if hooks is not None else ['engine'] + (['flink'] if flink else [])
    k_table_file, k_trace_file = ('.events.table', '.events.trace') if hooks is not None else ('.table', '.trace')
    if timing == 'capture':
        # Replayed in real time, the kernel reports a remaining timeout a fraction of a second
        # off ours: events are compared without it (states, flags, tuples and counters stay).
        k_events = OrderedDict((k, [without_timeout(l) for l in v]) for k, v in k_events.items())
    for side in sides:
        ours = by_flow([snap(l) for l in required_lines(java_dir / ('%s.%s.events' % (name, side)))])
        if timing == 'capture':
            ours = OrderedDict((k, [without_timeout(l) for l in v]) for k, v in ours.items())
        keys = list(k_events) + [k for k in ours if k not in k_events]
        bad = [k for k in keys if not same_flow_events(k, k_events.get(k), ours.get(k))]
        res[side + '_flows_ok'] = len(keys) - len(bad)
        for k in bad:
            res['diffs'].append({'side': side, 'what': 'events', 'flow': k,
                                 'kernel': k_events.get(k, []), 'ours': ours.get(k, [])})
        k_table = sorted(snap(l) for l in required_lines(kernel_dir / (name + k_table_file)))
        o_table = sorted(snap(l) for l in required_lines(java_dir / ('%s.%s.table' % (name, side))))
        if timing == 'capture':
            k_table = sorted(without_timeout(l) for l in k_table)
            o_table = sorted(without_timeout(l) for l in o_table)
        res[side + '_table_ok'] = k_table == o_table
        if k_table != o_table:
            only_k = [l for l in k_table if l not in o_table]
            only_o = [l for l in o_table if l not in k_table]
            res['diffs'].append({'side': side, 'what': 'table', 'kernel': only_k, 'ours': only_o})
        k_trace = {l.split()[0]: l for l in required_lines(kernel_dir / (name + k_trace_file))}
        o_trace = {l.split()[0]: l for l in required_lines(java_dir / ('%s.%s.trace' % (name, side)))}
        # Frames only our side reports count as differences too.
        frames = list(k_trace) + [f for f in o_trace if f not in k_trace]
        wrong = [f for f in frames if k_trace.get(f) != o_trace.get(f)]
        res[side + '_ctinfo'] = '%d/%d' % (len(frames) - len(wrong), len(frames))
        for f in wrong:
            res['diffs'].append({'side': side, 'what': 'ctinfo', 'frame': int(f),
                                 'kernel': k_trace.get(f), 'ours': o_trace.get(f)})
    return res


def known_differences():
    f = HERE / 'known-differences.txt'
    known = {}
    for l in lines(f):
        name, _, why = l.partition(' ')
        known[name] = why.strip()
    return known


def fuzz_sequences(manifest, diffs):
    """Which fuzzed sequences a capture's differences belong to (by their private addresses)."""
    sys.path.insert(0, str(HERE / 'fuzz'))
    import generate  # noqa: E402  (our own generator; maps addresses back to sequences)
    seqs = set()
    for d in diffs:
        text = d.get('flow') or ' '.join(d.get('kernel') or []) + ' ' + ' '.join(d.get('ours') or [])
        if d['what'] == 'ctinfo':
            cap = manifest_capture_of_frame(manifest, d)
            if cap is not None:
                seqs.add(cap)
            continue
        for tok in text.replace('|', ' ').split():
            if tok.startswith('src=') or tok.startswith('dst='):
                s = generate.sequence_of_address(tok.split('=', 1)[1])
                if s is not None:
                    seqs.add(s)
    return sorted(seqs)


def manifest_capture_of_frame(manifest, d):
    for s in manifest.get('sequences', []):
        if s.get('capture') == d.get('capture') and s['first_frame'] <= d['frame'] <= s['last_frame']:
            return s['index']
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--seed', type=int, default=int(os.environ.get('NFCT_SUITE_SEED', '1')))
    ap.add_argument('--fuzz-count', type=int, default=2000)
    ap.add_argument('--per-capture', type=int, default=50)
    ap.add_argument('--variant-count', type=int, default=100,
                    help='fuzzed sequences under each sysctl variant (fuzz/variants.py); 0 for none')
    ap.add_argument('--work', help='work folder (default: a temp dir, removed unless --keep)')
    ap.add_argument('--no-traffic', action='store_true', help='skip the real-traffic captures')
    ap.add_argument('--no-flink', action='store_true', help='compare the engine only')
    ap.add_argument('--keep', action='store_true')
    ap.add_argument('--captures', help='compare the captures of this folder instead of making traffic and fuzzing')
    ap.add_argument('--timing', choices=['top', 'capture'], default='top',
                    help='replay timing on both sides (capture: engine only; the timed kind has both)')
    ap.add_argument('--timed', action='store_true',
                    help='with --captures: the timed kind (capture timing, short timeouts, every entry '
                         'expired and its DESTROY compared) instead of the plain comparison')
    ap.add_argument('--no-timed', action='store_true', help='skip the timed kind of the traffic captures')
    ap.add_argument('--no-hooks', action='store_true',
                    help='skip the hook recordings (a router observed at every conntrack hook)')
    a = ap.parse_args()
    if a.timing == 'capture':
        a.no_flink = True

    why = can_run(traffic=not a.no_traffic and not a.captures)
    if why:
        if os.environ.get(REQUIRED_ENV) == '1':
            print('conformance suite cannot run, and %s=1 requires it: %s' % (REQUIRED_ENV, why), file=sys.stderr)
            return 1
        print('conformance suite skipped: ' + why)
        return 0
    if not JAR.exists():
        log('building the jar')
        run(['mvn', '-q', '-B', '-f', ROOT / 'pom.xml', 'package', '-DskipTests'])
    work = Path(a.work) if a.work else Path(tempfile.mkdtemp(prefix='nfct-suite-'))
    started = time.time()
    try:
        sets = OrderedDict()      # name -> (captures, timed, sysctls)
        if a.captures:
            sets['timed' if a.timed else 'captures'] = (Path(a.captures).resolve(), a.timed, {})
        elif not a.no_traffic:
            out = work / 'traffic'
            run([HERE / 'traffic' / 'make-traffic.sh', '--size', 'small', '--seed', a.seed, '--out', out])
            sets['traffic'] = (out, False, {})
            if not a.no_timed:
                sets['timed'] = (out, True, dict(TIMED_SYSCTLS))
        if not a.captures:
            out = work / 'fuzz'
            run([sys.executable, HERE / 'fuzz' / 'generate.py', '--seed', a.seed, '--count', a.fuzz_count,
                 '--per-capture', a.per_capture, '--out', out])
            sets['fuzz'] = (out, False, {})
            sys.path.insert(0, str(HERE / 'fuzz'))
            import variants  # noqa: E402  (the generator's sysctl variants)
            for variant in variants.VARIANTS if a.variant_count > 0 else ():
                out = work / ('fuzz-' + variant)
                run([sys.executable, HERE / 'fuzz' / 'generate.py', '--seed', a.seed, '--count', a.variant_count,
                     '--per-capture', a.per_capture, '--variant', variant, '--out', out])
                sets['fuzz:' + variant] = (out, False, variants.sysctls(variant))
        results = []
        for set_name, (captures, timed, sysctls) in sets.items():
            folder = set_name.replace(':', '-')
            kernel_dir, java_dir = work / ('kernel-' + folder), work / ('java-' + folder)
            timing = 'capture' if timed else a.timing
            kernel = [sys.executable, HERE / 'kernel' / 'batch.py', '-q', '--timing', timing]
            cmd = ['java', '-jar', JAR, 'conformance', '--captures', captures, '--out', java_dir, '--timing', timing]
            if timed:
                kernel += ['--drain', TIMED_DRAIN_SECONDS]
                cmd += ['--at-end', 'expire']
            for name, value in sysctls.items():
                kernel += ['--sysctl', '%s=%s' % (name, value)]
                cmd += ['--set', '%s=%s' % (name, value)]
            if not a.no_flink:
                cmd.append('--flink')
            run(kernel + [kernel_dir, captures])
            run(cmd)
            manifest = {}
            if (captures / 'manifest.json').exists():
                manifest = json.loads((captures / 'manifest.json').read_text())
            pcaps = sorted(captures.glob('*.pcap'))
            if not pcaps:
                print('conformance suite: no captures in %s: nothing would be compared' % captures, file=sys.stderr)
                return 1
            for pcap in pcaps:
                r = compare_capture(pcap.stem, kernel_dir, java_dir, not a.no_flink, timing)
                r['set'] = set_name
                for d in r['diffs']:
                    d['capture'] = pcap.name
                if set_name.startswith('fuzz') and r['diffs']:
                    r['sequences'] = fuzz_sequences(manifest, r['diffs'])
                results.append(r)
        if not a.captures and not a.no_hooks:
            results += hook_recordings(work)
        return report(results, known_differences(), a, work, time.time() - started)
    finally:
        if not a.keep and not a.work:
            shutil.rmtree(work, ignore_errors=True)


def hook_recordings(work):
    """Records a router at every conntrack hook (hooks/record.py: forwarded, local, loopback
    traffic, drops between the hooks) and compares the Flink job fed with those observations."""
    out, java_dir = work / 'hooks', work / 'java-hooks'
    run([sys.executable, HERE / 'hooks' / 'record.py', '-q', out])
    run(['java', '-jar', JAR, 'conformance', '--hooks', out, '--out', java_dir])
    results = []
    recordings = sorted(out.glob('*.pcap'))
    if not recordings:
        raise SystemExit('conformance suite: the hook recorder wrote nothing to compare')
    for pcap in recordings:
        meta = json.loads((out / (pcap.stem + '.json')).read_text())
        r = compare_capture(pcap.stem, out, java_dir, True, hooks=set(meta['configured_timeouts']))
        r['set'] = 'hooks'
        for d in r['diffs']:
            d['capture'] = pcap.name
        results.append(r)
    return results


def report(results, known, a, work, seconds):
    print('%-8s %-28s %6s %9s %9s %9s %9s %-6s %s' % ('set', 'capture', 'flows', 'engine', 'flink',
                                                       'ctinfo-e', 'ctinfo-f', 'table', 'verdict'))
    unexpected = 0
    bad_seqs = set()
    for r in results:
        key = '%s/%s' % (r['set'], r['name'])
        ok = not r['diffs']
        verdict = 'agrees' if ok else ('known: ' + known[key] if key in known else 'DIFFERS')
        if not ok and key not in known:
            unexpected += 1
        if r['set'].startswith('fuzz'):
            bad_seqs.update((r['set'], i) for i in r.get('sequences', []))
        compared = [k for k in ('engine', 'flink') if k + '_flows_ok' in r]
        table = 'same' if compared and all(r.get(k + '_table_ok') for k in compared) else 'DIFF'
        print('%-8s %-28s %6d %9s %9s %9s %9s %-6s %s' % (
            r['set'], r['name'], r['flows'],
            ('%d/%d' % (r['engine_flows_ok'], r['flows'])) if 'engine_flows_ok' in r else '-',
            ('%d/%d' % (r['flink_flows_ok'], r['flows'])) if 'flink_flows_ok' in r else '-',
            r.get('engine_ctinfo', '-'), r.get('flink_ctinfo', '-'), table, verdict))
        for d in r['diffs'][:3]:
            print('    %s %s %s' % (d['side'], d['what'], d.get('flow', d.get('frame', ''))))
            print('      kernel: %s' % d['kernel'])
            print('      ours:   %s' % d['ours'])
    print()
    timed = [r for r in results if r['set'] == 'timed']
    if timed:
        print('timed: %d captures in their own timing, %d DESTROY events compared with their counters, '
              '%d captures differing' % (len(timed), sum(r['destroys'] for r in timed),
                                         sum(1 for r in timed if r['diffs'])))
    if not a.captures:
        variant_sets = sorted({r['set'] for r in results if r['set'].startswith('fuzz:')})
        print('fuzzed sequences: %d (seed %d), disagreeing: %d %s' % (
            a.fuzz_count, a.seed, sum(1 for s, _ in bad_seqs if s == 'fuzz'),
            sorted(i for s, i in bad_seqs if s == 'fuzz')[:20]))
        if variant_sets:
            print('under sysctl variants: %d sequences each in %s, disagreeing: %d %s' % (
                a.variant_count, ', '.join(v[5:] for v in variant_sets),
                sum(1 for s, _ in bad_seqs if s != 'fuzz'), sorted(x for x in bad_seqs if x[0] != 'fuzz')[:10]))
    print('captures: %d, unexpected differences: %d, %.0f s%s' % (
        len(results), unexpected, seconds, (', work kept in %s' % work) if a.keep or a.work else ''))
    agreeing = sum(1 for r in results if not r['diffs'])
    print('conformance: %d passed, %d failed' % (agreeing, len(results) - agreeing))
    return 1 if unexpected else 0


if __name__ == '__main__':
    sys.exit(main())
