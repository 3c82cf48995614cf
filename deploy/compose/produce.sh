#!/bin/sh
# Replays the bundled capture into the packet topic as several hosts, round after round, each
# round at the current time (so flows start, live and end on the dashboard as real ones would).
set -eu
rounds=${ROUNDS:-100000}
hosts=${HOSTS:-fw-1 fw-2 fw-3}
i=0
while [ "$i" -lt "$rounds" ]; do
    for h in $hosts; do
        nfct send -b "${BOOTSTRAP:-kafka:19092}" --pcap /opt/nfct/sample.pcap --host "$h" \
            --timing capture --time-shift now --rate "${RATE:-500}"
    done
    i=$((i + 1))
    sleep "${PAUSE:-5}"
done
