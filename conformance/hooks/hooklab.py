"""The hook lab: a Linux router in a namespace of its own, observed at every conntrack hook.

    cli (192.0.2.1, 2001:db8:1::1) --veth-- rtr --veth-- srv (198.51.100.1, 2001:db8:2::1)
                                     (conntrack under test; its own sockets; loopback)

Real programs make the traffic: through rtr (forwarded), to and from rtr's own sockets, and
over rtr's loopback. Only rtr has netfilter rules, so only rtr tracks connections. Its nft
table `nfcthook` does four things:

* gives every packet an id before conntrack sees it: the skb mark, set from a counter at
  prerouting (only on a packet without a mark, so a packet looped back over `lo` keeps the id
  it got at output) and at output (from a second counter with its own range);
* logs each packet to NFLOG at the entry hooks (prerouting, output) just before conntrack,
  and at the exit hooks (input, postrouting) after every filter, with the prefix "nfct";
* logs the ct state conntrack gave it (prefix "ct STATE DIRECTION") right after conntrack at
  the entry hooks: the kernel's per-packet verdict;
* drops some packets between the hooks, logging each ("nfct drop") just before: new
  connections to port 7 (at forward, input and output), and one packet in eight (by id) of
  the connections to the "lossy" ports, at the hook the port's kind names; and the first
  SYN/ACK of connections to port 8102, at forward.

Offloads are off on every interface, loopback included, so each observation is one packet.
One thread reads the ctnetlink events and the NFLOG records (256 MiB buffers); a lost message
of either kind fails the recording (ENOBUFS, or a gap in NFLOG's global sequence numbers).

Time: the job will judge these packets by the times we give them, the kernel by its jiffies,
so each observation gets the start of the jiffy the kernel saw it in (the kernel's ticks fall
on multiples of the tick on CLOCK_MONOTONIC): then a gap between two packets is the whole
number of ticks the kernel counted, and a remaining timeout rounds as the kernel's does. The
kernel says when it received a packet (PRE_ROUTING, LOCAL_IN and FORWARD records), and a
forwarded packet's POST_ROUTING keeps that time; a packet the router sends itself (LOCAL_OUT,
POST_ROUTING) gets the time its record was read, but never later than the next packet the
kernel stamped, and never earlier than the observation before it.
"""

import os
import re
import shutil
import subprocess
import tempfile
import time

from ctlab import netlink as nl
from ctlab import render
from ctlab.lab import (EXIT_LOST, EXIT_SETUP, EXIT_USAGE, LabError, Listener, STATES,
                       DEFAULT_SYSCTLS, _run, configured_timeouts, read_conntrack_sysctls,
                       release, require)

PREFIX = "khk"
GROUP = 5
COPY = 256                            # headers are what conntrack reads
BUF_BYTES = 256 << 20
SENTINEL_ZONE = 48879
SENTINEL_SRC, SENTINEL_DST = "198.18.254.1", "198.18.254.2"

ADDR = {
    "cli4": "192.0.2.1", "rc4": "192.0.2.254", "rs4": "198.51.100.254", "srv4": "198.51.100.1",
    "cli6": "2001:db8:1::1", "rc6": "2001:db8:1::fe", "rs6": "2001:db8:2::fe",
    "srv6": "2001:db8:2::1",
}
# Lossy ports: one packet in eight of their connections (by id) is dropped at the hook named.
LOSSY = {"forward": [8101], "input": [8111, 8131], "output": [8121, 8122, 8131]}
SYNACK_DROP_PORT = 8102
CLOSED_PORT = 7
APT_LINE = "apt-get install -y iproute2 nftables ethtool python3 iputils-ping"

# NFLOG hook numbers (the kernel's enum nf_inet_hooks).
HOOK_NAMES = {0: "PRE_ROUTING", 1: "LOCAL_IN", 2: "FORWARD", 3: "LOCAL_OUT", 4: "POST_ROUTING"}


def check_prerequisites():
    require(("ip", "nft", "ethtool", "ping"), APT_LINE)


def _timer_list():
    try:
        with open("/proc/timer_list") as fh:
            text = fh.read()
    except OSError as exc:
        raise LabError(EXIT_SETUP, "cannot read /proc/timer_list: %s" % exc)
    jiffies = re.findall(r"^jiffies: (\d+)", text, re.M)
    ticks = re.findall(r"\.last_tick\s*:\s*(\d+) nsecs", text)
    if not jiffies or not ticks:
        raise LabError(EXIT_SETUP, "/proc/timer_list shows no jiffies")
    return int(jiffies[0]), max(int(t) for t in ticks)


def tick_ns():
    """The kernel's tick (1/HZ) and its phase on CLOCK_MONOTONIC: HZ from how fast jiffies
    run, the phase from the time of the last tick (/proc/timer_list)."""
    j0, _ = _timer_list()
    t0 = time.monotonic_ns()
    time.sleep(0.5)
    j1, last = _timer_list()
    t1 = time.monotonic_ns()
    rate = (j1 - j0) * 1e9 / (t1 - t0)
    hz = min((100, 250, 300, 1000), key=lambda h: abs(h - rate))
    if abs(hz - rate) > 0.1 * hz:
        raise LabError(EXIT_SETUP, "jiffies run at %.1f/s: not a known HZ" % rate)
    period = 1_000_000_000 // hz
    return period, last % period


class HookLab:
    def __init__(self, log=None, rcvbuf=BUF_BYTES, peer=None):
        self.tag = "%s%d" % (PREFIX, os.getpid())
        self.ns = {role: "%s-%s" % (self.tag, role) for role in ("cli", "rtr", "srv")}
        self.log = log or (lambda msg: None)
        self.rcvbuf = rcvbuf
        self.peer = peer or os.path.join(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__))), "traffic", "peer.py")
        self.created = []
        self.tmpdir = None
        self.listener = None
        self.req = None
        self.children = []
        self.barrier_seq = 0
        self.period, self.phase = None, None
        # CLOCK_MONOTONIC to Unix time, fixed once, a whole number of ticks.
        self.epoch_offset = None

    # ---- setup -------------------------------------------------------------------
    def start(self):
        check_prerequisites()
        self.period, self.phase = tick_ns()
        off = time.time_ns() - time.monotonic_ns()
        self.clock_offset = off                      # Unix time minus CLOCK_MONOTONIC
        self.epoch_offset = off - off % self.period
        self.tmpdir = tempfile.mkdtemp(prefix=self.tag + "-")
        for role in ("cli", "rtr", "srv"):
            _run(["ip", "netns", "add", self.ns[role]], "creating namespace")
            self.created.append(self.ns[role])
        quiet = [("net.ipv6.conf.all.accept_ra", "0"), ("net.ipv6.conf.default.accept_ra", "0"),
                 ("net.ipv6.conf.all.router_solicitations", "0"),
                 ("net.ipv6.conf.default.router_solicitations", "0"),
                 ("net.ipv6.conf.all.accept_dad", "0"), ("net.ipv6.conf.default.accept_dad", "0")]
        for role in ("cli", "srv"):
            self._sysctl(role, quiet)
        self._sysctl("rtr", quiet + [("net.ipv4.ip_forward", "1"),
                                     ("net.ipv6.conf.all.forwarding", "1")]
                     + DEFAULT_SYSCTLS)
        self._links()
        self._rules()
        self.configured = configured_timeouts(read_conntrack_sysctls(self.ns["rtr"], DEFAULT_SYSCTLS))
        self._open_sockets()
        time.sleep(1.0)                      # let the links' own first packets pass
        self.log("hook lab ready: namespaces %s; tick %d ns" % (" ".join(self.created),
                                                                 self.period))

    def _sysctl(self, role, pairs):
        _run(["ip", "netns", "exec", self.ns[role], "sysctl", "-q", "-w"]
             + ["%s=%s" % kv for kv in pairs], "sysctl in %s" % role)

    def _links(self):
        cli, rtr, srv = self.ns["cli"], self.ns["rtr"], self.ns["srv"]
        _run(["ip", "-n", rtr, "-batch", "-"], "links", "\n".join([
            "link add rc type veth peer name c0 netns %s" % cli,
            "link add rs type veth peer name s0 netns %s" % srv,
            "link set lo up", "link set rc up", "link set rs up",
            "addr add %s/24 dev rc" % ADDR["rc4"], "addr add %s/64 dev rc nodad" % ADDR["rc6"],
            "addr add %s/24 dev rs" % ADDR["rs4"], "addr add %s/64 dev rs nodad" % ADDR["rs6"],
        ]) + "\n")
        for ns, dev, a4, a6, gw4, gw6 in ((cli, "c0", "cli4", "cli6", "rc4", "rc6"),
                                          (srv, "s0", "srv4", "srv6", "rs4", "rs6")):
            _run(["ip", "-n", ns, "-batch", "-"], "links", "\n".join([
                "link set lo up", "link set %s up" % dev,
                "addr add %s/24 dev %s" % (ADDR[a4], dev),
                "addr add %s/64 dev %s nodad" % (ADDR[a6], dev),
                "route add default via %s" % ADDR[gw4],
                "route add default via %s" % ADDR[gw6],
            ]) + "\n")
        for ns, devs in ((cli, ["c0"]), (srv, ["s0"]), (rtr, ["rc", "rs", "lo"])):
            for dev in devs:
                # One observation per packet: no segmentation or coalescing offloads.
                proc = subprocess.run(["ip", "netns", "exec", ns, "ethtool", "-K", dev,
                                       "tso", "off", "gso", "off", "gro", "off"],
                                      capture_output=True, text=True)
                if proc.returncode != 0:
                    raise LabError(EXIT_SETUP, "ethtool -K %s in %s: %s"
                                   % (dev, ns, proc.stderr.strip()))
                subprocess.run(["ip", "netns", "exec", ns, "ethtool", "-K", dev, "tx", "off",
                                "rx", "off"], capture_output=True)

    def _rules(self):
        log = "log group %d prefix" % GROUP
        ct_logs = ["\t\tct state invalid %s \"ct invalid -\"" % log,
                   "\t\tct state untracked %s \"ct untracked -\"" % log]
        for state, direction in STATES:
            ct_logs.append("\t\tct state %s ct direction %s %s \"ct %s %s\""
                           % (state, direction, log, state, direction))
        drop = "%s \"nfct drop\" drop" % log

        def lossy(where):
            ports = ", ".join(str(p) for p in LOSSY[where])
            return ("\t\tmeta l4proto tcp ct original proto-dst { %s } ct state established "
                    "meta mark & 0x7 == 0x3 %s" % (ports, drop))
        closed = "\t\ttcp dport %d ct state new %s" % (CLOSED_PORT, drop)
        text = "\n".join([
            "table inet nfcthook {",
            "\tchain pre_id {",
            "\t\ttype filter hook prerouting priority -300; policy accept;",
            "\t\tmeta mark 0 meta mark set numgen inc mod 1000000000 offset 1",
            "\t\t%s \"nfct\"" % log,
            "\t}",
            "\tchain pre_ct {",
            "\t\ttype filter hook prerouting priority -190; policy accept;",
        ] + ct_logs + [
            "\t}",
            "\tchain out_id {",
            "\t\ttype filter hook output priority -300; policy accept;",
            "\t\tmeta mark set numgen inc mod 1000000000 offset 1000000001",
            "\t\t%s \"nfct\"" % log,
            "\t}",
            "\tchain out_ct {",
            "\t\ttype filter hook output priority -190; policy accept;",
        ] + ct_logs + [
            "\t}",
            "\tchain forward_filter {",
            "\t\ttype filter hook forward priority 0; policy accept;",
            closed, lossy("forward"),
            "\t\tmeta l4proto tcp ct original proto-dst %d tcp flags & (syn | ack) == syn | ack "
            "ct reply packets 1 %s" % (SYNACK_DROP_PORT, drop),
            "\t}",
            "\tchain input_filter {",
            "\t\ttype filter hook input priority 0; policy accept;",
            closed, lossy("input"),
            "\t}",
            "\tchain output_filter {",
            "\t\ttype filter hook output priority 0; policy accept;",
            closed, lossy("output"),
            "\t}",
            "\tchain input_exit {",
            "\t\ttype filter hook input priority 500; policy accept;",
            "\t\t%s \"nfct\"" % log,
            "\t}",
            "\tchain postrouting_exit {",
            "\t\ttype filter hook postrouting priority 500; policy accept;",
            "\t\t%s \"nfct\"" % log,
            "\t}",
            "}",
        ]) + "\n"
        path = os.path.join(self.tmpdir, "rtr.nft")
        with open(path, "w") as fh:
            fh.write(text)
        _run(["ip", "netns", "exec", self.ns["rtr"], "nft", "-f", path], "loading nft rules")

    def _open_sockets(self):
        with nl.InNetns(self.ns["rtr"]):
            ev = nl.open_socket((nl.GROUP_CT_NEW, nl.GROUP_CT_UPDATE, nl.GROUP_CT_DESTROY),
                                self.rcvbuf)
            logs = nl.open_socket(rcvbuf=self.rcvbuf)
            self.req = nl.Requester()
            nl.Requester(logs).nflog_bind(GROUP, COPY, 1 << 16, global_seq=True)

        def decode(payload, received):
            rec = nl.decode_nflog_record(payload)
            rec["mono"] = received
            return rec
        self.listener = PromptListener(ev, logs, decode)
        self.listener.start()

    # ---- helpers -----------------------------------------------------------------
    def stamp(self, mono):
        """Unix time (ns) of the start of the kernel's jiffy at CLOCK_MONOTONIC `mono`."""
        q = mono - (mono - self.phase) % self.period
        return q + self.epoch_offset

    def kernel_times(self, records):
        """CLOCK_MONOTONIC of each record as the kernel saw it, as near as can be told: its
        receive time when the kernel gave one; else the receive time of the same packet at an
        earlier hook (a forwarded packet's POST_ROUTING is the same softirq run as its
        PRE_ROUTING); else when it was read, but no later than the next record the kernel
        stamped. Never before the record before it."""
        times = [None] * len(records)
        bound = None
        for i in range(len(records) - 1, -1, -1):
            ts = records[i]["ts"]
            if ts is not None:
                times[i] = ts - self.clock_offset
                bound = times[i] if bound is None else min(bound, times[i])
            else:
                times[i] = records[i]["mono"] if bound is None else min(records[i]["mono"], bound)
        received = {}
        for i, rec in enumerate(records):
            if rec["ts"] is not None:
                received.setdefault(rec["mark"], times[i])
            elif rec["mark"] in received:
                times[i] = received[rec["mark"]]
        for i in range(1, len(times)):
            times[i] = max(times[i], times[i - 1])
        return times

    def spawn(self, role, args, timeout=20.0):
        """Start a peer.py role in namespace `role`, bounded by `timeout` seconds."""
        cmd = ["ip", "netns", "exec", self.ns[role], "timeout", str(timeout), "python3",
               self.peer] + [str(a) for a in args]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                text=True)
        self.children.append((proc, " ".join(str(a) for a in args[:1] + args[-4:])))
        return proc

    def ping(self, role, dst, count=2):
        cmd = ["ip", "netns", "exec", self.ns[role], "timeout", "10", "ping", "-n", "-q",
               "-c", str(count), "-i", "0.2", "-W", "2", dst]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                text=True)
        self.children.append((proc, "ping " + dst))
        return proc

    def wait_children(self):
        """Wait for every program started; return the ones that failed (name, stderr)."""
        failed = []
        for proc, what in self.children:
            try:
                _, err = proc.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                _, err = proc.communicate()
            if proc.returncode != 0:
                failed.append((what, (err or "").strip().splitlines()[-1:] or ["exit %d"
                                                                           % proc.returncode]))
        self.children = []
        return failed

    def _table_rows(self):
        return [e for e in self.req.dump() if e["zone"] != SENTINEL_ZONE]

    def _barrier(self, start):
        self.barrier_seq += 1
        sport = 1 + (self.barrier_seq % 65000)
        self.req.create_udp_entry(SENTINEL_SRC, SENTINEL_DST, sport, 9, SENTINEL_ZONE, 3600)

        def is_mine(ev):
            return (ev["kind"] == "NEW" and ev["zone"] == SENTINEL_ZONE
                    and ev.get("orig", {}).get("sport") == sport)
        pos = self.listener.wait_event(is_mine, start, 10.0)
        if pos is None:
            if self.listener.lost_events:
                raise LabError(EXIT_LOST, "sentinel event lost: ENOBUFS on the event socket")
            raise LabError(EXIT_SETUP, "sentinel event never arrived")
        return pos

    def _dump_in_one_tick(self, attempts=20):
        """The table as of one jiffy (so its timeouts are those of that jiffy's start), and the
        CLOCK_MONOTONIC of that jiffy. A dump walks the host's whole conntrack table (about ten
        milliseconds here), so the entries it found are read again one by one within a tick."""
        listed = self._table_rows()
        for _ in range(attempts):
            # Start just after a tick, so the whole tick is there for the reads.
            now = time.monotonic_ns()
            time.sleep((self.period - (now - self.phase) % self.period + 50_000) / 1e9)
            before = time.monotonic_ns()
            table = [e for e in (self.req.get(e) for e in listed) if e is not None]
            after = time.monotonic_ns()
            if (before - self.phase) // self.period == (after - self.phase) // self.period:
                return before, table
        raise LabError(EXIT_SETUP, "could not read the table within one tick in %d tries (the "
                                   "last took %.1f ms)" % (attempts, (after - before) / 1e6))

    # ---- one recording -------------------------------------------------------------
    def record(self, make_traffic, settle=0.5):
        """Run `make_traffic(self)` on a flushed table and return what the kernel did:
        the observation records, the events, the table and the per-packet ct states."""
        self.req.flush()
        if self._table_rows():
            raise LabError(EXIT_SETUP, "entries survived the flush")
        with self.listener.cond:
            lost0 = (self.listener.lost_events, self.listener.lost_records)
            ev_base = len(self.listener.events)
        begin = self._barrier(ev_base)
        self.listener.sync()
        with self.listener.cond:
            rec_base = len(self.listener.records)
        make_traffic(self)
        failed = self.wait_children()
        time.sleep(settle)
        dump_mono, table = self._dump_in_one_tick()
        end = self._barrier(begin)
        self.listener.sync()
        with self.listener.cond:
            window = self.listener.events[begin:end - 1]
            records = list(self.listener.records[rec_base:])
            lost = (self.listener.lost_events - lost0[0], self.listener.lost_records - lost0[1])
        if lost[0] or lost[1]:
            raise LabError(EXIT_LOST, "the kernel dropped %d event and %d NFLOG messages "
                                      "(ENOBUFS)" % lost)
        seqs = [r["seq"] for r in records]
        if None in seqs:
            raise LabError(EXIT_SETUP, "an NFLOG record has no global sequence number")
        for a, b in zip(seqs, seqs[1:]):
            if b != (a + 1) & 0xFFFFFFFF:
                raise LabError(EXIT_LOST, "NFLOG records lost: sequence %d follows %d" % (b, a))
        return Recording(self, records, window, table, dump_mono, failed)

    # ---- teardown -------------------------------------------------------------------
    def close(self):
        for proc, _ in self.children:
            try:
                proc.kill()
                proc.wait(5)
            except Exception:
                pass
        self.children = []
        release(self)


class PromptListener(Listener):
    """The listener, scheduled ahead of the traffic programs (SCHED_FIFO): a record of a packet
    the router sent itself is stamped when it is read, so reading must not wait for a CPU."""

    def run(self):
        try:
            os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(10))
        except OSError:
            pass                          # stamps are then later, and comparisons may say so
        super().run()


class Recording:
    """One traffic kind as the kernel saw it, ready to be written."""

    def __init__(self, lab, records, events, table, dump_mono, failed):
        self.failed = failed
        self.observations = []            # (unix ns, raw NFLOG payload, record)
        self.trace = []                   # "FRAME STATE DIR" per entry-hook observation
        self.events = [render.ct_line(e, set()) for e in events if e["zone"] != SENTINEL_ZONE]
        self.table = sorted(render.ct_line(e, set(), table=True) for e in table)
        self.dump_ns = lab.stamp(dump_mono)
        self.unmatched = 0
        # The ct state of an entry-hook observation is the "ct ..." record of the same packet
        # id and hook that follows it.
        waiting = {}
        kept = [r for r in records if r["prefix"].startswith("nfct")]
        times = dict(zip((id(r) for r in kept), lab.kernel_times(kept)))
        for rec in records:
            prefix = rec["prefix"]
            if prefix.startswith("ct "):
                frame = waiting.pop((rec["mark"], rec["hook"]), None)
                if frame is None:
                    self.unmatched += 1
                    continue
                self.trace.append("%d %s" % (frame, prefix[3:]))
                continue
            if not prefix.startswith("nfct"):
                continue
            self.observations.append((lab.stamp(times[id(rec)]), rec["raw"], rec))
            frame = len(self.observations)
            if rec["hook"] in (0, 3) and prefix == "nfct":
                waiting[(rec["mark"], rec["hook"])] = frame
        # An entry observation without a ct record never got one: conntrack did not see it.
        for frame in waiting.values():
            self.trace.append("%d unseen -" % frame)
        self.trace.sort(key=lambda ln: int(ln.split()[0]))

    def counts(self):
        by = {}
        for _, _, rec in self.observations:
            key = HOOK_NAMES.get(rec["hook"], "?") + (" DROP" if rec["prefix"] == "nfct drop"
                                                      else "")
            by[key] = by.get(key, 0) + 1
        return by
