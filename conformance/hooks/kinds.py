"""The traffic of each hook recording kind: real programs in the hook lab's namespaces.

Every program is bounded (peer.py's own deadlines, and `timeout` around it); ports are unique
across kinds, so `all` can run every kind at once. Which packets are dropped between the hooks
follows from the ports (see hooklab.py): 7 is closed at every filter hook, the lossy ports lose
one packet in eight at the hook their kind names, 8102 loses its first SYN/ACK at forward.
"""

import time

from hooklab import ADDR, CLOSED_PORT, SYNACK_DROP_PORT


def _tcp(lab, srv_ns, cli_ns, bind, dst, port, sport, size=2000, mode="reply"):
    lab.spawn(srv_ns, ["tcp-serve", "--bind", dst, "--port", port, "--mode", mode,
                       "--count", 1, "--size", size, "--timeout", 8, "--deadline", 15])
    return (cli_ns, ["tcp-client", "--bind", bind, "--sport", sport, "--dst", dst,
                     "--dport", port, "--mode", mode, "--size", size, "--timeout", 8,
                     "--deadline", 15])


def _udp(lab, srv_ns, cli_ns, bind, dst, port, sport, count=2):
    lab.spawn(srv_ns, ["udp-echo", "--bind", dst, "--port", port, "--count", count,
                       "--timeout", 4, "--deadline", 8])
    return (cli_ns, ["udp-send", "--bind", bind, "--sport", sport, "--dst", dst, "--dport",
                     port, "--sizes", ",".join(["120"] * count), "--gap", 0.1, "--reply",
                     "--timeout", 4, "--deadline", 8])


def _closed(cli_ns, bind, dst, sport):
    """A connection attempt to the closed port: its SYNs are dropped before confirm."""
    return (cli_ns, ["tcp-client", "--bind", bind, "--sport", sport, "--dst", dst,
                     "--dport", CLOSED_PORT, "--mode", "connect", "--expect", "timeout",
                     "--timeout", 2.5, "--deadline", 6])


def run(lab, kind):
    """Starts the kind's servers (and pings), then, once they listen, its clients."""
    clients = KINDS[kind](lab)
    time.sleep(0.3)
    for ns, args in clients:
        lab.spawn(ns, args)


def forward(lab):
    c = []
    for v in ("4", "6"):
        c.append(_tcp(lab, "srv", "cli", ADDR["cli" + v], ADDR["srv" + v], 8001, 40001 + int(v)))
        c.append(_udp(lab, "srv", "cli", ADDR["cli" + v], ADDR["srv" + v], 5301, 40011 + int(v)))
        # Nobody listens on 8009 at srv: its RST answers.
        c.append(("cli", ["tcp-client", "--bind", ADDR["cli" + v], "--sport", 40021 + int(v),
                          "--dst", ADDR["srv" + v], "--dport", 8009, "--mode", "connect",
                          "--expect", "refused", "--timeout", 3, "--deadline", 6]))
        lab.ping("cli", ADDR["srv" + v])
    return c


def local_in(lab):
    c = []
    for v in ("4", "6"):
        c.append(_tcp(lab, "rtr", "cli", ADDR["cli" + v], ADDR["rc" + v], 8002, 40101 + int(v)))
        c.append(_udp(lab, "rtr", "cli", ADDR["cli" + v], ADDR["rc" + v], 5302, 40111 + int(v)))
        lab.ping("cli", ADDR["rc" + v])
    return c


def local_out(lab):
    c = []
    for v in ("4", "6"):
        c.append(_tcp(lab, "srv", "rtr", ADDR["rs" + v], ADDR["srv" + v], 8003, 40201 + int(v)))
        c.append(_udp(lab, "srv", "rtr", ADDR["rs" + v], ADDR["srv" + v], 5303, 40211 + int(v)))
        lab.ping("rtr", ADDR["srv" + v])
    return c


def loopback(lab):
    c = []
    for v, lo in (("4", "127.0.0.1"), ("6", "::1")):
        c.append(_tcp(lab, "rtr", "rtr", lo, lo, 8004, 40301 + int(v)))
        c.append(_udp(lab, "rtr", "rtr", lo, lo, 5304, 40311 + int(v)))
        # To the router's own address on another interface: also over lo.
        c.append(_tcp(lab, "rtr", "rtr", ADDR["rc" + v], ADDR["rs" + v], 8005, 40321 + int(v)))
        # Lossy over loopback: drops at input (after the confirm at postrouting) and output.
        c.append(_tcp(lab, "rtr", "rtr", lo, lo, 8131, 40331 + int(v), size=30000))
        lab.ping("rtr", lo)
    return c


def drops_forward(lab):
    c = []
    for v in ("4", "6"):
        c.append(_closed("cli", ADDR["cli" + v], ADDR["srv" + v], 40401 + int(v)))
        c.append(_tcp(lab, "srv", "cli", ADDR["cli" + v], ADDR["srv" + v], 8101,
                      40411 + int(v), size=30000))
        c.append(_tcp(lab, "srv", "cli", ADDR["cli" + v], ADDR["srv" + v], SYNACK_DROP_PORT,
                      40421 + int(v)))
    return c


def drops_input(lab):
    c = []
    for v in ("4", "6"):
        c.append(_closed("cli", ADDR["cli" + v], ADDR["rc" + v], 40501 + int(v)))
        c.append(_tcp(lab, "rtr", "cli", ADDR["cli" + v], ADDR["rc" + v], 8111,
                      40511 + int(v), size=30000))
    return c


def drops_output(lab):
    c = []
    for v in ("4", "6"):
        c.append(_closed("rtr", ADDR["rs" + v], ADDR["srv" + v], 40601 + int(v)))
        c.append(_tcp(lab, "srv", "rtr", ADDR["rs" + v], ADDR["srv" + v], 8121,
                      40611 + int(v), size=30000))
        c.append(_tcp(lab, "rtr", "cli", ADDR["cli" + v], ADDR["rc" + v], 8122,
                      40621 + int(v), size=30000))
    return c


KINDS = {
    "forward": forward,
    "local-in": local_in,
    "local-out": local_out,
    "loopback": loopback,
    "drops-forward": drops_forward,
    "drops-input": drops_input,
    "drops-output": drops_output,
}


def everything(lab):
    """Every kind at once."""
    return [c for name, fn in KINDS.items() if name != "all" for c in fn(lab)]


KINDS["all"] = everything
