#!/usr/bin/env bash
# Side by side, on the same data, in one run: `imgsearch build` into a Lucene store as a whole command (JVM and Spark
# start included, no flags beyond --store lucene:DIR, so the shard count is the one a user gets) against hnswlib (M 16,
# ef_construction 100, THREADS threads); then query p50/p99 and recall@10 of both (`imgsearch validate` and the same
# 200-sampled-queries procedure in hnswlib_build.py), and the build's peak RSS.
# Usage: [KINDS="hnsw hnsw-int8"] [SIDES="hnswlib lucene jvector"] [JVECTOR="16:50"] [DATA_CACHE=DIR] bench/store/build.sh [N] [DIM] [MASTER] [THREADS]
# (default 100000 512 local[2] 2; needs mvn -DskipTests package first). SIDES: the sides to run (default hnswlib and lucene), so a
# long run splits into two calls on the same data kept in DATA_CACHE (see bench_embeddings in bench/lib.sh).
# Each KINDS entry is KIND[:OPTION,...]: the store URI's kind=, with each OPTION a store URI option (m=32,
# beam-width=50, ...) except `scalar`, which runs the JVM without --add-modules=jdk.incubator.vector (plain
# `java -jar`): Lucene's own scalar distances, as before the SIMD similarity. E.g. KINDS="hnsw:scalar hnsw hnsw:m=32".
# CANDIDATES="100 200 400": validate each built store once per value, searching with the store URI's candidates=N (how
# many HNSW candidates a search explores per shard) instead of the store's default: one build, a recall/latency sweep.
# SIDES=jvector (not in the default): JVector's in-memory graph (JVectorBench) once per JVECTOR entry DEGREE:BEAM
# (default "16:50 32:50 16:100"), on THREADS threads, with validate's sample and candidates; bench-only, not a store.
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

if [[ "$sides" == *" jvector "* ]]; then
  for config in ${JVECTOR:-16:50 32:50 16:100}; do
    echo "== jvector degree ${config%%:*} beam ${config#*:}"
    java -cp "$classpath" dev.imgsearch.bench.store.JVectorBench "$data" "${config%%:*}" "${config#*:}" "$threads" \
      2>&1 | grep -vE "^[A-Z][a-z]{2} [0-9]{2}, [0-9]{4} |^INFO: |^SLF4J"
  done
fi

# KINDS: the Lucene index variants to build side by side (see the usage above).
variant_number=0
variants=${KINDS:-hnsw}
[[ "$sides" == *" lucene "* ]] || variants=""
for variant in $variants; do
  variant_number=$((variant_number + 1))
  kind=${variant%%:*}
  options=()
  java_cmd=(bin/imgsearch)
  [ "$kind" = hnsw ] || options+=("kind=$kind")
  if [ "$variant" != "$kind" ]; then
    IFS=, read -ra extra <<<"${variant#*:}"
    for option in "${extra[@]}"; do
      if [ "$option" = scalar ]; then
        java_cmd=(env DJL_OFFLINE=true OPT_OUT_TRACKING=true java -jar jobs/target/imgsearch/imgsearch.jar)
      else
        options+=("$option")
      fi
    done
  fi
  dir="$work/lucene-$variant_number"
  store="lucene:$dir"
  [ ${#options[@]} -eq 0 ] || store="$store?$(IFS='&'; echo "${options[*]}")"
  echo "== $variant: ${java_cmd[*]} build --store $store ($master)"
  start=$(date +%s.%N)
  /usr/bin/time -f "peak RSS %M KB" "${java_cmd[@]}" build --embeddings "$data" --store "$store" \
    --master "$master" 2>&1 | grep -E "records|peak RSS|error|without SIMD"
  end=$(date +%s.%N)
  python3 -c "import sys; s, e, n = map(float, sys.argv[1:]); print(f'imgsearch build: wall {e - s:.1f} s = {n / (e - s):.0f} vectors/s, JVM and Spark start included')" "$start" "$end" "$n"
  echo "shards: $(ls "$dir/shards" 2>/dev/null | wc -l)"
  for candidates in ${CANDIDATES:-default}; do
    searched="$store"
    [ "$candidates" = default ] || searched="$store$([[ "$store" == *\?* ]] && echo '&' || echo '?')candidates=$candidates"
    echo "== $variant: imgsearch validate $searched"
    "${java_cmd[@]}" validate --store "$searched" --embeddings "$data" --sample 200 -k 10 \
      --min-recall 0 --min-self-retrieval 0 2>&1 | grep -v "WARNING: Using incubator"
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
