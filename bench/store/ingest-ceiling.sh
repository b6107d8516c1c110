#!/usr/bin/env bash
# The Chroma server's ingest ceiling: vectors/s upserted by 1, 2 and 4 concurrent writers at several records per
# request, each setting into a fresh collection of a Chroma server started for the run (see ChromaIngestBench).
# Usage: bench/store/ingest-ceiling.sh [--vectors=20000] [--dim=512] [--writers=1,2,4] [--batches=250,1000,5461]
#        [--rounds=1]    (needs bash .ci/chroma/install.sh first)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
classpath="$(bench_classpath)"
cd "$root"
start_chroma
java -Xmx4g -cp "$classpath" dev.imgsearch.bench.store.ChromaIngestBench --chroma="$chroma_url" "$@"
