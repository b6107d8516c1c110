#!/usr/bin/env bash
# Text-query latency and QPS of `imgsearch serve` over HTTP at 100k vectors, for the Lucene and Chroma stores, with
# the tiny test model and with a ViT-B/32-sized random-weight model (made by tools/clip_model.py; needs Debian's
# python3-torch). Usage: bench/serve/run.sh [VECTORS] [CLIENTS] [SECONDS]   (default 100000 8 20)
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

start_chroma

for model in pipeline-core/src/test/resources/tiny-clip "$vitb32"; do
  name=$(basename "$model")
  echo "== model $name"
  java -Xmx6g -cp "$classpath" dev.imgsearch.bench.serve.ServeBench --model="$model" --vectors="$vectors" \
    --clients="$clients" --seconds="$seconds" \
    --store="lucene:$work/lucene-$name" --store="chroma:$chroma_url/bench-$name" 2>/dev/null
done
