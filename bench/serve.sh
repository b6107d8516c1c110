#!/usr/bin/env bash
# Text-query latency and QPS of `imgsearch serve` over HTTP at 100k vectors, for the Lucene and Chroma stores, with
# the tiny test model and with a ViT-B/32-sized random-weight model (made by tools/clip_model.py; needs Debian's
# python3-torch). Usage: bench/serve.sh [VECTORS] [CLIENTS] [SECONDS]   (default 100000 8 20)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
vectors=${1:-100000}
clients=${2:-8}
seconds=${3:-20}
work="$(mktemp -d)"
chroma_pid=""
cleanup() {
  if [[ -n "$chroma_pid" ]]; then kill -9 "$chroma_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
cd "$root"

mvn -o -q -pl pipeline-core,serve -am test-compile
mvn -o -q -pl serve dependency:build-classpath -Dmdep.outputFile="$work/cp" -Dmdep.includeScope=test >/dev/null
classpath="serve/target/test-classes:serve/target/classes:pipeline-core/target/classes:$(cat "$work/cp")"

vitb32=target/bench-models/vit-b-32-random
if [[ ! -f "$vitb32/model.pt" ]]; then
  /usr/bin/python3 tools/clip_model.py tiny "$vitb32" --dim 512 --width 512 --text-layers 12 --text-heads 8 \
    --vision-width 768 --vision-layers 12 --vision-heads 12
fi

bin="${IMGSEARCH_CHROMA_BIN:-$root/.ci/chroma/node_modules/.bin/chroma}"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$bin" run --path "$work/chroma" --host 127.0.0.1 --port "$port" >"$work/chroma.log" 2>&1 &
chroma_pid=$!
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$port/api/v2/heartbeat" >/dev/null && break
  sleep 0.1
done

for model in pipeline-core/src/test/resources/tiny-clip "$vitb32"; do
  name=$(basename "$model")
  echo "== model $name"
  java -Xmx6g -cp "$classpath" dev.imgsearch.serve.bench.ServeBench --model="$model" --vectors="$vectors" \
    --clients="$clients" --seconds="$seconds" \
    --store="lucene:$work/lucene-$name" --store="chroma:http://127.0.0.1:$port/bench-$name" 2>/dev/null
done
