#!/bin/sh
# The project's commands inside the image: `nfct send ...`, `nfct events ...`, `nfct --help`.
exec java ${NFCT_JAVA_OPTS:-} -jar "${NFCT_JAR:-/opt/flink/usrlib/conntrack-job.jar}" "$@"
