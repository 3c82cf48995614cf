#!/usr/bin/env bash
#
# record-sample.sh - record a small, self-made sample capture for the
# conntrack reimplementation's tests and demos.
#
# Usage:
#   sudo tools/record-sample.sh [--out FILE]
#
#   --out FILE   where to write the capture
#                (default: samples/sample.pcap relative to the repo root)
#   -h, --help   show this help
#
# What it does:
#   * creates two private network namespaces, nfct-rec-cli-<pid> and
#     nfct-rec-srv-<pid>, joined by a veth pair (veth-cli <-> veth-srv) with
#       client 192.0.2.1/24  2001:db8:1::1/64
#       server 192.0.2.2/24  2001:db8:1::2/64   (IPv6 with nodad)
#     and turns offloads off on both ends so that the capture holds real,
#     MTU-sized frames with correct checksums;
#   * runs tcpdump on the client veth (classic pcap, Ethernet, -s0);
#   * makes this traffic with real programs, every step bounded by timeouts:
#       a) HTTP/1.1: curl fetches 2 small files over one keep-alive
#          connection from python3 -m http.server (IPv4, port 8000)
#       b) the same over IPv6
#       c) ping: 3 ICMP echo requests over IPv4, 2 over IPv6
#       d) UDP: request/response with an echo server (3 datagrams, port 7007)
#          and one datagram to a listener that never answers (port 7009)
#       e) TCP connect to a closed port (81)       -> RST
#       f) UDP datagram to a closed port (7011)    -> ICMP port unreachable
#   * removes namespaces, background processes and temp dirs on exit.
#
# Nothing leaves the two namespaces the script creates itself; no other
# address is ever contacted.
#
# Needs root and: iproute2 (ip, ss), tcpdump, curl, iputils-ping, ethtool,
# python3, coreutils (timeout).
#
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
OUT="$REPO_ROOT/samples/sample.pcap"

usage() { sed -n '3,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; }

while [[ $# -gt 0 ]]; do
    case "$1" in
        --out)   [[ $# -ge 2 ]] || { echo "error: --out needs a file" >&2; exit 2; }
                 OUT="$2"; shift 2 ;;
        --out=*) OUT="${1#--out=}"; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "error: unknown argument: $1 (try --help)" >&2; exit 2 ;;
    esac
done

# ---------------------------------------------------------------- checks
if [[ $EUID -ne 0 ]]; then
    echo "error: must run as root (network namespaces, tcpdump): sudo $0" >&2
    exit 1
fi

missing_pkgs=()
for pair in ip:iproute2 ss:iproute2 tcpdump:tcpdump curl:curl ping:iputils-ping \
            ethtool:ethtool python3:python3 timeout:coreutils; do
    cmd=${pair%%:*} pkg=${pair#*:}
    if ! command -v "$cmd" >/dev/null 2>&1; then
        [[ " ${missing_pkgs[*]-} " == *" $pkg "* ]] || missing_pkgs+=("$pkg")
    fi
done
if [[ ${#missing_pkgs[@]} -gt 0 ]]; then
    echo "error: missing tools; install them with:" >&2
    echo "  apt-get install -y ${missing_pkgs[*]}" >&2
    exit 1
fi
PY=$(command -v python3)

# ---------------------------------------------------------------- setup
CLI="nfct-rec-cli-$$"
SRV="nfct-rec-srv-$$"
CLI4=192.0.2.1   SRV4=192.0.2.2
CLI6=2001:db8:1::1 SRV6=2001:db8:1::2
HTTP_PORT=8000 UDP_ECHO_PORT=7007 UDP_SILENT_PORT=7009
CLOSED_TCP_PORT=81 CLOSED_UDP_PORT=7011

WORK=$(mktemp -d /tmp/nfct-rec.XXXXXX)
BG_PIDS=()
TCPDUMP_PID=""

cleanup() {
    local rc=$?
    set +e
    for pid in ${TCPDUMP_PID:+"$TCPDUMP_PID"} ${BG_PIDS[@]+"${BG_PIDS[@]}"}; do
        kill -TERM "$pid" 2>/dev/null
    done
    for pid in ${TCPDUMP_PID:+"$TCPDUMP_PID"} ${BG_PIDS[@]+"${BG_PIDS[@]}"}; do
        wait "$pid" 2>/dev/null
    done
    # anything still left inside our own namespaces (started by us) goes too
    for ns in "$CLI" "$SRV"; do
        if ip netns list 2>/dev/null | grep -qw -- "$ns"; then
            for pid in $(ip netns pids "$ns" 2>/dev/null); do
                kill -KILL "$pid" 2>/dev/null
            done
            ip netns del "$ns" 2>/dev/null
        fi
    done
    rm -rf -- "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log() { printf '[record-sample] %s\n' "$*" >&2; }
# foreground helper only: background jobs call "ip netns exec" directly so
# that $! is the real process (ip execs timeout, which forwards SIGTERM)
incli() { ip netns exec "$CLI" "$@"; }

# wait_listen NS tcp|udp PORT [COUNT] : poll (sends no packets) until at
# least COUNT (default 1) sockets listen on PORT
wait_listen() {
    local ns=$1 proto=$2 port=$3 want=${4:-1} flag i
    [[ $proto == tcp ]] && flag=-Hltn || flag=-Hlun
    for ((i = 0; i < 100; i++)); do
        if [[ $(ip netns exec "$ns" ss $flag "sport = :$port" | wc -l) -ge $want ]]; then
            return 0
        fi
        sleep 0.1
    done
    echo "error: nothing listening on $proto/$port in $ns" >&2
    return 1
}

log "creating namespaces $CLI and $SRV"
ip netns add "$CLI"
ip netns add "$SRV"
for ns in "$CLI" "$SRV"; do
    ip -n "$ns" link set lo up
    # keep IPv6 autoconfiguration noise out of the capture
    ip netns exec "$ns" sysctl -q -w net.ipv6.conf.default.accept_ra=0 \
        net.ipv6.conf.default.router_solicitations=0 \
        net.ipv6.conf.default.dad_transmits=0 \
        net.ipv6.conf.default.mldv2_unsolicited_report_interval=10 >/dev/null
done
ip -n "$CLI" link add veth-cli address 02:00:00:00:00:01 type veth \
    peer name veth-srv address 02:00:00:00:00:02 netns "$SRV"
for spec in "$CLI veth-cli $CLI4 $CLI6" "$SRV veth-srv $SRV4 $SRV6"; do
    read -r ns dev a4 a6 <<<"$spec"
    ip netns exec "$ns" ethtool -K "$dev" tso off gso off gro off tx off rx off \
        >/dev/null 2>&1 || log "warning: could not change all offloads on $dev"
    ip -n "$ns" addr add "$a4/24" dev "$dev"
    ip -n "$ns" addr add "$a6/64" dev "$dev" nodad
    ip -n "$ns" link set "$dev" up
done

# server content: two small files
mkdir -p "$WORK/www"
printf 'hello from the conntrack sample server\n' >"$WORK/www/a.txt"
printf 'second file, fetched over the same keep-alive connection\n' >"$WORK/www/b.txt"

# ---------------------------------------------------------------- servers
log "starting servers"
if "$PY" -m http.server --help 2>/dev/null | grep -q -- '--protocol'; then
    http_server() {  # $1 = bind address
        ip netns exec "$SRV" timeout 120 "$PY" -m http.server --bind "$1" --directory "$WORK/www" \
            --protocol HTTP/1.1 "$HTTP_PORT" >>"$WORK/http.log" 2>&1 &
        BG_PIDS+=($!)
    }
else  # older python3 without --protocol: same server, HTTP/1.1 set by hand
    http_server() {
        ip netns exec "$SRV" timeout 120 "$PY" -c '
import functools, http.server, socket, sys
class S(http.server.ThreadingHTTPServer):
    address_family = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[2])
http.server.SimpleHTTPRequestHandler.protocol_version = "HTTP/1.1"
S((sys.argv[1], int(sys.argv[3])), h).serve_forever()
' "$1" "$WORK/www" "$HTTP_PORT" >>"$WORK/http.log" 2>&1 &
        BG_PIDS+=($!)
    }
fi
http_server "$SRV4"
http_server "$SRV6"

# UDP echo: answers exactly 3 datagrams, then exits
ip netns exec "$SRV" timeout 60 "$PY" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
s.settimeout(30)
for _ in range(3):
    data, peer = s.recvfrom(2048)
    s.sendto(data, peer)
' "$SRV4" "$UDP_ECHO_PORT" >>"$WORK/udp.log" 2>&1 &
BG_PIDS+=($!)

# UDP listener that never replies (no ICMP error either)
ip netns exec "$SRV" timeout 60 "$PY" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
s.settimeout(30)
try:
    s.recvfrom(2048)
except socket.timeout:
    pass
' "$SRV4" "$UDP_SILENT_PORT" >>"$WORK/udp.log" 2>&1 &
BG_PIDS+=($!)

wait_listen "$SRV" tcp "$HTTP_PORT" 2    # IPv4 and IPv6 instance
wait_listen "$SRV" udp "$UDP_ECHO_PORT"
wait_listen "$SRV" udp "$UDP_SILENT_PORT"
# let the MLD reports of the fresh links die down before capturing
sleep 2

# ---------------------------------------------------------------- capture
CAP="$WORK/capture.pcap"
log "starting tcpdump on veth-cli"
ip netns exec "$CLI" timeout 120 tcpdump -i veth-cli -s0 -w "$CAP" --immediate-mode -U -Z root \
    >"$WORK/tcpdump.log" 2>&1 &
TCPDUMP_PID=$!
for ((i = 0; i < 50; i++)); do
    grep -q 'listening on' "$WORK/tcpdump.log" 2>/dev/null && break
    sleep 0.1
done
grep -q 'listening on' "$WORK/tcpdump.log" || { cat "$WORK/tcpdump.log" >&2; echo "error: tcpdump did not start" >&2; exit 1; }
sleep 0.5

log "(a) HTTP/1.1 keep-alive over IPv4"
incli curl -sS --max-time 10 --local-port 40080 \
    -o /dev/null -o /dev/null \
    "http://$SRV4:$HTTP_PORT/a.txt" "http://$SRV4:$HTTP_PORT/b.txt"
sleep 0.3

log "(b) HTTP/1.1 keep-alive over IPv6"
incli curl -sS --max-time 10 --local-port 40086 -g \
    -o /dev/null -o /dev/null \
    "http://[$SRV6]:$HTTP_PORT/a.txt" "http://[$SRV6]:$HTTP_PORT/b.txt"
sleep 0.3

log "(c) ping IPv4 x3, IPv6 x2"
incli timeout 10 ping -n -q -c 3 -i 0.2 -W 2 "$SRV4" >/dev/null
incli timeout 10 ping -6 -n -q -c 2 -i 0.2 -W 2 "$SRV6" >/dev/null
sleep 0.3

log "(d) UDP echo x3 and one unanswered datagram"
incli timeout 10 "$PY" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 40007))
s.settimeout(3)
for i in range(3):
    msg = b"udp echo request %d" % i
    s.sendto(msg, (sys.argv[2], int(sys.argv[3])))
    data, _ = s.recvfrom(2048)
    assert data == msg, data
' "$CLI4" "$SRV4" "$UDP_ECHO_PORT"
incli timeout 10 "$PY" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 40009))
s.sendto(b"one-way datagram, nobody answers", (sys.argv[2], int(sys.argv[3])))
' "$CLI4" "$SRV4" "$UDP_SILENT_PORT"
sleep 0.3

log "(e) TCP connect to closed port $CLOSED_TCP_PORT (expect RST)"
rc=0
incli curl -sS --max-time 5 --local-port 40081 -o /dev/null \
    "http://$SRV4:$CLOSED_TCP_PORT/" 2>/dev/null || rc=$?
[[ $rc -eq 7 ]] || log "warning: curl to closed port returned $rc (expected 7)"
sleep 0.3

log "(f) UDP to closed port $CLOSED_UDP_PORT (expect ICMP port unreachable)"
incli timeout 10 "$PY" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 40011))
s.connect((sys.argv[2], int(sys.argv[3])))
s.settimeout(2)
s.send(b"datagram to a closed port")
try:
    s.recv(2048)
except ConnectionRefusedError:
    pass
else:
    raise SystemExit("expected ICMP port unreachable")
' "$CLI4" "$SRV4" "$CLOSED_UDP_PORT"

# settle, then stop tcpdump cleanly
sleep 1
kill -TERM "$TCPDUMP_PID"
wait "$TCPDUMP_PID" || true
TCPDUMP_PID=""
cat "$WORK/tcpdump.log" >&2

[[ -s $CAP ]] || { echo "error: empty capture" >&2; exit 1; }
mkdir -p "$(dirname "$OUT")"
install -m 0644 "$CAP" "$OUT"
log "wrote $OUT ($(stat -c %s "$OUT") bytes, $(tcpdump -nr "$OUT" 2>/dev/null | wc -l) packets)"
