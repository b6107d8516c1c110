#!/usr/bin/env bash
# Do this machine's two CPUs slow each other down? dots.c (the HNSW build's 512-d dot product, compiled with gcc
# -O3 -march=native, no JVM) alone on CPU 0, alone on CPU 1, then on both at once, ROUNDS times, from 16 vectors in
# cache and from 500,000 (1 GB). cores.sh measures the same through the JVM; this one has no JIT or GC to vary.
# Run it before and after a scaling benchmark: a host whose other tenants load it shows here as "both" below "alone".
# Usage: bench/store/dots.sh [SECONDS] [ROUNDS] (default 6 and 2; needs gcc, taskset and 2 CPUs)
set -euo pipefail
seconds=${1:-6}
rounds=${2:-2}
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
gcc -O3 -march=native -ffast-math -o "$work/dots" "$(dirname "${BASH_SOURCE[0]}")/dots.c"
for n in 16 500000; do
  for _ in $(seq "$rounds"); do
    alone0="$(taskset -c 0 "$work/dots" "$seconds" "$n")"
    alone1="$(taskset -c 1 "$work/dots" "$seconds" "$n")"
    taskset -c 0 "$work/dots" "$seconds" "$n" >"$work/both0" &
    first=$!
    taskset -c 1 "$work/dots" "$seconds" "$n" >"$work/both1"
    wait "$first"
    echo "$n vectors: alone CPU 0 ${alone0%% (*}, CPU 1 ${alone1%% (*}; both at once $(cut -d' ' -f1-3 "$work/both0") and $(cut -d' ' -f1-3 "$work/both1")"
  done
done
