#!/usr/bin/env bash
#
# compare-traffic.sh - replay every capture that make-traffic.sh wrote through
# our engine and through the reference kernel harness, and compare.
#
# Usage:
#   sudo conformance/traffic/compare-traffic.sh DIR [--keep DIR2] [--jar JAR]
#                                               [--oracle DIR3]
#
#   DIR          output directory of make-traffic.sh (KIND.pcap, manifest.json)
#   --keep DIR2  copy every disagreeing capture there, with both sides' events,
#                tables and per-packet ct states (default /tmp/traffic-disagreements)
#   --jar JAR    our engine (default job/target/conntrack-job.jar; build it
#                first: mvn -q -B package -DskipTests)
#   --oracle D   the reference harness directory (default ../shared/oracle
#                beside the repo, i.e. where replay-oracle.sh lives)
#   --orig       replay with the captures' own timing (oracle -t orig, ours
#                --timing capture) instead of top speed
#
# For each KIND.pcap, three things are compared:
#   events   `replay --format normalized` vs replay-oracle.sh OUT.events,
#            with lib/compare.py (overall and per flow)
#   table    `replay --table` (normalized) vs OUT.events.table, sorted
#   ctinfo   `replay --ctinfo` vs the first three fields of OUT.events.trace
# and one line per kind is printed.  Exit status 0 when all agree, 1 if any
# capture disagrees, 2 on usage errors or when a tool is missing.
#
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/../.." && pwd)
JAR="$REPO/job/target/conntrack-job.jar"
ORACLE="$REPO/../shared/oracle"
KEEP=/tmp/traffic-disagreements
DIR=""
ORACLE_T=(-t top) OURS_T=(--timing top)
usage() { sed -n '3,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; }
while [[ $# -gt 0 ]]; do
    case "$1" in
        --keep) KEEP=${2:?}; shift 2 ;;
        --jar) JAR=${2:?}; shift 2 ;;
        --oracle) ORACLE=${2:?}; shift 2 ;;
        --orig) ORACLE_T=(-t orig); OURS_T=(--timing capture); shift ;;
        -h|--help) usage; exit 0 ;;
        -*) echo "unknown option $1" >&2; exit 2 ;;
        *) DIR=$1; shift ;;
    esac
done
[[ -n $DIR && -d $DIR ]] || { usage >&2; exit 2; }
[[ -f $JAR ]] || { echo "no engine jar at $JAR (mvn -q -B package -DskipTests)" >&2; exit 2; }
[[ -x $ORACLE/replay-oracle.sh ]] || { echo "no replay-oracle.sh in $ORACLE" >&2; exit 2; }
[[ $EUID -eq 0 ]] || { echo "the oracle needs root" >&2; exit 2; }

WORK=$(mktemp -d /tmp/nfct-trf-cmp.XXXXXX)
trap 'rm -rf -- "$WORK"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# a private copy: a concurrent `mvn package` in the tree must not swap the jar mid-run
cp "$JAR" "$WORK/engine.jar"; JAR="$WORK/engine.jar"

mapfile -t PCAPS < <(ls "$DIR"/*.pcap | sort)
bad=0
printf '%-16s %7s  %-40s %-12s %-12s\n' kind ip-pkts events table ctinfo
for pcap in "${PCAPS[@]}"; do
    kind=$(basename "$pcap" .pcap)
    k="$WORK/$kind"
    "$ORACLE/replay-oracle.sh" -q "${ORACLE_T[@]}" --table --trace "$pcap" "$k.kernel.events" 2>"$k.oracle.log" \
        || { echo "$kind: oracle failed:" >&2; cat "$k.oracle.log" >&2; bad=1; continue; }
    java -jar "$JAR" replay --pcap "$pcap" "${OURS_T[@]}" --format normalized --table "$k.ours.table" \
        --ctinfo "$k.ours.ctinfo" >"$k.ours.events" 2>"$k.ours.log" \
        || { echo "$kind: engine failed:" >&2; cat "$k.ours.log" >&2; bad=1; continue; }
    ev=$(python3 "$ORACLE/lib/compare.py" "$k.kernel.events" "$k.ours.events" -v >"$k.compare" 2>&1; echo $?)
    sort "$k.kernel.events.table" >"$k.t1"; sort "$k.ours.table" >"$k.t2"
    tb=same; cmp -s "$k.t1" "$k.t2" || tb=DIFFERENT
    cut -d' ' -f1-3 "$k.kernel.events.trace" >"$k.c1"
    ci=same; cmp -s "$k.c1" "$k.ours.ctinfo" || ci=DIFFERENT
    npk=$(python3 -c 'import sys; print(sum(1 for _ in open(sys.argv[1])))' "$k.c1")
    printf '%-16s %7s  %-40s %-12s %-12s\n' "$kind" "$npk" "$(head -1 "$k.compare" | awk '{print $1,$2,$5,$6}')" "$tb" "$ci"
    if [[ $ev != 0 || $tb != same || $ci != same ]]; then
        bad=1
        mkdir -p "$KEEP/$kind"
        cp "$pcap" "$k".kernel.events* "$k".ours.* "$k.compare" "$KEEP/$kind/"
        diff "$k.t1" "$k.t2" >"$KEEP/$kind/table.diff" || true
        diff "$k.c1" "$k.ours.ctinfo" >"$KEEP/$kind/ctinfo.diff" || true
        sed 's/^/    /' "$k.compare" | tail -n +2
        [[ $tb == same ]] || sed 's/^/    table: /' "$KEEP/$kind/table.diff"
        [[ $ci == same ]] || head -20 "$KEEP/$kind/ctinfo.diff" | sed 's/^/    ctinfo: /'
    fi
done
if [[ $bad == 0 ]]; then echo "all ${#PCAPS[@]} captures agree"; else echo "disagreements kept in $KEEP"; fi
exit "$bad"
