#!/usr/bin/env bash
# Side by side, on the same data, in one run: vectors/s ingested into Chroma by `imgsearch build` and by Chroma's
# official JavaScript client (npm chromadb, batched by the server's max batch size); `imgsearch build` into Lucene;
# then query p50/p99 and recall@10 of both stores (`imgsearch validate`, 200 sampled queries, exact brute force).
# Usage: bench/store/ingest.sh [N] [DIM] [MASTER]    (default 100000 512 local[2]; needs mvn -DskipTests package and
# bash .ci/chroma/install.sh first)
set -euo pipefail
n=${1:-100000}
dim=${2:-512}
master=${3:-local[2]}
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
classpath="$(bench_classpath)"
cd "$root"

java -cp "$classpath" dev.imgsearch.bench.store.MakeEmbeddings "$n" "$dim" "$work/data" 2>/dev/null
echo "data: $n x $dim clustered unit vectors in $(ls "$work/data/embeddings" | wc -l) Parquet files"

start_chroma

echo "== Chroma, official JavaScript client"
node bench/store/ingest-js.mjs "$work/data" "${chroma_url##*:}" js-client "$dim"

timed() {
  local start end
  start=$(date +%s.%N)
  "$@"
  end=$(date +%s.%N)
  python3 -c "import sys; s, e, n = map(float, sys.argv[1:]); print(f'wall {e - s:.1f} s, {n / (e - s):.0f} vectors/s including JVM and Spark start')" "$start" "$end" "$n"
}
echo "== Chroma, imgsearch build ($master)"
timed bin/imgsearch build --embeddings "$work/data" --store "chroma:$chroma_url/build-job" --master "$master"
echo "== Lucene HNSW, imgsearch build ($master)"
timed bin/imgsearch build --embeddings "$work/data" --store "lucene:$work/lucene" --master "$master"

for store in "chroma:$chroma_url/build-job" "lucene:$work/lucene"; do
  echo "== validate $store"
  bin/imgsearch validate --store "$store" --embeddings "$work/data" --sample 200 -k 10 \
    --min-recall 0 --min-self-retrieval 0
done
