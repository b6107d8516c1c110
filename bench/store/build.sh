#!/usr/bin/env bash
# Side by side, on the same data, in one run: `imgsearch build` into a Lucene store as a whole command (JVM and Spark
# start included, no flags beyond --store lucene:DIR, so the shard count is the one a user gets) against hnswlib (M 16,
# ef_construction 100, THREADS threads); then query p50/p99 and recall@10 of both (`imgsearch validate` and the same
# 200-sampled-queries procedure in hnswlib_build.py), and the build's peak RSS.
# Usage: [KINDS="hnsw hnsw-int8"] [SIDES=hnswlib|lucene] [DATA_CACHE=DIR] bench/store/build.sh [N] [DIM] [MASTER] [THREADS]
# (default 100000 512 local[2] 2; needs mvn -DskipTests package first). SIDES: run one side only (default both), so a
# long run splits into two calls on the same data kept in DATA_CACHE (see bench_embeddings in bench/lib.sh).
set -euo pipefail
n=${1:-100000}
dim=${2:-512}
master=${3:-local[2]}
threads=${4:-2}
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
classpath="$(bench_classpath)"
cd "$root"

data="$(bench_embeddings "$n" "$dim")"
echo "data: $n x $dim clustered unit vectors in $(ls "$data/embeddings" | wc -l) Parquet files; load $(cut -d' ' -f1-3 /proc/loadavg)"
sides=" ${SIDES:-hnswlib lucene} "

if [[ "$sides" == *" hnswlib "* ]]; then
  echo "== hnswlib"
  /usr/bin/python3 bench/store/hnswlib_build.py "$data" "$dim" "$threads"
fi

# KINDS: the Lucene index kinds to build side by side (store URI `kind=`), e.g. KINDS="hnsw hnsw-int8".
kinds=${KINDS:-hnsw}
[[ "$sides" == *" lucene "* ]] || kinds=""
for kind in $kinds; do
  store="lucene:$work/lucene-$kind"
  [ "$kind" = hnsw ] || store="$store?kind=$kind"
  echo "== imgsearch build --store $store ($master)"
  start=$(date +%s.%N)
  /usr/bin/time -f "peak RSS %M KB" bin/imgsearch build --embeddings "$data" --store "$store" \
    --master "$master" 2>&1 | grep -E "records|peak RSS|error"
  end=$(date +%s.%N)
  python3 -c "import sys; s, e, n = map(float, sys.argv[1:]); print(f'imgsearch build: wall {e - s:.1f} s = {n / (e - s):.0f} vectors/s, JVM and Spark start included')" "$start" "$end" "$n"
  echo "shards: $(ls "$work/lucene-$kind/shards" 2>/dev/null | wc -l)"
  echo "== imgsearch validate $store"
  bin/imgsearch validate --store "$store" --embeddings "$data" --sample 200 -k 10 \
    --min-recall 0 --min-self-retrieval 0
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
