#!/bin/bash
# The job's four topics, created once (idempotent): partitions, cleanup policy and retention stated.
set -euo pipefail
topics=/opt/kafka/bin/kafka-topics.sh
bootstrap=${BOOTSTRAP:-kafka:19092}
partitions=${PARTITIONS:-2}
day=86400000
create() { # NAME CONFIG...
    local name=$1; shift
    local configs=()
    for c in "$@"; do configs+=(--config "$c"); done
    "$topics" --bootstrap-server "$bootstrap" --create --if-not-exists --topic "$name" \
        --partitions "$partitions" --replication-factor 1 "${configs[@]}"
}
create conntrack.packets       cleanup.policy=delete "retention.ms=$((7 * day))"
create conntrack.flow-events   cleanup.policy=delete "retention.ms=$((7 * day))"
create conntrack.table         cleanup.policy=compact
create conntrack.dead-letters  cleanup.policy=delete "retention.ms=$((30 * day))"
"$topics" --bootstrap-server "$bootstrap" --describe --topic 'conntrack\..*' | grep -E '^Topic:' || true
echo "topics: ready"
