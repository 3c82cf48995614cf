#!/bin/sh
# mvn-run.sh unit|suite [ARGS...] - what `mvn verify` runs in this module.
#
#   unit   the Python unit tests of the suite's tools (each skips, with its reason, what this
#          machine cannot run)
#   suite  suite.py ARGS: the kernel conformance suite (it skips with a message where it cannot
#          run, unless NFCT_REQUIRE_KERNEL_SUITE=1)
#
# A machine without python3 skips both with one line, or fails when the suite is required.
set -eu
cd "$(dirname "$0")"
what=$1
shift
if ! command -v python3 >/dev/null 2>&1; then
    if [ "${NFCT_REQUIRE_KERNEL_SUITE:-0}" = 1 ]; then
        echo "conformance $what: python3 is missing, and NFCT_REQUIRE_KERNEL_SUITE=1 requires the suite" >&2
        exit 1
    fi
    echo "conformance $what skipped: python3 is missing (apt-get install -y python3)"
    exit 0
fi
case $what in
    unit)  exec python3 -m unittest discover -v -s tests ;;
    suite) exec python3 suite.py "$@" ;;
    *)     echo "usage: mvn-run.sh unit|suite [ARGS...]" >&2; exit 2 ;;
esac
