"""The lab: three private network namespaces and everything needed to watch conntrack.

    src (tcpreplay -i inj) --veth-- mid [rin -- br0 -- rout] --veth-- snk (drops all)

* mid bridges rin and rout (learning off, no STP, no multicast snooping) with
  br_netfilter on, so every IPv4/IPv6 frame goes PRE_ROUTING (defrag, conntrack) ->
  FORWARD -> POST_ROUTING (confirm) without any routing decision. No interface in any of
  the namespaces has an address and IPv6 is disabled everywhere, so the lab never sends a
  packet of its own; an output chain that drops everything in mid makes sure of it.
* nft in mid: a bridge-family counter at the very start of the bridge (every frame that
  arrives), an inet counter before defragmentation, and one NFLOG rule per
  conntrack state/direction right after the conntrack hook (priority -190). Using `ct`
  in a rule is also what registers the conntrack hooks in the namespace.
* One thread reads two netlink sockets opened inside mid with 256 MiB buffers: the
  ctnetlink event groups (NEW, UPDATE, DESTROY) and the NFLOG group. ENOBUFS on either is
  counted and makes the replay fail.
* Barriers: a sentinel UDP entry in a zone of its own is created over ctnetlink and its
  NEW event awaited, before the replay (everything older is discarded) and after it, once
  the bridge counter shows every frame arrived. The closing sentinel is created from the
  CPU tcpreplay is pinned to, so the last packet's softirq work is certainly finished.
"""

import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

from . import capture
from . import netlink as nl
from . import render

PREFIX = "ktr"
SENTINEL_ZONE = 48879
SENTINEL_SRC, SENTINEL_DST = "198.18.254.1", "198.18.254.2"
NFLOG_GROUP = 7
NFLOG_COPY = 256
BUF_BYTES = 256 << 20
STATES = [("new", "original"), ("new", "reply"), ("established", "original"),
          ("established", "reply"), ("related", "original"), ("related", "reply")]

EXIT_OK, EXIT_USAGE, EXIT_SETUP, EXIT_LOST = 0, 2, 3, 4
APT_LINE = "apt-get install -y iproute2 nftables tcpreplay util-linux"

DEFAULT_SYSCTLS = [
    ("net.netfilter.nf_conntrack_checksum", "0"),
    ("net.netfilter.nf_conntrack_acct", "1"),
    ("net.netfilter.nf_conntrack_timestamp", "1"),
    ("net.netfilter.nf_conntrack_events", "1"),
]


class LabError(Exception):
    """Failure with the exit code the runner should use."""

    def __init__(self, code, msg):
        super().__init__(msg)
        self.code = code


class Interrupted(BaseException):
    pass


def _on_signal(signum, _frame):
    raise Interrupted("signal %d" % signum)


def install_signal_handlers():
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _on_signal)


# --------------------------------------------------------------------------- prerequisites

def require(tools, apt_line):
    """Root, the tools named and a kernel with conntrack, or a usage error saying what is missing."""
    if os.geteuid() != 0:
        raise LabError(EXIT_USAGE, "must run as root (namespaces, nft, netlink)")
    missing = [t for t in tools if not shutil.which(t)]
    if missing:
        raise LabError(EXIT_USAGE, "missing tools: %s\n  install with: %s"
                       % (" ".join(missing), apt_line))
    if not os.path.exists("/proc/sys/net/netfilter/nf_conntrack_acct"):
        subprocess.run(["modprobe", "nf_conntrack"], stderr=subprocess.DEVNULL)
        if not os.path.exists("/proc/sys/net/netfilter/nf_conntrack_acct"):
            raise LabError(EXIT_USAGE, "kernel has no nf_conntrack")


def check_prerequisites():
    require(("ip", "nft", "tcpreplay", "taskset"), APT_LINE)
    if not os.path.exists("/proc/sys/net/bridge/bridge-nf-call-iptables"):
        subprocess.run(["modprobe", "br_netfilter"], stderr=subprocess.DEVNULL)
        if not os.path.exists("/proc/sys/net/bridge/bridge-nf-call-iptables"):
            raise LabError(EXIT_USAGE, "kernel has no br_netfilter (modprobe br_netfilter)")


def parse_sysctl_args(pairs):
    out = []
    for item in pairs or []:
        if "=" not in item:
            raise LabError(EXIT_USAGE, "--sysctl wants KEY=VALUE, got %r" % item)
        key, val = item.split("=", 1)
        key = key.strip().replace("/", ".")
        if not key.startswith("net."):
            key = "net.netfilter." + key
        if not os.path.exists("/proc/sys/" + key.replace(".", "/")):
            raise LabError(EXIT_USAGE, "--sysctl: no such sysctl %s" % key)
        out.append((key, val.strip()))
    return out


def read_conntrack_sysctls(netns, wanted=()):
    """Every nf_conntrack_* sysctl of a lab namespace (name -> value text). Each (key, value) of
    `wanted` that names one must be in force (a later pair overrides an earlier one of the same
    key), or the lab is not what it claims to be."""
    values = {}
    with nl.InNetns(netns):
        base = "/proc/sys/net/netfilter"
        for name in os.listdir(base):
            if not name.startswith("nf_conntrack_"):
                continue
            try:
                with open(os.path.join(base, name)) as fh:
                    values[name] = fh.read().strip()
            except OSError:
                continue
    for key, want in dict(wanted).items():
        if not key.startswith("net.netfilter.nf_conntrack_"):
            continue
        have = values.get(key.rsplit(".", 1)[1])
        if have is not None:
            have, want = " ".join(have.split()), " ".join(want.split())
        if have != want:
            raise LabError(EXIT_SETUP, "%s is %r in the lab, wanted %r" % (key, have, want))
    return values


def configured_timeouts(values):
    """Every timeout value (seconds) among conntrack sysctl values (fragment timeouts aside)."""
    out = set()
    for name, value in values.items():
        if "timeout" in name and "frag" not in name:
            out.update(int(v) for v in value.split() if v.isdigit())
    return out


# --------------------------------------------------------------------------- stale cleanup

def cleanup_stale(log=print):
    """Remove namespaces and temp dirs of lab runs whose process is gone."""
    removed = 0
    try:
        names = os.listdir("/run/netns")
    except FileNotFoundError:
        names = []
    for name in names:
        m = re.match(r"^%s(\d+)-(src|mid|snk)$" % PREFIX, name)
        if m and not os.path.exists("/proc/%s" % m.group(1)):
            subprocess.run(["ip", "netns", "del", name], stderr=subprocess.DEVNULL)
            log("removed namespace %s" % name)
            removed += 1
    tmp = tempfile.gettempdir()
    # A SIGKILLed run can leave its tcpreplay behind: end exactly those, by PID.
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as fh:
                argv = fh.read().split(b"\0")
        except OSError:
            continue
        if not argv or os.path.basename(argv[0]) != b"tcpreplay":
            continue
        for arg in argv:
            m = re.match(r"^%s/%s(\d+)-[^/]+/replay\.pcap$" % (re.escape(tmp), PREFIX),
                         arg.decode("utf-8", "replace"))
            if m and not os.path.exists("/proc/%s" % m.group(1)):
                try:
                    os.kill(int(pid), signal.SIGTERM)
                    log("ended leftover tcpreplay %s" % pid)
                    removed += 1
                except OSError:
                    pass
    for name in os.listdir(tmp):
        m = re.match(r"^%s(\d+)-" % PREFIX, name)
        if m and not os.path.exists("/proc/%s" % m.group(1)):
            shutil.rmtree(os.path.join(tmp, name), ignore_errors=True)
            log("removed %s" % os.path.join(tmp, name))
            removed += 1
    return removed


# --------------------------------------------------------------------------- listener

class Listener(threading.Thread):
    """Reads conntrack events and NFLOG records into lists while the replay runs."""

    def __init__(self, ev_sock, log_sock, decode_record=None):
        """decode_record(payload, received_ns) turns an NFLOG message into a record (default:
        (family, prefix, packet bytes)); received_ns is CLOCK_MONOTONIC when it was read."""
        super().__init__(daemon=True, name="ct-listener")
        self.decode_record = decode_record or (lambda payload, _t: nl.decode_nflog(payload))
        self.ev_sock, self.log_sock = ev_sock, log_sock
        ev_sock.setblocking(False)
        log_sock.setblocking(False)
        self.events = []
        self.records = []
        self.lost_events = 0
        self.lost_records = 0
        self.failure = None
        self.cond = threading.Condition()
        self._wake_r, self._wake_w = os.pipe()
        self._sync_asked = 0
        self._sync_done = 0

    def _drain(self, sock, is_events):
        while True:
            try:
                data = sock.recv(1 << 20)
            except BlockingIOError:
                return
            except OSError as exc:
                if nl.is_enobufs(exc):
                    with self.cond:
                        if is_events:
                            self.lost_events += 1
                        else:
                            self.lost_records += 1
                    continue
                raise
            received = time.monotonic_ns()
            got = []
            for mtype, flags, _seq, payload in nl.iter_messages(data):
                if mtype < 0x100:
                    continue
                if is_events:
                    got.append(nl.decode_ct(mtype, flags, payload))
                elif (mtype & 0xFF) == nl.ULOG_PACKET:
                    got.append(self.decode_record(payload, received))
            if got:
                with self.cond:
                    (self.events if is_events else self.records).extend(got)
                    self.cond.notify_all()

    def run(self):
        poller = select.poll()
        poller.register(self.ev_sock, select.POLLIN)
        poller.register(self.log_sock, select.POLLIN)
        poller.register(self._wake_r, select.POLLIN)
        try:
            while True:
                for fd, _ in poller.poll():
                    if fd == self.ev_sock.fileno():
                        self._drain(self.ev_sock, True)
                    elif fd == self.log_sock.fileno():
                        self._drain(self.log_sock, False)
                    else:
                        cmd = os.read(self._wake_r, 64)
                        if b"q" in cmd:
                            return
                        with self.cond:
                            asked = self._sync_asked
                        self._drain(self.ev_sock, True)
                        self._drain(self.log_sock, False)
                        with self.cond:
                            self._sync_done = asked
                            self.cond.notify_all()
        except Exception as exc:          # surfaced by wait_* in the main thread
            with self.cond:
                self.failure = exc
                self.cond.notify_all()

    def sync(self, timeout=10.0):
        """Return once everything already queued on both sockets has been read."""
        with self.cond:
            self._sync_asked += 1
            want = self._sync_asked
        os.write(self._wake_w, b"s")
        with self.cond:
            if not self.cond.wait_for(lambda: self._sync_done >= want or self.failure,
                                      timeout):
                raise LabError(EXIT_SETUP, "listener did not answer")
            if self.failure:
                raise LabError(EXIT_SETUP, "listener failed: %s" % self.failure)

    def wait_event(self, predicate, start, timeout):
        """Index just after the first event at or after `start` matching predicate."""
        deadline = time.monotonic() + timeout
        pos = start
        with self.cond:
            while True:
                while pos < len(self.events):
                    if predicate(self.events[pos]):
                        return pos + 1
                    pos += 1
                if self.failure:
                    raise LabError(EXIT_SETUP, "listener failed: %s" % self.failure)
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(left)

    def stop(self):
        try:
            os.write(self._wake_w, b"q")
        except OSError:
            pass
        self.join(2)
        os.close(self._wake_r)
        os.close(self._wake_w)


# --------------------------------------------------------------------------- result

class Result:
    def __init__(self, name):
        self.name = name
        self.events = []
        self.table = []
        self.trace = []
        self.prep = None
        self.sent = 0
        self.bridge_seen = 0
        self.ip_seen = 0
        self.replay_seconds = 0.0
        self.total_seconds = 0.0
        self.drain_seconds = 0.0
        self.lost_events = 0
        self.lost_records = 0
        self.unmatched_records = 0
        self.dropped_units = 0
        self.state_counts = {}

    @property
    def lost(self):
        return bool(self.lost_events or self.lost_records)

    def write(self, prefix):
        """Write the three files; after a loss write none (and remove old ones)."""
        for suffix, lines in ((".events", self.events), (".table", self.table),
                              (".trace", self.trace)):
            if self.lost:
                if os.path.exists(prefix + suffix):
                    os.unlink(prefix + suffix)
                continue
            with open(prefix + suffix, "w") as fh:
                fh.write("".join(ln + "\n" for ln in lines))

    def summary(self):
        p = self.prep
        return "\n".join([
            "  capture: %s" % p.summary(),
            "  replay %.3fs (total %.3fs); sent %d, bridge saw %d, IP hooks saw %d"
            % (self.replay_seconds, self.total_seconds, self.sent, self.bridge_seen,
               self.ip_seen),
            "  ct state after the conntrack hook: %s"
            % " ".join("%s=%d" % kv for kv in sorted(self.state_counts.items())),
            "  events %d, table entries %d, trace lines %d (%d units not logged, "
            "%d unmatched log records)" % (len(self.events), len(self.table),
                                          len(self.trace), self.dropped_units,
                                          self.unmatched_records),
        ])


# --------------------------------------------------------------------------- the lab

def _run(cmd, what, input_text=None, timeout=60):
    proc = subprocess.run(cmd, input=input_text, capture_output=True, text=True,
                          timeout=timeout)
    if proc.returncode != 0:
        raise LabError(EXIT_SETUP, "%s failed (%s): %s"
                       % (what, " ".join(cmd), (proc.stderr or proc.stdout).strip()))
    return proc.stdout


class Lab:
    def __init__(self, sysctls=(), timing="top", log=None, rcvbuf=BUF_BYTES, drain=0.0):
        self.tag = "%s%d" % (PREFIX, os.getpid())
        # Seconds to wait after a replay for every entry to expire, so that the kernel's
        # garbage collection has sent all their DESTROY events (0: do not wait).
        self.drain = drain
        self.ns = {role: "%s-%s" % (self.tag, role) for role in ("src", "mid", "snk")}
        self.extra_sysctls = list(sysctls)
        self.timing = timing
        self.log = log or (lambda msg: None)
        self.created = []
        self.tmpdir = None
        self.listener = None
        self.req = None
        self.child = None
        self.configured = set()
        self.barrier_seq = 0
        self.cpu = sorted(os.sched_getaffinity(0))[-1]
        self.sysctl_values = {}
        self.rcvbuf = rcvbuf

    # ---- setup -------------------------------------------------------------------
    def start(self):
        check_prerequisites()
        self.tmpdir = tempfile.mkdtemp(prefix=self.tag + "-")
        for role in ("src", "mid", "snk"):
            _run(["ip", "netns", "add", self.ns[role]], "creating namespace")
            self.created.append(self.ns[role])
        quiet = [("net.ipv6.conf.all.disable_ipv6", "1"),
                 ("net.ipv6.conf.default.disable_ipv6", "1")]
        for role in ("src", "snk"):
            self._sysctl(role, quiet)
        self._sysctl("mid", quiet + [
            ("net.bridge.bridge-nf-call-iptables", "1"),
            ("net.bridge.bridge-nf-call-ip6tables", "1"),
            ("net.bridge.bridge-nf-call-arptables", "0"),
        ] + DEFAULT_SYSCTLS + self.extra_sysctls)
        self._links()
        self._rules()
        self._read_timeouts()
        self._open_sockets()
        self.req.flush()
        if self._table_rows():
            raise LabError(EXIT_SETUP, "fresh namespace table is not empty")
        self.log("lab ready: namespaces %s, tcpreplay on cpu %d"
                 % (" ".join(self.created), self.cpu))

    def _sysctl(self, role, pairs):
        args = ["%s=%s" % kv for kv in pairs]
        _run(["ip", "netns", "exec", self.ns[role], "sysctl", "-q", "-w"] + args,
             "sysctl in %s" % role)

    def _links(self):
        mac = lambda n: "02:00:00:c0:fe:%02x" % n
        mid, src, snk = self.ns["mid"], self.ns["src"], self.ns["snk"]
        batch = "\n".join([
            "link add br0 address %s type bridge stp_state 0 mcast_snooping 0 "
            "nf_call_iptables 1 nf_call_ip6tables 1 nf_call_arptables 0" % mac(1),
            "link add rin address %s mtu 65535 type veth peer name inj address %s "
            "mtu 65535 netns %s" % (mac(2), mac(3), src),
            "link add rout address %s mtu 65535 type veth peer name snk address %s "
            "mtu 65535 netns %s" % (mac(4), mac(5), snk),
            "link set rin master br0",
            "link set rout master br0",
            "link set rin type bridge_slave learning off flood on",
            "link set rout type bridge_slave learning off flood on",
            "link set rin arp off multicast off up",
            "link set rout arp off multicast off up",
            "link set br0 arp off multicast off up",
        ]) + "\n"
        _run(["ip", "-n", mid, "-batch", "-"], "configuring the bridge", batch)
        _run(["ip", "-n", src, "link", "set", "inj", "arp", "off", "multicast", "off", "up"],
             "bringing up inj")
        _run(["ip", "-n", snk, "link", "set", "snk", "arp", "off", "multicast", "off", "up"],
             "bringing up snk")

    def _rules(self):
        logs = ["\t\tct state invalid log group %d prefix \"invalid -\"" % NFLOG_GROUP,
                "\t\tct state untracked log group %d prefix \"untracked -\"" % NFLOG_GROUP]
        for state, direction in STATES:
            logs.append("\t\tct state %s ct direction %s log group %d prefix \"%s %s\""
                        % (state, direction, NFLOG_GROUP, state, direction))
        mid_rules = "\n".join([
            "table bridge ktr_l2 {",
            "\tcounter frames { }",
            "\tchain arrive {",
            "\t\ttype filter hook prerouting priority -500; policy accept;",
            "\t\tcounter name \"frames\"",
            "\t}",
            "}",
            "table inet ktr {",
            "\tcounter ip_seen { }",
            "\tchain before_defrag {",
            "\t\ttype filter hook prerouting priority -450; policy accept;",
            "\t\tcounter name \"ip_seen\"",
            "\t}",
            "\tchain after_conntrack {",
            "\t\ttype filter hook prerouting priority -190; policy accept;",
        ] + logs + [
            "\t}",
            "\tchain never_send {",
            "\t\ttype filter hook output priority -500; policy drop;",
            "\t}",
            "}",
        ]) + "\n"
        sink_rules = ("table netdev ktr_sink {\n\tchain swallow {\n"
                      "\t\ttype filter hook ingress device \"snk\" priority 0; policy drop;\n"
                      "\t}\n}\n")
        for role, text in (("mid", mid_rules), ("snk", sink_rules)):
            path = os.path.join(self.tmpdir, "%s.nft" % role)
            with open(path, "w") as fh:
                fh.write(text)
            _run(["ip", "netns", "exec", self.ns[role], "nft", "-f", path],
                 "loading nft rules in %s" % role)

    def _read_timeouts(self):
        self.sysctl_values = read_conntrack_sysctls(
            self.ns["mid"], DEFAULT_SYSCTLS + self.extra_sysctls)
        self.configured.update(configured_timeouts(self.sysctl_values))

    def _open_sockets(self):
        with nl.InNetns(self.ns["mid"]):
            ev = nl.open_socket((nl.GROUP_CT_NEW, nl.GROUP_CT_UPDATE, nl.GROUP_CT_DESTROY),
                                self.rcvbuf)
            logs = nl.open_socket(rcvbuf=self.rcvbuf)
            self.req = nl.Requester()
            # NFLOG binds the group to the socket that configures it: use the reader.
            nl.Requester(logs).nflog_bind(NFLOG_GROUP, NFLOG_COPY, 2048)
        self.listener = Listener(ev, logs)
        self.listener.start()

    # ---- helpers -----------------------------------------------------------------
    def _counters(self):
        """Packet counts of the lab's named counters: (frames at the bridge, at IP)."""
        out = _run(["ip", "netns", "exec", self.ns["mid"], "nft", "-j", "list", "counters"],
                   "reading counters")
        got = {}
        for item in json.loads(out).get("nftables", []):
            c = item.get("counter")
            if c:
                got[(c["family"], c["table"], c["name"])] = int(c["packets"])
        try:
            return got[("bridge", "ktr_l2", "frames")], got[("inet", "ktr", "ip_seen")]
        except KeyError:
            raise LabError(EXIT_SETUP, "lab counters missing from nft output")

    def _table_rows(self):
        return [e for e in self.req.dump() if e["zone"] != SENTINEL_ZONE]

    def _barrier(self, start):
        """Create a sentinel entry (from tcpreplay's CPU) and wait for its NEW event."""
        self.barrier_seq += 1
        sport = 1 + (self.barrier_seq % 65000)
        old = os.sched_getaffinity(0)
        os.sched_setaffinity(0, {self.cpu})
        try:
            self.req.create_udp_entry(SENTINEL_SRC, SENTINEL_DST, sport, 9,
                                      SENTINEL_ZONE, 3600)
        finally:
            os.sched_setaffinity(0, old)

        def is_mine(ev):
            return (ev["kind"] == "NEW" and ev["zone"] == SENTINEL_ZONE
                    and ev.get("orig", {}).get("sport") == sport)
        pos = self.listener.wait_event(is_mine, start, 10.0)
        if pos is None:
            if self.listener.lost_events:
                raise LabError(EXIT_LOST, "sentinel event lost: the kernel reported "
                                          "ENOBUFS on the event socket")
            raise LabError(EXIT_SETUP, "sentinel event never arrived")
        return pos

    # ---- one capture ---------------------------------------------------------------
    def replay(self, path):
        t0 = time.monotonic()
        res = Result(os.path.basename(path))
        try:
            prep = capture.prepare(path)
        except (OSError, capture.CaptureError, IndexError, ValueError) as exc:
            raise LabError(EXIT_USAGE, "cannot read %s: %s" % (path, exc))
        res.prep = prep
        pcap = os.path.join(self.tmpdir, "replay.pcap")
        capture.write_pcap(pcap, prep.frames)

        # Clean slate: flush, then a sentinel; everything before it is the flush's noise.
        self.req.flush()
        leftovers = self._table_rows()
        if leftovers:
            raise LabError(EXIT_SETUP, "%d entries survived the flush" % len(leftovers))
        with self.listener.cond:
            self.listener.records.clear()
            lost0 = (self.listener.lost_events, self.listener.lost_records)
            ev_base = len(self.listener.events)
        begin = self._barrier(ev_base)
        frames0, ip0 = self._counters()

        sent = 0
        if prep.frames:
            sent = self._tcpreplay(pcap, res)
        res.sent = sent
        deadline = time.monotonic() + 30
        while True:
            frames, ip_seen = self._counters()
            seen = frames - frames0
            if seen >= sent or time.monotonic() > deadline:
                break
            time.sleep(0.005)
        res.bridge_seen = seen
        res.ip_seen = ip_seen - ip0
        if seen != sent:
            raise LabError(EXIT_SETUP, "bridge saw %d of %d frames" % (seen, sent))
        if self.drain > 0:
            res.drain_seconds = self._drain()
        end = self._barrier(begin)
        self.listener.sync()
        with self.listener.cond:
            window = self.listener.events[begin:end - 1]
            records = list(self.listener.records)
            res.lost_events = self.listener.lost_events - lost0[0]
            res.lost_records = self.listener.lost_records - lost0[1]
        res.events = [render.ct_line(e, self.configured) for e in window
                      if e["zone"] != SENTINEL_ZONE]
        res.table = sorted(render.ct_line(e, self.configured, table=True)
                           for e in self._table_rows())
        self._trace(prep, records, res)
        res.total_seconds = time.monotonic() - t0
        return res

    def _drain(self):
        """Waits until the table is empty (every entry expired and collected, its DESTROY event
        sent) or self.drain seconds passed; returns the seconds waited."""
        t = time.monotonic()
        while self._table_rows() and time.monotonic() - t < self.drain:
            time.sleep(0.2)
        left = len(self._table_rows())
        if left:
            self.log("drain: %d entries still there after %.0f s" % (left, self.drain))
        return time.monotonic() - t

    def _tcpreplay(self, pcap, res):
        cmd = ["taskset", "-c", str(self.cpu), "ip", "netns", "exec", self.ns["src"],
               "tcpreplay", "-i", "inj"]
        if self.timing == "top":
            cmd.append("--topspeed")
        cmd.append(pcap)
        t = time.monotonic()
        self.child = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      text=True)
        out, err = self.child.communicate()      # on a signal, close() kills the child
        code = self.child.returncode
        self.child = None
        res.replay_seconds = time.monotonic() - t
        m_ok = re.search(r"Successful packets:\s+(\d+)", out)
        m_bad = re.search(r"Failed packets:\s+(\d+)", out)
        if code != 0 or not m_ok:
            raise LabError(EXIT_SETUP, "tcpreplay failed (%s): %s" % (code, (err or out).strip()))
        if m_bad and int(m_bad.group(1)):
            raise LabError(EXIT_SETUP, "tcpreplay could not send %s packets: %s"
                           % (m_bad.group(1), err.strip()))
        sent = int(m_ok.group(1))
        if sent != len(res.prep.frames):
            raise LabError(EXIT_SETUP, "tcpreplay sent %d of %d frames"
                           % (sent, len(res.prep.frames)))
        return sent

    def _trace(self, prep, records, res):
        units = prep.units
        done = [False] * len(units)
        verdict = {}
        cursor = 0
        for fam, prefix, pkt in records:
            famv = 6 if fam == socket.AF_INET6 else 4
            res.state_counts[prefix.split()[0]] = res.state_counts.get(prefix.split()[0], 0) + 1
            j, how = cursor, None
            while j < len(units) and (done[j] or not how):
                how = not done[j] and units[j].matches(famv, pkt)
                if not how:
                    j += 1
            if j == len(units):
                res.unmatched_records += 1
                continue
            if isinstance(how, tuple):      # a first fragment that reached conntrack alone
                how[1][2] = True
                verdict[how[1][0]] = prefix
                continue
            done[j] = True
            unit = units[j]
            for member in unit.members:
                verdict[member] = "frag -"
            verdict[unit.frame] = prefix
            while cursor < len(units) and done[cursor]:
                cursor += 1
        for j, unit in enumerate(units):
            if not done[j]:
                res.dropped_units += 1
                for member in unit.members:
                    verdict.setdefault(member, "unseen -")
        res.trace = ["%d %s" % (n, verdict.get(n, "unseen -")) for n in prep.ip_frames]

    # ---- teardown -------------------------------------------------------------------
    def close(self):
        if self.child is not None:
            try:
                self.child.terminate()
                self.child.wait(5)
            except Exception:
                pass
        release(self)


def release(lab):
    """Stops a lab's listener, closes its sockets, deletes its namespaces and temp dir."""
    if lab.listener is not None:
        lab.listener.stop()
        for sock in (lab.listener.ev_sock, lab.listener.log_sock):
            sock.close()
        lab.listener = None
    if lab.req is not None:
        lab.req.close()
        lab.req = None
    for name in reversed(lab.created):
        subprocess.run(["ip", "netns", "del", name], stderr=subprocess.DEVNULL)
    lab.created = []
    if lab.tmpdir:
        shutil.rmtree(lab.tmpdir, ignore_errors=True)
        lab.tmpdir = None


def add_common_options(parser):
    parser.add_argument("--timing", choices=("top", "capture"), default="top",
                        help="top: tcpreplay --topspeed (default); capture: original "
                             "inter-packet gaps")
    parser.add_argument("--sysctl", action="append", default=[], metavar="K=V",
                        help="extra sysctl in the conntrack namespace; a bare name means "
                             "net.netfilter.NAME (repeatable)")
    parser.add_argument("--drain", type=float, default=0.0, metavar="SECONDS",
                        help="after each replay, wait up to SECONDS for every entry to expire, "
                             "so that their DESTROY events are in the output (with short "
                             "timeouts set by --sysctl)")
    parser.add_argument("--cleanup-stale", action="store_true",
                        help="remove namespaces/temp dirs left by killed runs, then exit")
    parser.add_argument("--rcvbuf", type=int, default=BUF_BYTES, metavar="BYTES",
                        help="receive buffer of the event and NFLOG sockets (default 256 "
                             "MiB); a tiny value demonstrates the lost-events failure")
    parser.add_argument("-q", "--quiet", action="store_true", help="less chatter on stderr")


def stderr_log(msg):
    sys.stderr.write(msg + "\n")
    sys.stderr.flush()


def run_cli(prog, args, log, work, check_args=lambda: None):
    """The frame run_kernel.py and batch.py share; returns the exit status.

    --cleanup-stale (root only) removes what killed runs left behind and ends there. Else
    check_args() may return an exit status to stop with (bad arguments); then the signal
    handlers are installed and work(open_lab) runs, where open_lab() builds a Lab from
    args.sysctl / args.timing / args.rcvbuf (logging to `log`) and starts it. A LabError or
    an interruption is reported on stderr as "PROG: ..." and gives its exit status; every
    lab opened is closed."""
    if args.cleanup_stale:
        if os.geteuid() != 0:
            stderr_log("%s: must run as root" % prog)
            return EXIT_USAGE
        n = cleanup_stale(stderr_log)
        stderr_log("%s: %d stale item(s) removed" % (prog, n))
        return EXIT_OK
    code = check_args()
    if code is not None:
        return code

    install_signal_handlers()
    labs = []

    def open_lab():
        the_lab = Lab(parse_sysctl_args(args.sysctl), args.timing, log, args.rcvbuf, args.drain)
        labs.append(the_lab)
        the_lab.start()
        return the_lab

    try:
        return work(open_lab)
    except LabError as exc:
        stderr_log("%s: %s" % (prog, exc))
        return exc.code
    except Interrupted as exc:
        stderr_log("%s: interrupted (%s), cleaning up" % (prog, exc))
        return EXIT_SETUP
    finally:
        for the_lab in labs:
            the_lab.close()
