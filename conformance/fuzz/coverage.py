#!/usr/bin/env python3
"""coverage.py - what a fuzz run generated and what the kernel did with it, as a Markdown table.

    python3 coverage.py WORK [--by-kind]   # WORK: a suite.py --work folder (fuzz*/ and kernel-fuzz*/)

One row per sysctl setting, sequence kind and variant: how many sequences and packets of it the run made, and the
kernel's ct state for those packets (new, established, related, invalid, and unseen or frag for
packets that never reached conntrack on their own). docs/CONFORMANCE.md keeps the table of a run.
"""
import collections
import json
import os
import sys

STATES = ['new', 'established', 'related', 'invalid', 'unseen', 'frag']


def variant(kind, note):
    """The variant a packet's note names (the generator writes the kind's mode word in it)."""
    words = note.split()
    if kind == 'sctp':
        return words[-1] if words[0] == 'sctp' and len(words) > 2 else 'repeat'
    if kind == 'vlan':
        return 'untagged' if 'untagged' in words else 'tagged'
    if words[0] in ('plain', 'reply', 'live') or (len(words) > 1 and words[1] == 'again'):
        return '(packets of the flow around it)'
    if kind in ('ipv6_ext', 'fragments', 'odd_lengths', 'quoted', 'self_connected', 'generic'):
        return ' '.join(words[:2]) if len(words) > 1 else words[0]
    return '-'


def table(work, by_kind=False):
    """Every fuzz folder of a suite run (fuzz/ and one fuzz-VARIANT/ per sysctl variant); with
    by_kind, one row per setting and kind (variants summed)."""
    seqs = collections.Counter()
    packets = collections.Counter()
    states = collections.defaultdict(collections.Counter)
    for folder in sorted(os.listdir(work)):
        if not (folder == 'fuzz' or folder.startswith('fuzz-')):
            continue
        manifest = json.load(open(os.path.join(work, folder, 'manifest.json')))
        settings = ' '.join('%s=%s' % (k.replace('nf_conntrack_', ''), v)
                            for k, v in sorted(manifest.get('sysctls', {}).items())) or 'defaults'
        traces = {}
        for cap in manifest['captures']:
            path = os.path.join(work, 'kernel-' + folder, cap['file'][:-5] + '.trace')
            with open(path) as f:
                traces[cap['file']] = {int(l.split()[0]): l.split()[1] for l in f if l.strip()}
        for s in manifest['sequences']:
            seen = set()
            for k, note in enumerate(s['notes']):
                key = (settings, s['kind'], '-' if by_kind else variant(s['kind'], note))
                if key not in seen:
                    seqs[key] += 1
                    seen.add(key)
                packets[key] += 1
                states[key][traces[s['capture']].get(s['first_frame'] + k, 'unseen')] += 1
    lines = ['| settings | kind | variant | sequences | packets | ' + ' | '.join(STATES) + ' |',
             '|---|---|---|---:|---:|' + '---:|' * len(STATES)]
    for key in sorted(packets, key=lambda k: (k[0] != 'defaults', k)):
        n = packets[key]
        lines.append('| %s | %s | %s | %d | %d | %s |' % (key[0], key[1], key[2], seqs[key], n, ' | '.join(
            ('%d%%' % round(100.0 * states[key][st] / n)) if states[key][st] else '' for st in STATES)))
    return '\n'.join(lines)


if __name__ == '__main__':
    args = [a for a in sys.argv[1:] if a != '--by-kind']
    if len(args) != 1:
        print(__doc__.strip().split('\n\n')[1], file=sys.stderr)
        sys.exit(2)
    print(table(args[0], by_kind='--by-kind' in sys.argv))
