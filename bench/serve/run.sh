#!/usr/bin/env bash
# Query latency and QPS of `imgsearch serve` over HTTP at 100k vectors in a Lucene HNSW store, with a ViT-B/32-sized
# random-weight model (made once by tools/clip_model.py with Debian's python3-torch): text queries at 1 client
# against image queries on the same server, and text queries at 8 clients, distinct and repeated; then the text
# phases again with the same weights padded to 77 tokens. The store is filled once and kept in target/bench-stores.
# Usage: bench/serve/run.sh [VECTORS] [CLIENTS] [SECONDS]   (default 100000 8 20)
set -euo pipefail
vectors=${1:-100000}
clients=${2:-8}
seconds=${3:-20}
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
classpath="$(bench_classpath)"
cd "$root"

vitb32=target/bench-models/vit-b-32-random
if [[ ! -f "$vitb32/model.pt" ]]; then
  /usr/bin/python3 tools/clip_model.py tiny "$vitb32" --dim 512 --width 512 --text-layers 12 --text-heads 8 \
    --vision-width 768 --vision-layers 12 --vision-heads 12
fi
store="target/bench-stores/serve-lucene-$vectors-$(basename "$vitb32")"
mkdir -p "$(dirname "$store")"
java -Xmx6g --add-modules=jdk.incubator.vector -cp "$classpath" dev.imgsearch.bench.serve.ServeBench --model="$vitb32" --vectors="$vectors" \
  --clients="$clients" --seconds="$seconds" --store="lucene:$store" --work="$work" 2>/dev/null
