#!/usr/bin/env bash
# Side by side, on the same data, in one run: vectors/s ingested into Chroma by `imgsearch build` and by Chroma's
# official JavaScript client (npm chromadb, batched by the server's max batch size); `imgsearch build` into Lucene;
# then query p50/p99 and recall@10 of both stores (`imgsearch validate`, 200 sampled queries, exact brute force).
# Usage: bench/store/ingest.sh [N] [DIM] [MASTER]    (default 100000 512 local[2]; needs mvn -DskipTests package and
# bash .ci/chroma/install.sh first)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
n=${1:-100000}
dim=${2:-512}
master=${3:-local[2]}
work="$(mktemp -d)"
chroma_pid=""
cleanup() {
  if [[ -n "$chroma_pid" ]]; then kill -9 "$chroma_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
cd "$root"

mvn -o -q -pl pipeline-core dependency:build-classpath -Dmdep.outputFile="$work/classpath" >/dev/null
java -cp "pipeline-core/target/classes:$(cat "$work/classpath")" bench/store/MakeEmbeddings.java "$n" "$dim" \
  "$work/data" 2>/dev/null
echo "data: $n x $dim clustered unit vectors in $(ls "$work/data/embeddings" | wc -l) Parquet files"

bin="${IMGSEARCH_CHROMA_BIN:-$root/.ci/chroma/node_modules/.bin/chroma}"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$bin" run --path "$work/chroma" --host 127.0.0.1 --port "$port" >"$work/chroma.log" 2>&1 &
chroma_pid=$!
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$port/api/v2/heartbeat" >/dev/null && break
  sleep 0.1
done
echo "chroma: $("$bin" --version) on port $port"

echo "== Chroma, official JavaScript client"
node bench/store/ingest-js.mjs "$work/data" "$port" js-client "$dim"

timed() {
  local start end
  start=$(date +%s.%N)
  "$@"
  end=$(date +%s.%N)
  python3 -c "import sys; s, e, n = map(float, sys.argv[1:]); print(f'wall {e - s:.1f} s, {n / (e - s):.0f} vectors/s including JVM and Spark start')" "$start" "$end" "$n"
}
echo "== Chroma, imgsearch build ($master)"
timed bin/imgsearch build --embeddings "$work/data" --store "chroma:http://127.0.0.1:$port/build-job" --master "$master"
echo "== Lucene HNSW, imgsearch build ($master)"
timed bin/imgsearch build --embeddings "$work/data" --store "lucene:$work/lucene" --master "$master"

for store in "chroma:http://127.0.0.1:$port/build-job" "lucene:$work/lucene"; do
  echo "== validate $store"
  bin/imgsearch validate --store "$store" --embeddings "$work/data" --sample 200 -k 10 \
    --min-recall 0 --min-self-retrieval 0
done
