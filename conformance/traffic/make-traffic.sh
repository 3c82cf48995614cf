#!/usr/bin/env bash
#
# make-traffic.sh - record one capture per traffic kind, made with real
# programs in private network namespaces, for the kernel conformance suite.
#
# Usage:
#   sudo conformance/traffic/make-traffic.sh [--out DIR] [--seed N]
#                                             [--size small|medium] [--kinds LIST]
#
#   --out DIR      where KIND.pcap and manifest.json go (default ./traffic-out)
#   --seed N       non-negative integer (default 1); chooses the client ports,
#                  server ports, payload sizes, the order of files, queries
#                  and kinds, and the loss/jitter pattern of loss-reorder
#   --size S       small (default): the whole set in well under a minute,
#                  tens to a few hundred packets per capture (loss-reorder:
#                  a 300-600 KB transfer); medium: more and larger exchanges
#   --kinds LIST   comma-separated subset of the kinds below (default: all)
#   --list         print the kinds with their descriptions and exit
#   -h, --help     show this help
#
# Kinds (each is its own capture, DIR/KIND.pcap):
#   http-v4, http-v6   curl fetches a few files over one HTTP/1.1 keep-alive
#                      connection from python3 -m http.server, then closes
#   dns                dig sends A and AAAA queries from one fixed source
#                      port to dnsmasq (IPv4 transport, then IPv6 transport)
#   ping-v4, ping-v6   ping / ping -6
#   udp-reqresp        UDP request/response (every datagram echoed)
#   udp-oneway         UDP datagrams to a socket that never answers
#   tcp-refused        TCP connect to a closed port -> RST (IPv4 and IPv6)
#   tcp-filtered       TCP connect to a port an nft rule in the server
#                      namespace silently drops -> SYN retransmissions
#                      (IPv4 and IPv6 in parallel, client bounded by timeout)
#   udp-closed         UDP to a closed port -> ICMP / ICMPv6 port unreachable
#   half-close         client shutdown(SHUT_WR) first, server keeps sending,
#                      then closes
#   rst-abort          established connection aborted with SO_LINGER {1,0}
#                      while the server is still sending (RST mid-connection)
#   time-wait-reuse    reconnects from the same client port (SO_REUSEADDR)
#                      right after close: the SYN meets the TIME_WAIT entry
#   loss-reorder       bulk TCP download through a middle namespace whose
#                      userspace AF_PACKET relay (lossrelay.py) drops ~3% of
#                      the IP frames and delays each by 1 ms + 0-3 ms jitter
#                      (reordering); captured on the server side
#   ipv6-mixed         IPv6 TCP exchange + UDP echo + UDP to a closed port
#                      (ICMPv6 port unreachable) in one capture
#
# Topology: namespaces nfct-trf-<pid>-cli and nfct-trf-<pid>-srv joined by a
# veth pair (veth-cli 02:00:00:00:00:01 <-> veth-srv 02:00:00:00:00:02),
#     client 192.0.2.1/24  2001:db8:1::1/64
#     server 192.0.2.2/24  2001:db8:1::2/64   (IPv6 nodad)
# and, for loss-reorder, nfct-trf-<pid>-lc / -lm / -ls (client, relay,
# server) with the same addresses.  Offloads are off on every veth end, so
# frames are MTU-sized and carry correct checksums.  IPv6 router
# solicitations, RAs and DAD are off and MLD reports are over before the
# first capture.  tcpdump (-s0 --immediate-mode -U) runs on the client veth
# (server veth for loss-reorder), is started before and stopped after the
# traffic with a short settle, and is waited for.  Neighbour caches are
# flushed before each kind, so every capture starts with ARP / NDP.
#
# Nothing leaves the namespaces this script creates.  Every sender is
# bounded in count and time; namespaces, processes and the temp dir are
# removed on exit (also on failure, SIGINT and SIGTERM).
#
# Output: DIR/KIND.pcap (classic pcap, Ethernet) and DIR/manifest.json with,
# per kind: kind, file, description, packets, bytes, seed, size.
#
# Needs root and the commands of NEEDED_PKGS below (only those the chosen
# kinds use); a missing one is reported with the apt-get line to install it.
#
set -euo pipefail

# command:package pairs (Debian 12) - .ci/run may install these
NEEDED_PKGS="ip:iproute2 ss:iproute2 sysctl:procps timeout:coreutils python3:python3 tcpdump:tcpdump ethtool:ethtool nft:nftables curl:curl ping:iputils-ping dig:bind9-dnsutils dnsmasq:dnsmasq-base"

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ME=make-traffic

ALL_KINDS=(http-v4 http-v6 dns ping-v4 ping-v6 udp-reqresp udp-oneway tcp-refused
           tcp-filtered udp-closed half-close rst-abort time-wait-reuse loss-reorder ipv6-mixed)
declare -A DESC=(
    [http-v4]="HTTP/1.1 over IPv4: curl fetches several files over one keep-alive connection from python3 http.server, then closes"
    [http-v6]="HTTP/1.1 over IPv6: curl fetches several files over one keep-alive connection from python3 http.server, then closes"
    [dns]="DNS: dig sends A and AAAA queries from one fixed source port to dnsmasq, over IPv4 and then over IPv6"
    [ping-v4]="ICMP echo request/reply (ping)"
    [ping-v6]="ICMPv6 echo request/reply (ping -6)"
    [udp-reqresp]="UDP request/response: every datagram from one client socket is echoed back"
    [udp-oneway]="one-way UDP: datagrams to a listening socket that never answers"
    [tcp-refused]="TCP connect to a closed port: SYN answered by RST/ACK (IPv4 and IPv6)"
    [tcp-filtered]="TCP connect to a port dropped by nft in the server namespace: unanswered SYN and its retransmissions (IPv4 and IPv6)"
    [udp-closed]="UDP to a closed port answered by ICMP / ICMPv6 port unreachable (IPv4 and IPv6)"
    [half-close]="TCP half-close: client shutdown(SHUT_WR) first, server keeps sending, then closes"
    [rst-abort]="TCP connection aborted by the client with SO_LINGER {1,0} while the server is sending (RST mid-connection)"
    [time-wait-reuse]="TCP reconnects from the same client port (SO_REUSEADDR) right after the server-closed connection: SYN meets TIME_WAIT"
    [loss-reorder]="bulk TCP download through a userspace AF_PACKET relay with seeded ~3% loss and 1 ms + 0-3 ms jitter (reordering); captured at the server"
    [ipv6-mixed]="IPv6 mix: TCP request/response, UDP echo, UDP to a closed port (ICMPv6 port unreachable)"
)

usage() { sed -n '3,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; }
die() { echo "$ME: error: $*" >&2; exit 2; }
log() { printf '[%s] %s\n' "$ME" "$*" >&2; }

OUT="$PWD/traffic-out" SEED=1 SIZE=small KINDS_ARG=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --out)     [[ $# -ge 2 ]] || die "--out needs a directory"; OUT=$2; shift 2 ;;
        --out=*)   OUT=${1#*=}; shift ;;
        --seed)    [[ $# -ge 2 ]] || die "--seed needs a number"; SEED=$2; shift 2 ;;
        --seed=*)  SEED=${1#*=}; shift ;;
        --size)    [[ $# -ge 2 ]] || die "--size needs small or medium"; SIZE=$2; shift 2 ;;
        --size=*)  SIZE=${1#*=}; shift ;;
        --kinds)   [[ $# -ge 2 ]] || die "--kinds needs a list"; KINDS_ARG=$2; shift 2 ;;
        --kinds=*) KINDS_ARG=${1#*=}; shift ;;
        --list)    for k in "${ALL_KINDS[@]}"; do printf '%-16s %s\n' "$k" "${DESC[$k]}"; done; exit 0 ;;
        -h|--help) usage; exit 0 ;;
        *) die "unknown argument: $1 (try --help)" ;;
    esac
done
[[ $SEED =~ ^[0-9]{1,9}$ ]] || die "--seed must be a non-negative integer below 10^9"
[[ $SIZE == small || $SIZE == medium ]] || die "--size must be small or medium"
SEED=$((10#$SEED))
KINDS=()
if [[ -z $KINDS_ARG ]]; then
    KINDS=("${ALL_KINDS[@]}")
else
    IFS=',' read -r -a req <<<"$KINDS_ARG"
    for k in "${req[@]}"; do
        [[ -z $k ]] && continue
        [[ -n ${DESC[$k]+x} ]] || die "unknown kind '$k' (kinds: ${ALL_KINDS[*]})"
        [[ " ${KINDS[*]-} " == *" $k "* ]] || KINDS+=("$k")
    done
    [[ ${#KINDS[@]} -gt 0 ]] || die "--kinds selects nothing"
fi

# ---------------------------------------------------------------- checks
[[ $EUID -eq 0 ]] || { echo "$ME: error: must run as root (network namespaces, tcpdump): sudo $0" >&2; exit 1; }

kind_cmds() {  # commands a kind needs beyond the common ones
    case "$1" in
        http-v4|http-v6) echo curl ;;
        dns) echo "dig dnsmasq" ;;
        ping-v4|ping-v6) echo ping ;;
        tcp-filtered) echo nft ;;
    esac
}
need_cmds=(ip ss sysctl timeout python3 tcpdump ethtool)
for k in "${KINDS[@]}"; do
    for c in $(kind_cmds "$k"); do need_cmds+=("$c"); done
done
missing_pkgs=()
for pair in $NEEDED_PKGS; do
    cmd=${pair%%:*} pkg=${pair#*:}
    [[ " ${need_cmds[*]} " == *" $cmd "* ]] || continue
    if ! command -v "$cmd" >/dev/null 2>&1; then
        [[ " ${missing_pkgs[*]-} " == *" $pkg "* ]] || missing_pkgs+=("$pkg")
    fi
done
if [[ ${#missing_pkgs[@]} -gt 0 ]]; then
    echo "$ME: error: missing tools; install them with:" >&2
    echo "  apt-get update && apt-get install -y --no-install-recommends ${missing_pkgs[*]}" >&2
    exit 1
fi
PY=$(command -v python3)
PEER="$SCRIPT_DIR/peer.py"
RELAY="$SCRIPT_DIR/lossrelay.py"
[[ -r $PEER && -r $RELAY ]] || die "peer.py / lossrelay.py missing next to $0"

# ---------------------------------------------------------------- seeded parameters
# One deterministic generator (python's random.Random(seed)) picks every
# number the traffic depends on; printed as shell assignments.
params=$("$PY" - "$SEED" "$SIZE" "${ALL_KINDS[@]}" <<'EOF'
import random, sys
seed, size, kinds = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
r = random.Random(seed)
med = size == 'medium'
out = {}
base = 41000 + r.randrange(0, 800) * 20          # client ports: BASE .. BASE+19*16
out['PORT_BASE'] = base
srv = r.sample(range(8001, 8999), 8)             # distinct server ports
out.update(P_HTTP=srv[0], P_TCP=srv[1], P_FILTERED=srv[2], P_REFUSED=srv[3],
           P_UDP=7100 + r.randrange(0, 800), P_UDPSINK=6100 + r.randrange(0, 800),
           P_UDPCLOSED=5100 + r.randrange(0, 800))
def sizes(n, lo, hi): return ','.join(str(r.randrange(lo, hi)) for _ in range(n))
out['HTTP_SIZES'] = sizes(8 if med else 3, 2000 if med else 200, 120000 if med else 6000)
out['UDP_SIZES'] = sizes(20 if med else 4, 16, 1400)
out['UDP1_SIZES'] = sizes(20 if med else 4, 16, 1400)
out['UDPC_SIZES'] = sizes(4 if med else 2, 16, 600)
out['PING_COUNT'] = 10 if med else 3
out['PING_SIZE'] = r.randrange(16, 1400)
out['HC_CHUNKS'] = 10 if med else 3
out['HC_SIZE'] = r.randrange(4000, 20000) if med else r.randrange(200, 2000)
out['ABORT_READ'] = r.randrange(2000, 20000)
out['TW_COUNT'] = 4 if med else 2
out['TW_SIZE'] = r.randrange(100, 3000)
out['TCP_SIZE'] = r.randrange(100, 5000)
out['BULK_SIZE'] = r.randrange(1000000, 2000000) if med else r.randrange(300000, 600000)
out['FILTER_WAIT'] = 7.5 if med else 3.5          # SYN + 3 / + 2 retransmissions
out['RELAY_SEED'] = r.randrange(1, 2**31)
out['DNS_ORDER'] = ' '.join(r.sample(['A', 'AAAA'], 2))
order = kinds[:]
r.shuffle(order)
out['KIND_ORDER'] = ' '.join(order)
for k, v in out.items():
    print('%s=%s' % (k, "'%s'" % v if isinstance(v, str) else v))
EOF
) || die "$PY could not compute the seeded parameters"
eval "$params"
# client source port of kind #i (ALL_KINDS order), +j for its j-th flow
sport() { local k=$1 j=${2:-0} i; for i in "${!ALL_KINDS[@]}"; do
    [[ ${ALL_KINDS[$i]} == "$k" ]] && { echo $((PORT_BASE + i * 16 + j)); return; }; done; }

# ---------------------------------------------------------------- state + cleanup
TAG="nfct-trf-$$"
CLI="$TAG-cli" SRV="$TAG-srv" LC="$TAG-lc" LM="$TAG-lm" LS="$TAG-ls"
CLI4=192.0.2.1 SRV4=192.0.2.2
CLI6=2001:db8:1::1 SRV6=2001:db8:1::2
NAMESPACES=()
BG_PIDS=()
TCPDUMP_PID=""
WORK=$(mktemp -d /tmp/nfct-trf.XXXXXX)
T_START=$EPOCHREALTIME
elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }'; }

cleanup() {
    local rc=$? pid ns
    set +e
    trap - EXIT INT TERM
    for pid in ${TCPDUMP_PID:+"$TCPDUMP_PID"} ${BG_PIDS[@]+"${BG_PIDS[@]}"}; do
        kill -TERM "$pid" 2>/dev/null
    done
    for pid in ${TCPDUMP_PID:+"$TCPDUMP_PID"} ${BG_PIDS[@]+"${BG_PIDS[@]}"}; do
        wait "$pid" 2>/dev/null
    done
    # whatever is still running inside our own namespaces was started by us
    for ns in ${NAMESPACES[@]+"${NAMESPACES[@]}"}; do
        if ip netns list 2>/dev/null | grep -qw -- "$ns"; then
            for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
            ip netns del "$ns" 2>/dev/null
        fi
    done
    rm -rf -- "$WORK"
    [[ $rc -eq 0 ]] || echo "$ME: failed (exit $rc); namespaces and temp files removed" >&2
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# bgrun NS SECONDS CMD... : start CMD in NS in the background, bounded by timeout
bgrun() { local ns=$1 t=$2; shift 2
    ip netns exec "$ns" timeout -k 2 "$t" "$@" >>"$WORK/bg.log" 2>&1 &
    BG_PIDS+=($!); LAST_BG=$!; }
# stop_bg : end every background job of the current kind and wait for it
stop_bg() { local pid
    for pid in ${BG_PIDS[@]+"${BG_PIDS[@]}"}; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in ${BG_PIDS[@]+"${BG_PIDS[@]}"}; do wait "$pid" 2>/dev/null || true; done
    BG_PIDS=(); }
# run NS SECONDS CMD... : run CMD in NS in the foreground, bounded by timeout
run() { local ns=$1 t=$2; shift 2; ip netns exec "$ns" timeout -k 2 "$t" "$@"; }
peer() { local ns=$1 t=$2; shift 2; run "$ns" "$t" "$PY" "$PEER" "$@" --deadline "$((${t%.*} - 1))"; }
bgpeer() { local ns=$1 t=$2; shift 2; bgrun "$ns" "$t" "$PY" "$PEER" "$@" --deadline "$((${t%.*} - 1))"; }

# wait_listen NS tcp|udp PORT [COUNT]: poll sockets (sends nothing)
wait_listen() {
    local ns=$1 proto=$2 port=$3 want=${4:-1} flag i
    [[ $proto == tcp ]] && flag=-Hltn || flag=-Hlun
    for ((i = 0; i < 100; i++)); do
        [[ $(ip netns exec "$ns" ss $flag "sport = :$port" | wc -l) -ge $want ]] && return 0
        sleep 0.05
    done
    echo "$ME: error: nothing listening on $proto/$port in $ns" >&2; tail -20 "$WORK/bg.log" >&2
    return 1
}

new_ns() { local ns=$1
    ip netns add "$ns"; NAMESPACES+=("$ns")
    ip -n "$ns" link set lo up
    # keep IPv6 autoconfiguration noise out of the captures
    ip netns exec "$ns" sysctl -q -w net.ipv6.conf.default.accept_ra=0 \
        net.ipv6.conf.default.router_solicitations=0 \
        net.ipv6.conf.default.dad_transmits=0 \
        net.ipv6.conf.default.mldv2_unsolicited_report_interval=10 \
        net.ipv6.conf.default.mldv1_unsolicited_report_interval=10 >/dev/null
}
offloads_off() { ip netns exec "$1" ethtool -K "$2" tso off gso off gro off tx off rx off \
    >/dev/null 2>&1 || log "warning: could not turn all offloads off on $2 in $1"; }
addr_up() { local ns=$1 dev=$2 a4=$3 a6=$4
    offloads_off "$ns" "$dev"
    ip -n "$ns" addr add "$a4/24" dev "$dev"
    ip -n "$ns" addr add "$a6/64" dev "$dev" nodad
    ip -n "$ns" link set "$dev" up; }

setup_pair() {
    log "namespaces $CLI <-> $SRV"
    new_ns "$CLI"; new_ns "$SRV"
    ip -n "$CLI" link add veth-cli address 02:00:00:00:00:01 type veth \
        peer name veth-srv address 02:00:00:00:00:02 netns "$SRV"
    addr_up "$CLI" veth-cli "$CLI4" "$CLI6"
    addr_up "$SRV" veth-srv "$SRV4" "$SRV6"
}
setup_lossy() {
    log "namespaces $LC <-> $LM (relay) <-> $LS"
    new_ns "$LC"; new_ns "$LM"; new_ns "$LS"
    # the relay namespace has no addresses and no IPv6: it only moves frames
    ip netns exec "$LM" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 \
        net.ipv6.conf.default.disable_ipv6=1 >/dev/null
    ip -n "$LC" link add veth-cli address 02:00:00:00:00:01 type veth \
        peer name mid-cli address 02:00:00:00:00:11 netns "$LM"
    ip -n "$LS" link add veth-srv address 02:00:00:00:00:02 type veth \
        peer name mid-srv address 02:00:00:00:00:12 netns "$LM"
    for dev in mid-cli mid-srv; do
        offloads_off "$LM" "$dev"
        ip -n "$LM" link set "$dev" promisc on up
    done
    addr_up "$LC" veth-cli "$CLI4" "$CLI6"
    addr_up "$LS" veth-srv "$SRV4" "$SRV6"
}

# wait_links NS:DEV... : wait (bounded, sends nothing) until every link is up
# and its IPv6 link-local address is no longer tentative, then a little more
# so that the MLD reports sent at that moment are over before any capture
wait_links() {
    local spec ns dev i ok
    for ((i = 0; i < 100; i++)); do
        ok=1
        for spec in "$@"; do
            ns=${spec%%:*} dev=${spec#*:}
            ip -n "$ns" -6 -o addr show dev "$dev" scope link | grep -q . || { ok=0; break; }
            ! ip -n "$ns" -6 -o addr show dev "$dev" | grep -q tentative || { ok=0; break; }
        done
        [[ $ok == 1 ]] && break
        sleep 0.05
    done
    [[ $ok == 1 ]] || log "warning: links not ready after 5 s: $*"
    sleep 0.3
}

# cap_start NS DEV KIND / cap_stop : tcpdump around one kind's traffic
cap_start() { local ns=$1 dev=$2 kind=$3 i
    CAP_FILE="$WORK/$kind.pcap"; CAP_LOG="$WORK/$kind.tcpdump.log"
    ip netns exec "$ns" timeout -k 2 120 tcpdump -i "$dev" -s0 -w "$CAP_FILE" \
        --immediate-mode -U -Z root -n >"$CAP_LOG" 2>&1 &
    TCPDUMP_PID=$!
    for ((i = 0; i < 100; i++)); do
        grep -q 'listening on' "$CAP_LOG" 2>/dev/null && break
        sleep 0.05
    done
    grep -q 'listening on' "$CAP_LOG" || { cat "$CAP_LOG" >&2; echo "$ME: error: tcpdump did not start" >&2; exit 1; }
    sleep 0.2
}
cap_stop() {
    sleep "${1:-0.4}"          # settle: last ACKs, ICMP errors, retransmissions
    kill -TERM "$TCPDUMP_PID"
    wait "$TCPDUMP_PID" || true
    TCPDUMP_PID=""
    [[ -s $CAP_FILE ]] || { cat "$CAP_LOG" >&2; echo "$ME: error: empty capture $CAP_FILE" >&2; exit 1; }
}
flush_neigh() { local ns; for ns in "$@"; do ip -n "$ns" neigh flush all 2>/dev/null || true; done; }

# ---------------------------------------------------------------- kinds
# Each kind: servers up (before the capture), capture on, client traffic,
# settle, capture off, servers down.

kind_http() {  # $1 = 4|6
    local fam=$1 kind=http-v$1 host bind i urls=() outs=() sz=()
    mkdir -p "$WORK/www"
    IFS=',' read -r -a sz <<<"$HTTP_SIZES"
    for i in "${!sz[@]}"; do
        "$PY" -c 'import sys; n=int(sys.argv[1]); u=b"conntrack conformance http body %d\n" % n; sys.stdout.buffer.write((u*(n//len(u)+1))[:n])' \
            "${sz[$i]}" >"$WORK/www/f$i.txt"
    done
    if [[ $fam == 4 ]]; then host=$SRV4 bind=$SRV4; else host="[$SRV6]" bind=$SRV6; fi
    # the file sizes come from the seed; curl fetches them in one keep-alive connection
    for i in "${!sz[@]}"; do urls+=("http://$host:$P_HTTP/f$i.txt"); outs+=(-o /dev/null); done
    if "$PY" -m http.server --help 2>/dev/null | grep -q -- '--protocol'; then
        bgrun "$SRV" 60 "$PY" -m http.server --bind "$bind" --directory "$WORK/www" \
            --protocol HTTP/1.1 "$P_HTTP"
    else  # python3 < 3.11: the same server with HTTP/1.1 set by hand
        bgrun "$SRV" 60 "$PY" -c '
import functools, http.server, socket, sys
class S(http.server.ThreadingHTTPServer):
    address_family = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
http.server.SimpleHTTPRequestHandler.protocol_version = "HTTP/1.1"
h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[2])
S((sys.argv[1], int(sys.argv[3])), h).serve_forever()
' "$bind" "$WORK/www" "$P_HTTP"
    fi
    wait_listen "$SRV" tcp "$P_HTTP"
    cap_start "$CLI" veth-cli "$kind"
    run "$CLI" 20 curl -sS -g --max-time 15 --local-port "$(sport "$kind")" \
        "${outs[@]}" "${urls[@]}"
    cap_stop
    stop_bg
}
kind_http-v4() { kind_http 4; }
kind_http-v6() { kind_http 6; }

kind_dns() {
    local p4 p6 qs=() q
    p4=$(sport dns 0) p6=$(sport dns 1)
    for q in $DNS_ORDER; do qs+=(www.example.test "$q"); done
    [[ $SIZE == medium ]] && qs+=(missing.example.test A mail.example.test AAAA)
    bgrun "$SRV" 60 dnsmasq -k -C /dev/null --no-resolv --no-hosts --no-poll --bind-interfaces \
        --listen-address="$SRV4" --listen-address="$SRV6" --port=53 --pid-file= \
        --local=/example.test/ --host-record=www.example.test,192.0.2.80,2001:db8:1::80 \
        --host-record=mail.example.test,192.0.2.25,2001:db8:1::25 --log-facility=-
    wait_listen "$SRV" udp 53 2
    cap_start "$CLI" veth-cli dns
    # one fixed source port per transport: all queries share one UDP flow
    run "$CLI" 15 dig -b "$CLI4#$p4" "@$SRV4" +tries=1 +time=2 "${qs[@]}" >"$WORK/dig4.out"
    run "$CLI" 15 dig -b "$CLI6#$p6" "@$SRV6" +tries=1 +time=2 "${qs[@]}" >"$WORK/dig6.out"
    cap_stop
    stop_bg
    grep -q '2001:db8:1::80' "$WORK/dig4.out" || log "warning: dig over IPv4 got no AAAA answer"
    grep -q '192.0.2.80' "$WORK/dig6.out" || log "warning: dig over IPv6 got no A answer"
}

kind_ping-v4() {
    cap_start "$CLI" veth-cli ping-v4
    run "$CLI" 15 ping -n -q -c "$PING_COUNT" -i 0.2 -W 2 -s "$PING_SIZE" "$SRV4" >/dev/null
    cap_stop
}
kind_ping-v6() {
    cap_start "$CLI" veth-cli ping-v6
    run "$CLI" 15 ping -6 -n -q -c "$PING_COUNT" -i 0.2 -W 2 -s "$PING_SIZE" "$SRV6" >/dev/null
    cap_stop
}

kind_udp-reqresp() {
    local n; n=$(tr ',' '\n' <<<"$UDP_SIZES" | wc -l)
    bgpeer "$SRV" 30 udp-echo --bind "$SRV4" --port "$P_UDP" --count "$n"
    wait_listen "$SRV" udp "$P_UDP"
    cap_start "$CLI" veth-cli udp-reqresp
    peer "$CLI" 20 udp-send --bind "$CLI4" --sport "$(sport udp-reqresp)" --dst "$SRV4" \
        --dport "$P_UDP" --sizes "$UDP_SIZES" --reply --gap 0.02 --timeout 3
    cap_stop
    stop_bg
}

kind_udp-oneway() {
    local n; n=$(tr ',' '\n' <<<"$UDP1_SIZES" | wc -l)
    bgpeer "$SRV" 30 udp-sink --bind "$SRV4" --port "$P_UDPSINK" --count "$n" --timeout 10
    wait_listen "$SRV" udp "$P_UDPSINK"
    cap_start "$CLI" veth-cli udp-oneway
    peer "$CLI" 20 udp-send --bind "$CLI4" --sport "$(sport udp-oneway)" --dst "$SRV4" \
        --dport "$P_UDPSINK" --sizes "$UDP1_SIZES" --gap 0.02
    cap_stop
    stop_bg
}

kind_tcp-refused() {
    cap_start "$CLI" veth-cli tcp-refused
    peer "$CLI" 10 tcp-client --mode connect --expect refused --bind "$CLI4" \
        --sport "$(sport tcp-refused 0)" --dst "$SRV4" --dport "$P_REFUSED" --timeout 3
    peer "$CLI" 10 tcp-client --mode connect --expect refused --bind "$CLI6" \
        --sport "$(sport tcp-refused 1)" --dst "$SRV6" --dport "$P_REFUSED" --timeout 3
    cap_stop
}

kind_tcp-filtered() {
    local p1 p2
    ip netns exec "$SRV" nft -f - <<EOF
table inet nfct_trf_filter {
    chain input {
        type filter hook input priority 0; policy accept;
        tcp dport $P_FILTERED drop
    }
}
EOF
    cap_start "$CLI" veth-cli tcp-filtered
    # IPv4 and IPv6 in parallel; the client gives up after FILTER_WAIT seconds
    ip netns exec "$CLI" timeout -k 2 15 "$PY" "$PEER" tcp-client --mode connect --expect timeout \
        --bind "$CLI4" --sport "$(sport tcp-filtered 0)" --dst "$SRV4" --dport "$P_FILTERED" \
        --timeout "$FILTER_WAIT" --deadline 14 &
    p1=$!
    ip netns exec "$CLI" timeout -k 2 15 "$PY" "$PEER" tcp-client --mode connect --expect timeout \
        --bind "$CLI6" --sport "$(sport tcp-filtered 1)" --dst "$SRV6" --dport "$P_FILTERED" \
        --timeout "$FILTER_WAIT" --deadline 14 &
    p2=$!
    BG_PIDS+=("$p1" "$p2")
    wait "$p1"; wait "$p2"
    BG_PIDS=()
    cap_stop 0.3
    ip netns exec "$SRV" nft delete table inet nfct_trf_filter
}

kind_udp-closed() {
    cap_start "$CLI" veth-cli udp-closed
    peer "$CLI" 10 udp-send --refused --bind "$CLI4" --sport "$(sport udp-closed 0)" --dst "$SRV4" \
        --dport "$P_UDPCLOSED" --sizes "$UDPC_SIZES" --timeout 2 --gap 0.02
    peer "$CLI" 10 udp-send --refused --bind "$CLI6" --sport "$(sport udp-closed 1)" --dst "$SRV6" \
        --dport "$P_UDPCLOSED" --sizes "$UDPC_SIZES" --timeout 2 --gap 0.02
    cap_stop
}

kind_half-close() {
    bgpeer "$SRV" 30 tcp-serve --mode halfclose --bind "$SRV4" --port "$P_TCP" \
        --chunks "$HC_CHUNKS" --size "$HC_SIZE" --gap 0.05
    wait_listen "$SRV" tcp "$P_TCP"
    cap_start "$CLI" veth-cli half-close
    peer "$CLI" 20 tcp-client --mode halfclose --bind "$CLI4" --sport "$(sport half-close)" \
        --dst "$SRV4" --dport "$P_TCP"
    cap_stop
    stop_bg
}

kind_rst-abort() {
    # the server streams (bounded: 200 chunks), the client reads some, then aborts
    bgpeer "$SRV" 30 tcp-serve --mode stream --bind "$SRV4" --port "$P_TCP" \
        --chunks 200 --size 1000 --gap 0.01
    wait_listen "$SRV" tcp "$P_TCP"
    cap_start "$CLI" veth-cli rst-abort
    peer "$CLI" 20 tcp-client --mode abort --bind "$CLI4" --sport "$(sport rst-abort)" \
        --dst "$SRV4" --dport "$P_TCP" --size "$ABORT_READ"
    cap_stop
    stop_bg
}

kind_time-wait-reuse() {
    bgpeer "$SRV" 30 tcp-serve --mode srvclose --bind "$SRV4" --port "$P_TCP" \
        --count "$TW_COUNT" --size "$TW_SIZE"
    wait_listen "$SRV" tcp "$P_TCP"
    cap_start "$CLI" veth-cli time-wait-reuse
    peer "$CLI" 20 tcp-client --mode reuse --count "$TW_COUNT" --bind "$CLI4" \
        --sport "$(sport time-wait-reuse)" --dst "$SRV4" --dport "$P_TCP"
    cap_stop
    stop_bg
}

kind_loss-reorder() {
    local i
    bgrun "$LM" 45 "$PY" "$RELAY" mid-cli mid-srv --seed "$RELAY_SEED" --loss 0.03 \
        --delay-ms 1 --jitter-ms 3 --max-seconds 40 --max-frames 200000 \
        --ready "$WORK/relay.ready" --stats "$WORK/relay.stats"
    local relay=$LAST_BG
    bgpeer "$LS" 45 tcp-serve --mode bulk --bind "$SRV4" --port "$P_TCP" --size "$BULK_SIZE" --timeout 30
    for ((i = 0; i < 100; i++)); do [[ -e $WORK/relay.ready ]] && break; sleep 0.05; done
    [[ -e $WORK/relay.ready ]] || { tail "$WORK/bg.log" >&2; echo "$ME: error: relay did not start" >&2; exit 1; }
    wait_listen "$LS" tcp "$P_TCP"
    cap_start "$LS" veth-srv loss-reorder
    peer "$LC" 40 tcp-client --mode bulk --bind "$CLI4" --sport "$(sport loss-reorder)" \
        --dst "$SRV4" --dport "$P_TCP" --size "$BULK_SIZE" --timeout 15
    cap_stop 0.8
    kill -TERM "$relay" 2>/dev/null || true
    wait "$relay" 2>/dev/null || true
    stop_bg
    [[ -s $WORK/relay.stats ]] && log "relay: $(cat "$WORK/relay.stats")"
}

kind_ipv6-mixed() {
    bgpeer "$SRV" 30 tcp-serve --mode reply --bind "$SRV6" --port "$P_TCP" --size "$TCP_SIZE"
    bgpeer "$SRV" 30 udp-echo --bind "$SRV6" --port "$P_UDP" --count 3
    wait_listen "$SRV" tcp "$P_TCP"; wait_listen "$SRV" udp "$P_UDP"
    cap_start "$CLI" veth-cli ipv6-mixed
    peer "$CLI" 15 tcp-client --mode reply --bind "$CLI6" --sport "$(sport ipv6-mixed 0)" \
        --dst "$SRV6" --dport "$P_TCP" --size "$TCP_SIZE"
    peer "$CLI" 15 udp-send --reply --bind "$CLI6" --sport "$(sport ipv6-mixed 1)" --dst "$SRV6" \
        --dport "$P_UDP" --sizes "$(cut -d, -f1-3 <<<"$UDP_SIZES,100,200,300")" --timeout 3
    peer "$CLI" 15 udp-send --refused --bind "$CLI6" --sport "$(sport ipv6-mixed 2)" --dst "$SRV6" \
        --dport "$P_UDPCLOSED" --sizes 48 --timeout 2
    cap_stop
    stop_bg
}

# ---------------------------------------------------------------- main
log "seed $SEED, size $SIZE, kinds: ${KINDS[*]}"
log "namespaces $TAG-*, work dir $WORK"
setup_pair
links=("$CLI:veth-cli" "$SRV:veth-srv")
if [[ " ${KINDS[*]} " == *" loss-reorder "* ]]; then
    setup_lossy
    links+=("$LC:veth-cli" "$LS:veth-srv")
fi
wait_links "${links[@]}"       # and the links' MLD reports are over
mkdir -p "$OUT"
DONE=()
for k in $KIND_ORDER; do
    [[ " ${KINDS[*]} " == *" $k "* ]] || continue
    t0=$EPOCHREALTIME
    flush_neigh "$CLI" "$SRV"
    [[ $k == loss-reorder ]] && flush_neigh "$LC" "$LS"
    "kind_$k"
    install -m 0644 "$CAP_FILE" "$OUT/$k.pcap"
    DONE+=("$k")
    log "$(printf '%-16s %6s s  %s' "$k" "$(elapsed "$t0")" \
        "$(grep -o '[0-9]* packets captured' "$CAP_LOG" || true)")"
done

# manifest: packet counts come from the pcap files themselves
for k in "${DONE[@]}"; do printf '%s\t%s\n' "$k" "${DESC[$k]}"; done >"$WORK/kinds.tsv"
"$PY" - "$OUT" "$SEED" "$SIZE" "$WORK/kinds.tsv" "$(uname -r)" <<'EOF'
import json, os, struct, sys
out, seed, size, tsv, kernel = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
def count(path):
    with open(path, 'rb') as f:
        hdr = f.read(24)
        magic = struct.unpack('<I', hdr[:4])[0]
        end = '<' if magic in (0xa1b2c3d4, 0xa1b23c4d) else '>'
        n = 0
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                return n
            incl = struct.unpack(end + 'IIII', rec)[2]
            f.seek(incl, 1)
            n += 1
kinds = []
for line in open(tsv):
    kind, desc = line.rstrip('\n').split('\t', 1)
    fn = kind + '.pcap'
    p = os.path.join(out, fn)
    kinds.append({'kind': kind, 'file': fn, 'description': desc, 'packets': count(p),
                  'bytes': os.path.getsize(p), 'seed': seed, 'size': size})
with open(os.path.join(out, 'manifest.json'), 'w') as f:
    json.dump({'generator': 'conformance/traffic/make-traffic.sh', 'seed': seed, 'size': size,
               'kernel': kernel, 'kinds': kinds}, f, indent=2)
    f.write('\n')
for k in kinds:
    print('%-16s %5d packets  %8d bytes' % (k['kind'], k['packets'], k['bytes']), file=sys.stderr)
EOF
log "wrote ${#DONE[@]} captures and manifest.json to $OUT in $(elapsed "$T_START") s"
