#!/bin/sh
# Submits the conntrack job to the session cluster once: a job of that name already running (the
# stack was restarted) is left alone. Resumes from a savepoint when RESTORE_FROM names one.
set -eu
rest=${FLINK_REST:-jobmanager:8081}
if curl -fsS "http://$rest/jobs/overview" | grep -q '"name":"nfct conntrack","[^}]*"state":"RUNNING"'; then
    echo "submit: the job runs already"
    exit 0
fi
restore=""
if [ -n "${RESTORE_FROM:-}" ]; then
    restore="-s $RESTORE_FROM"
fi
# shellcheck disable=SC2086
exec flink run -t remote -Drest.address="${rest%:*}" -Drest.port="${rest#*:}" -d $restore \
    /opt/flink/usrlib/conntrack-job.jar \
    --conntrack.kafka.bootstrap-servers "${BOOTSTRAP:-kafka:19092}" \
    --conntrack.nf_conntrack_acct 1 \
    --conntrack.nf_conntrack_timestamp 1
