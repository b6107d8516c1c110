#!/usr/bin/env bash
# Does a process slow down when another works the other CPU? CoreScaling (the store's HNSW dot product over random
# 512-d pairs) alone on CPU 0, then two copies at once on CPUs 0 and 1: from 16 vectors in cache (compute), then from
# 500,000 (memory, a 500k shard's 1 GB). Two JVM executors building shards at once are two such processes.
# Usage: [JVM_OPTS=...] bench/store/cores.sh [SECONDS] (default 12; needs taskset and 2 CPUs; JVM_OPTS: added to
#   both copies', e.g. -XX:MaxVectorSize=32 for 256-bit SIMD)
set -euo pipefail
seconds=${1:-12}
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
classpath="$(bench_classpath)"
for mode in cache memory; do
  run=(java -Xmx3g --add-modules jdk.incubator.vector ${JVM_OPTS:-} -cp "$classpath" dev.imgsearch.bench.store.CoreScaling "$mode" "$seconds")
  echo "== $mode, alone on CPU 0"
  taskset -c 0 "${run[@]}" 2>/dev/null
  echo "== $mode, two at once on CPUs 0 and 1"
  taskset -c 0 "${run[@]}" 2>/dev/null &
  first=$!
  taskset -c 1 "${run[@]}" 2>/dev/null
  wait "$first"
done
