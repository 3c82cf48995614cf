"""Normalised text forms shared by the lab and by the project's Java replay.

Event / table line:
    EVENT L3 L4 STATE TIMEOUT | ORIG TUPLE | REPLY TUPLE | FLAGS | COUNTERS [| mark=M zone=Z]
* EVENT: NEW, UPDATE, DESTROY for events, ENTRY for the table.
* L4 names: what `conntrack` prints, and `unknown` for the rest; event lines also name
  igmp, esp and ah (table lines do not).
* STATE: TCP/SCTP/DCCP state when the message carried protocol info, else `-`.
* TIMEOUT: seconds as reported, moved up by one second when it sits one below a configured
  timeout sysctl (the kernel rounds the remaining jiffies down); `-` when absent.
* FLAGS: UNREPLIED (no SEEN_REPLY) and one of HW_OFFLOAD / OFFLOAD / ASSURED, comma
  separated, or `-`.
* COUNTERS: `packets=O:R bytes=O:R` on DESTROY and table lines, `-` otherwise.
* A last `| ...` field only when the mark or zone is not zero.
"""

import socket

IPS_SEEN_REPLY = 1 << 1
IPS_ASSURED = 1 << 2
IPS_OFFLOAD = 1 << 14
IPS_HW_OFFLOAD = 1 << 15

_TOOL_L4 = {6: "tcp", 17: "udp", 136: "udplite", 1: "icmp", 58: "icmpv6", 132: "sctp",
            47: "gre", 33: "dccp"}
_EVENT_EXTRA_L4 = {2: "igmp", 50: "esp", 51: "ah"}

_TCP_STATES = ["NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT",
               "LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2"]
_SCTP_STATES = ["NONE", "CLOSED", "COOKIE_WAIT", "COOKIE_ECHOED", "ESTABLISHED",
                "SHUTDOWN_SENT", "SHUTDOWN_RECD", "SHUTDOWN_ACK_SENT", "HEARTBEAT_SENT",
                "HEARTBEAT_ACKED"]
_DCCP_STATES = ["NONE", "REQUEST", "RESPOND", "PARTOPEN", "OPEN", "CLOSEREQ", "CLOSING",
                "TIMEWAIT", "IGNORE", "INVALID"]
_STATE_TABLES = {1: _TCP_STATES, 2: _DCCP_STATES, 3: _SCTP_STATES}


def ipv6_text(raw):
    """inet_ntop-style IPv6 text: longest zero run (>= 2 words, first on ties) as '::',
    and the last 32 bits dotted for IPv4-compatible / IPv4-mapped addresses."""
    words = [int.from_bytes(raw[i:i + 2], "big") for i in range(0, 16, 2)]
    best, best_len, i = -1, 0, 0
    while i < 8:
        if words[i]:
            i += 1
            continue
        j = i
        while j < 8 and not words[j]:
            j += 1
        if j - i > best_len:
            best, best_len = i, j - i
        i = j
    if best_len < 2:
        best = -1
    if best == 0 and (best_len == 6 or (best_len == 5 and words[5] == 0xFFFF)):
        head = "::" if best_len == 6 else "::ffff:"
        return head + socket.inet_ntop(socket.AF_INET, raw[12:])
    parts = []
    i = 0
    while i < 8:
        if i == best:
            parts.append("")
            if i == 0:
                parts.append("")
            i += best_len
            if i == 8:
                parts.append("")
            continue
        parts.append("%x" % words[i])
        i += 1
    return ":".join(parts)


def addr_text(raw):
    if len(raw) == 4:
        return socket.inet_ntop(socket.AF_INET, raw)
    return ipv6_text(raw)


def tuple_text(t, table=False):
    out = "src=%s dst=%s" % (addr_text(t.get("src", b"\0" * 4)),
                             addr_text(t.get("dst", b"\0" * 4)))
    proto = t.get("proto")
    if proto == 33 and not table and "sport" not in t:
        # DCCP tracked generically (6.18 has no DCCP tracker): its events carry no ports,
        # while `conntrack -L` prints the entry with sport=0 dport=0.
        pass
    elif proto in (6, 17, 136, 132, 33):
        out += " sport=%d dport=%d" % (t.get("sport", 0), t.get("dport", 0))
    elif proto in (1, 58):
        out += " type=%d code=%d id=%d" % (t.get("type", 0), t.get("code", 0), t.get("id", 0))
    elif proto == 47:
        out += " srckey=0x%x dstkey=0x%x" % (t.get("sport", 0), t.get("dport", 0))
    return out


def snap_timeout(value, configured):
    if value in configured or (value + 1) not in configured:
        return value
    return value + 1


def ct_line(ev, configured, table=False):
    """One normalised line for a decoded ctnetlink message (event or dump entry)."""
    proto = ev["orig"].get("proto", 0)
    l4 = _TOOL_L4.get(proto)
    if l4 is None:
        l4 = "unknown" if table else _EVENT_EXTRA_L4.get(proto, "unknown")
    state = "-"
    if ev["state"] is not None:
        which, num = ev["state"]
        names = _STATE_TABLES.get(which, [])
        state = names[num] if num < len(names) else "UNKNOWN"
    timeout = ev["timeout"]
    timeout = "-" if timeout is None else str(snap_timeout(timeout, configured))
    fam = "ipv6" if ev["family"] == socket.AF_INET6 else "ipv4"
    flags = []
    status = ev["status"]
    if not status & IPS_SEEN_REPLY:
        flags.append("UNREPLIED")
    if status & IPS_HW_OFFLOAD:
        flags.append("HW_OFFLOAD")
    elif status & IPS_OFFLOAD:
        flags.append("OFFLOAD")
    elif status & IPS_ASSURED:
        flags.append("ASSURED")
    counters = "-"
    if (table or ev["kind"] == "DESTROY") and ev["counters"] is not None:
        op, ob, rp, rb = ev["counters"]
        counters = "packets=%d:%d bytes=%d:%d" % (op, rp, ob, rb)
    line = "%s %s %s %s %s | %s | %s | %s | %s" % (
        "ENTRY" if table else ev["kind"], fam, l4, state, timeout,
        tuple_text(ev["orig"], table), tuple_text(ev["reply"], table), ",".join(flags) or "-", counters)
    extra = []
    if ev["mark"]:
        extra.append("mark=%d" % ev["mark"])
    zone = ev["zone"] or ev["orig"].get("zone", 0)
    if zone:
        extra.append("zone=%d" % zone)
    if extra:
        line += " | " + " ".join(extra)
    return line


# --------------------------------------------------------------------------- comparison

def read_lines(path):
    with open(path) as fh:
        return [ln.rstrip("\n") for ln in fh if ln.strip() and not ln.startswith("#")]


def reference_trace(path):
    """First three fields of each line of a reference trace."""
    return [" ".join(ln.split()[:3]) for ln in read_lines(path)]


def first_difference(ours, theirs):
    for i, (a, b) in enumerate(zip(ours, theirs)):
        if a != b:
            return "line %d: ours %r, reference %r" % (i + 1, a, b)
    if len(ours) != len(theirs):
        return "ours has %d lines, reference %d" % (len(ours), len(theirs))
    return None
