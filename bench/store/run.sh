#!/usr/bin/env bash
# Vector store benchmark: ingest rate, query latency and recall@10 of each store on clustered random vectors.
# Usage: bench/store/run.sh [--vectors=100000] [--dim=512] [--queries=500] [--stores=lucene-flat,...,chroma] ...
# Starts its own Chroma server (installed by .ci/chroma/install.sh) on a free loopback port when chroma is benchmarked.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
classpath="$(bench_classpath)"
cd "$root"

args=("$@")
if [[ " $* " != *" --stores="* || " $* " == *chroma* ]]; then
  start_chroma
  args+=("--chroma=$chroma_url")
fi

java -Xmx6g --add-modules=jdk.incubator.vector -cp "$classpath" dev.imgsearch.bench.store.StoreBench --dir="$work/lucene" "${args[@]}"
