#!/usr/bin/env python3
"""peer.py - small, bounded client and server programs for make-traffic.sh.

Every role runs inside one of the private network namespaces that
make-traffic.sh creates and talks only to the addresses it is given.  Each
role has a hard deadline (SIGALRM, --deadline seconds, default 20) on top of
the per-socket timeouts, so nothing here can loop or wait forever.

Roles (python3 peer.py ROLE --help for the options of each):

  udp-echo      server: echo COUNT datagrams back, then exit
  udp-sink      server: receive datagrams, never answer
  udp-send      client: send datagrams of the given sizes from a fixed port;
                --reply: expect each to be echoed; --refused: expect ICMP
                port unreachable (ECONNREFUSED) instead
  tcp-serve     server: accept COUNT connections; per connection MODE:
                  reply     read one request, send SIZE bytes, wait for the
                            client to close (client closes first)
                  halfclose read until the client's FIN (SHUT_WR), then send
                            CHUNKS x SIZE bytes, then close
                  stream    read one request, keep sending SIZE-byte chunks
                            until the peer resets the connection (or CHUNKS)
                  srvclose  read one request, send SIZE bytes, close first
                            (server side enters TIME_WAIT)
                  bulk      read one request, send SIZE bytes, close
  tcp-client    client: connect from a fixed port (SO_REUSEADDR), MODE:
                  reply     send a request, read SIZE bytes, close
                  halfclose send a request, shutdown(SHUT_WR), read to EOF
                  abort     send a request, read SIZE bytes, then close with
                            SO_LINGER {1, 0} (RST mid-connection)
                  reuse     COUNT times: connect from the same port, read to
                            EOF, close; reconnect at once (TIME_WAIT reuse)
                  bulk      send a request, read to EOF (expects SIZE bytes)
                  connect   only connect (for refused / filtered ports);
                            --expect refused|timeout
"""
import argparse
import errno
import os
import signal
import socket
import struct
import sys
import time


def family_of(addr):
    return socket.AF_INET6 if ':' in addr else socket.AF_INET


def payload(n, tag=b'nfct'):
    """n bytes of printable, deterministic filler."""
    unit = tag + b' conntrack conformance traffic 0123456789abcdef\n'
    return (unit * (n // len(unit) + 1))[:n]


def log(msg):
    print('peer: ' + msg, file=sys.stderr, flush=True)


# ------------------------------------------------------------------ UDP
def udp_socket(addr, port):
    s = socket.socket(family_of(addr), socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    return s


def role_udp_echo(a):
    s = udp_socket(a.bind, a.port)
    s.settimeout(a.timeout)
    for _ in range(a.count):
        try:
            data, peer = s.recvfrom(65535)
        except socket.timeout:
            log('udp-echo: timed out waiting for a datagram')
            return 1
        s.sendto(data, peer)
    return 0


def role_udp_sink(a):
    s = udp_socket(a.bind, a.port)
    s.settimeout(a.timeout)
    got = 0
    while got < a.count:
        try:
            s.recvfrom(65535)
        except socket.timeout:
            break
        got += 1
    return 0


def role_udp_send(a):
    s = udp_socket(a.bind, a.sport)
    s.connect((a.dst, a.dport))
    s.settimeout(a.timeout)
    sizes = [int(x) for x in a.sizes.split(',') if x]
    rc = 0
    for i, n in enumerate(sizes):
        msg = payload(n, b'dgram%02d' % i)
        s.send(msg)
        if a.reply:
            data = s.recv(65535)
            if data != msg:
                log('udp-send: echo mismatch')
                rc = 1
        elif a.refused:
            try:
                s.recv(65535)
                log('udp-send: expected ECONNREFUSED, got data')
                rc = 1
            except ConnectionRefusedError:
                pass
            except socket.timeout:
                log('udp-send: expected ECONNREFUSED, got nothing')
                rc = 1
        if a.gap:
            time.sleep(a.gap)
    return rc


# ------------------------------------------------------------------ TCP
def recv_exact(c, n):
    buf = bytearray()
    while len(buf) < n:
        d = c.recv(min(65536, n - len(buf)))
        if not d:
            break
        buf += d
    return bytes(buf)


def recv_all(c):
    n = 0
    while True:
        d = c.recv(65536)
        if not d:
            return n
        n += len(d)


def read_request(c):
    buf = b''
    while b'\n' not in buf:
        d = c.recv(4096)
        if not d:
            break
        buf += d
    return buf


def role_tcp_serve(a):
    ls = socket.socket(family_of(a.bind), socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((a.bind, a.port))
    ls.listen(8)
    ls.settimeout(a.timeout)
    for _ in range(a.count):
        try:
            c, _peer = ls.accept()
        except socket.timeout:
            log('tcp-serve: timed out waiting for a connection')
            return 1
        c.settimeout(a.timeout)
        try:
            if a.mode == 'reply':
                read_request(c)
                c.sendall(payload(a.size, b'reply'))
                recv_all(c)                       # until the client's FIN
            elif a.mode == 'halfclose':
                n = recv_all(c)                   # request, then client FIN
                for i in range(a.chunks):
                    c.sendall(payload(a.size, b'after-fin%02d %d' % (i, n)))
                    time.sleep(a.gap)
            elif a.mode == 'stream':
                read_request(c)
                for i in range(a.chunks):
                    c.sendall(payload(a.size, b'stream%03d' % i))
                    time.sleep(a.gap)
            elif a.mode == 'srvclose':
                read_request(c)
                c.sendall(payload(a.size, b'srvclose'))
            elif a.mode == 'bulk':
                read_request(c)
                c.sendall(payload(a.size, b'bulk'))
        except (ConnectionResetError, BrokenPipeError) as e:
            if a.mode != 'stream':
                log('tcp-serve: %s' % e)
        finally:
            c.close()
    return 0


def connect_from(a, attempts=50):
    """connect from (bind, sport); retries EADDRNOTAVAIL/EADDRINUSE while the
    previous connection on the same 4-tuple is still finishing (bounded)."""
    for i in range(attempts):
        s = socket.socket(family_of(a.dst), socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.settimeout(a.timeout)
        try:
            s.bind((a.bind, a.sport))
            s.connect((a.dst, a.dport))
            return s
        except OSError as e:
            s.close()
            if e.errno in (errno.EADDRNOTAVAIL, errno.EADDRINUSE) and i + 1 < attempts:
                time.sleep(0.02)
                continue
            raise
    raise OSError('could not connect')


def role_tcp_client(a):
    req = b'GET /%s HTTP/1.0\r\n\r\n' % a.mode.encode()
    if a.mode == 'connect':
        try:
            s = connect_from(a, attempts=1)
        except ConnectionRefusedError:
            return 0 if a.expect == 'refused' else 1
        except (socket.timeout, TimeoutError):
            return 0 if a.expect == 'timeout' else 1
        s.close()
        log('tcp-client: connect unexpectedly succeeded')
        return 1
    if a.mode == 'reuse':
        for i in range(a.count):
            s = connect_from(a)
            s.sendall(req)
            recv_all(s)                    # server closes first
            s.close()
        return 0
    s = connect_from(a)
    if a.mode == 'reply':
        s.sendall(req)
        got = recv_exact(s, a.size)
        time.sleep(a.gap)
        s.close()
        return 0 if len(got) == a.size else 1
    if a.mode == 'halfclose':
        s.sendall(req)
        s.shutdown(socket.SHUT_WR)
        n = recv_all(s)
        s.close()
        return 0 if n > 0 else 1
    if a.mode == 'abort':
        s.sendall(req)
        recv_exact(s, a.size)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
        s.close()
        return 0
    if a.mode == 'bulk':
        s.sendall(req)
        n = recv_all(s)
        s.close()
        if n != a.size:
            log('tcp-client: bulk got %d of %d bytes' % (n, a.size))
            return 1
        return 0
    raise SystemExit('unknown mode ' + a.mode)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest='role', required=True)

    def common(p):
        p.add_argument('--deadline', type=float, default=20.0,
                       help='hard limit for the whole role, seconds')
        p.add_argument('--timeout', type=float, default=5.0,
                       help='per-socket-operation timeout, seconds')
        return p

    p = common(sub.add_parser('udp-echo'))
    p.add_argument('--bind', required=True); p.add_argument('--port', type=int, required=True)
    p.add_argument('--count', type=int, default=1)
    p = common(sub.add_parser('udp-sink'))
    p.add_argument('--bind', required=True); p.add_argument('--port', type=int, required=True)
    p.add_argument('--count', type=int, default=1)
    p = common(sub.add_parser('udp-send'))
    p.add_argument('--bind', required=True); p.add_argument('--sport', type=int, required=True)
    p.add_argument('--dst', required=True); p.add_argument('--dport', type=int, required=True)
    p.add_argument('--sizes', default='64'); p.add_argument('--gap', type=float, default=0.0)
    g = p.add_mutually_exclusive_group()
    g.add_argument('--reply', action='store_true'); g.add_argument('--refused', action='store_true')
    p = common(sub.add_parser('tcp-serve'))
    p.add_argument('--bind', required=True); p.add_argument('--port', type=int, required=True)
    p.add_argument('--mode', required=True,
                   choices=['reply', 'halfclose', 'stream', 'srvclose', 'bulk'])
    p.add_argument('--count', type=int, default=1); p.add_argument('--size', type=int, default=100)
    p.add_argument('--chunks', type=int, default=3); p.add_argument('--gap', type=float, default=0.05)
    p = common(sub.add_parser('tcp-client'))
    p.add_argument('--bind', required=True); p.add_argument('--sport', type=int, required=True)
    p.add_argument('--dst', required=True); p.add_argument('--dport', type=int, required=True)
    p.add_argument('--mode', required=True,
                   choices=['reply', 'halfclose', 'abort', 'reuse', 'bulk', 'connect'])
    p.add_argument('--count', type=int, default=2); p.add_argument('--size', type=int, default=100)
    p.add_argument('--gap', type=float, default=0.05)
    p.add_argument('--expect', choices=['refused', 'timeout'], default='refused')
    a = ap.parse_args(argv)

    def on_alarm(_sig, _frm):
        log('%s: deadline of %.0f s reached' % (a.role, a.deadline))
        os._exit(124)
    signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, a.deadline)
    fn = {'udp-echo': role_udp_echo, 'udp-sink': role_udp_sink, 'udp-send': role_udp_send,
          'tcp-serve': role_tcp_serve, 'tcp-client': role_tcp_client}[a.role]
    return fn(a)


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
