#!/usr/bin/env python3
"""lossrelay.py - a tiny userspace "netem": an AF_PACKET frame relay between
two interfaces of one (middle) network namespace, with seeded loss and
delay/jitter (which reorders frames that arrive close together).

  lossrelay.py IF_A IF_B [--seed N] [--loss 0.03] [--delay-ms 1]
               [--jitter-ms 3] [--max-seconds 30] [--max-frames 20000]
               [--ready FILE] [--stats FILE]

Every frame received on IF_A is sent out of IF_B and vice versa, after
delay + uniform(0, jitter) milliseconds, unless the seeded loss pattern drops
it.  Loss applies only to IPv4/IPv6 frames (ARP is always passed), so address
resolution never stalls the transfer.  The pattern depends only on the seed
and on the frame's position in the stream (per direction), never on time.

Bounded: the relay exits after --max-seconds or once --max-frames frames have
been seen, whichever comes first, or on SIGTERM/SIGINT.  It writes FILE
given by --ready when its sockets are bound, and a one-line JSON summary to
--stats at exit.

This kernel has no sch_netem, hence this relay.  It needs root (AF_PACKET)
and interfaces with offloads off, so that frames are MTU-sized and carry
correct checksums.
"""
import argparse
import heapq
import json
import random
import select
import signal
import socket
import sys
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
PACKET_IGNORE_OUTGOING = 23      # linux/if_packet.h, kernel >= 4.20
SOL_PACKET = 263


def open_if(name):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    try:
        s.setsockopt(SOL_PACKET, PACKET_IGNORE_OUTGOING, 1)
    except OSError:
        pass                         # filtered below by pkttype as well
    for opt in (33, socket.SO_RCVBUF):   # 33 = SO_RCVBUFFORCE (root)
        try:
            s.setsockopt(socket.SOL_SOCKET, opt, 8 << 20)
            break
        except OSError:
            continue
    s.bind((name, 0))
    s.setblocking(False)
    return s


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('if_a'); ap.add_argument('if_b')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--loss', type=float, default=0.03)
    ap.add_argument('--delay-ms', type=float, default=1.0)
    ap.add_argument('--jitter-ms', type=float, default=3.0)
    ap.add_argument('--max-seconds', type=float, default=30.0)
    ap.add_argument('--max-frames', type=int, default=20000)
    ap.add_argument('--ready')
    ap.add_argument('--stats')
    a = ap.parse_args(argv)

    socks = {a.if_a: open_if(a.if_a), a.if_b: open_if(a.if_b)}
    other = {a.if_a: socks[a.if_b], a.if_b: socks[a.if_a]}
    by_fd = {s.fileno(): name for name, s in socks.items()}
    # one independent, seeded stream per direction: the pattern is a function
    # of (seed, direction, frame index) only
    rng = {a.if_a: random.Random(a.seed * 2 + 0), a.if_b: random.Random(a.seed * 2 + 1)}
    stats = {'seen': 0, 'dropped': 0, 'sent': 0, 'reordered': 0,
             'seed': a.seed, 'loss': a.loss, 'jitter_ms': a.jitter_ms}
    last_due = {a.if_a: 0.0, a.if_b: 0.0}

    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    if a.ready:
        with open(a.ready, 'w') as f:
            f.write('ready\n')

    heap = []                       # (due, seq, out_socket, frame)
    seq = 0
    t_end = time.monotonic() + a.max_seconds
    poll = select.poll()
    for s in socks.values():
        poll.register(s, select.POLLIN)
    while not stop:
        now = time.monotonic()
        if now >= t_end or stats['seen'] >= a.max_frames:
            break
        while heap and heap[0][0] <= now:
            _, _, out, frame = heapq.heappop(heap)
            try:
                out.send(frame)
                stats['sent'] += 1
            except OSError:
                pass
        wait_ms = 50 if not heap else max(0, (heap[0][0] - now) * 1000)
        for fd, _ev in poll.poll(min(50, wait_ms)):
            name = by_fd[fd]
            s = socks[name]
            for _ in range(64):     # drain a burst, but stay responsive
                try:
                    frame, addr = s.recvfrom(65535)
                except BlockingIOError:
                    break
                if addr[2] == PACKET_OUTGOING:
                    continue
                stats['seen'] += 1
                r = rng[name]
                u_loss, u_jit = r.random(), r.random()   # always draw both
                ethertype = frame[12:14]
                if ethertype in (b'\x08\x00', b'\x86\xdd') and u_loss < a.loss:
                    stats['dropped'] += 1
                    continue
                due = time.monotonic() + (a.delay_ms + u_jit * a.jitter_ms) / 1000.0
                if due < last_due[name]:
                    stats['reordered'] += 1
                last_due[name] = max(last_due[name], due)
                seq += 1
                heapq.heappush(heap, (due, seq, other[name], frame))
    # flush what is still queued (bounded: at most what was accepted)
    for _, _, out, frame in sorted(heap):
        try:
            out.send(frame)
            stats['sent'] += 1
        except OSError:
            pass
    if a.stats:
        with open(a.stats, 'w') as f:
            f.write(json.dumps(stats) + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
