#!/usr/bin/env bash
# Runs one benchmark command alone: waits for a host-wide lock that every benchmark command in docs/benchmarks.md
# takes (as `bench-exclusive CMD...`, a link to this file), so two benchmarks never overlap, and prints the load
# average before and after, since figures from a busy host are not comparable (a test suite takes no lock: don't
# start one beside a benchmark).
# Usage: bench/exclusive.sh CMD [ARGS...]
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 CMD [ARGS...]" >&2; exit 2; }
exec 9>"${BENCH_LOCK:-/tmp/imgsearch-bench.lock}"
flock 9
echo "bench-exclusive: $(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg) before: $*" >&2
rc=0
"$@" || rc=$?
echo "bench-exclusive: $(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg) after, exit $rc" >&2
exit "$rc"
