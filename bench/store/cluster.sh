#!/usr/bin/env bash
# 1 -> 2 executors: `imgsearch build` of the same N x DIM embeddings (MakeEmbeddings, as build.sh) into a fresh
# `lucene:DIR?shards=SHARDS` on a Spark standalone cluster on loopback (a master and 2 workers x 1 core, started as the
# ITs start theirs: jobs' LocalSparkCluster, whose SPARK_HOME holds only Spark's own jars), once with
# spark.cores.max=1 and once with =2. The same shard count both times, so the work is identical: one executor writes
# the shards one after the other, two write one each.
# Prints each build's time as a whole command (driver JVM start included) and as the job's own
# (BuildJob's report), and the ratios; then, in the same run, hnswlib's own 1 -> 2 thread speed-up on the same
# vectors: the bound these 2 vCPUs put on HNSW insertion. After each build, from Spark's event log: when the executors
# registered, and each stage's time with its tasks' run, CPU and GC times; from /proc (cpu_use.py), each CPU's busy
# time over the build and the CPU time of the master, each worker and its executors, and the driver: what shares the
# two CPUs with the shard tasks; and each executor's CPU by its JVM's threads (tasks, JIT compilers, GC, the rest).
# Usage: [PIN=0|1] [PEER=0|1] [SHARDS=N] [EXECUTOR_MEMORY=SIZE] [EXECUTOR_OPTS=...] [DATA_CACHE=DIR] \
#          bench/store/cluster.sh [N] [DIM]
#   (default 100000 512; needs mvn -DskipTests package first; PEER=0 leaves out hnswlib (default 1); SHARDS: the store's shard count, default 2;
#   EXECUTOR_MEMORY: each executor's heap, default 1800m (4g for 1M: a shard task's indexing buffer is half the heap);
#   EXECUTOR_OPTS: JVM options added to the executors', to measure one against the same run's default; DATA_CACHE: see
#   bench_embeddings in bench/lib.sh)
set -euo pipefail
n=${1:-100000}
dim=${2:-512}
executor_memory=${EXECUTOR_MEMORY:-1800m}
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
classpath="$(bench_classpath)"
cd "$root"
jar="$(ls jobs/target/imgsearch/imgsearch-spark*.jar)"
data="$(bench_embeddings "$n" "$dim")"
echo "data: $n x $dim clustered unit vectors in $(ls "$data/embeddings" | wc -l) Parquet files; load $(cut -d' ' -f1-3 /proc/loadavg)"

# jobs' test classpath, for LocalSparkCluster (every module writes the file in reactor order, jobs last).
(mvn -o -q -pl jobs -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$work/jobs.classpath" >/dev/null)
cluster_pid=""
stop_cluster() {
  if [[ -n "$cluster_pid" ]]; then kill "$cluster_pid" 2>/dev/null && wait "$cluster_pid" 2>/dev/null || true; fi
  cleanup
}
trap stop_cluster EXIT
java -cp "jobs/target/test-classes:$(cat "$work/jobs.classpath")" dev.imgsearch.jobs.LocalSparkCluster \
  "$work/cluster" 2 "$executor_memory" >"$work/cluster.out" 2>&1 &
cluster_pid=$!
for _ in $(seq 240); do
  grep -qs '^master ' "$work/cluster.out" && break
  kill -0 "$cluster_pid" 2>/dev/null || { cat "$work/cluster.out"; exit 1; }
  sleep 0.5
done
master="$(sed -n 's/^master //p' "$work/cluster.out")"
# PIN (default 1): worker i and the executors it starts run on CPU i only. Otherwise a lone executor's GC, JIT and
# Lucene flush threads borrow the idle second core, and "1 executor" is more than one core's work.
if [ "${PIN:-1}" = 1 ]; then
  cpu=0
  for pid in $(sed -n 's/^worker-pid //p' "$work/cluster.out"); do
    taskset -a -p -c "$cpu" "$pid" >/dev/null
    cpu=$((cpu + 1))
  done
fi
echo "cluster: $master, 2 workers x 1 core, pinned to a CPU each: ${PIN:-1}"
# The cluster's daemons by name, for cpu_use.py: the master is the cluster JVM's child that is not a worker.
worker_pids="$(sed -n 's/^worker-pid //p' "$work/cluster.out")"
workers=()
i=0
for pid in $worker_pids; do workers+=("worker-$i=$pid"); i=$((i + 1)); done
daemons=("${workers[@]}")
for pid in $(pgrep -P "$cluster_pid"); do grep -qx "$pid" <<<"$worker_pids" || daemons+=("master=$pid"); done

declare -A wall job
for cores in 1 2; do
  store="lucene:$work/lucene-$cores?shards=${SHARDS:-2}"
  echo "== spark.cores.max=$cores: imgsearch build --store $store"
  # Spark's event log, for where the time went (spark_events.py): executors' registration, each stage and its tasks'
  # run, CPU and GC times.
  mkdir -p "$work/events-$cores"
  python3 bench/store/cpu_use.py sample "$work/cpu-before-$cores" "${daemons[@]}"
  python3 bench/store/cpu_use.py watch "$work/threads-$cores" "${workers[@]}" &
  watcher=$!
  start=$(date +%s.%N)
  # The driver is the imgsearch command itself (its jar's classpath holds Spark); executors get our classes from the
  # spark-submit jar, as under spark-submit.
  /usr/bin/time -f "driver peak RSS %M KB, CPU %U s user + %S s system" bin/imgsearch build --embeddings "$data" --store "$store" --master "$master" \
    --conf spark.jars="$root/$jar" --conf spark.cores.max="$cores" --conf spark.executor.cores=1 \
    --conf spark.executor.memory="$executor_memory" --conf spark.executor.extraJavaOptions="--add-modules=jdk.incubator.vector ${EXECUTOR_OPTS:-}" \
    --conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1 \
    --conf spark.ui.enabled=false --conf spark.eventLog.enabled=true --conf spark.eventLog.compress=false \
    --conf spark.eventLog.rolling.enabled=false \
    --conf spark.eventLog.dir="file://$work/events-$cores" >"$work/build-$cores.log" 2>&1 \
    || { cat "$work/build-$cores.log"; exit 1; }
  end=$(date +%s.%N)
  # The workers reap their executors once the application ends; only then do the executors' CPU times count.
  for _ in $(seq 60); do
    [ -z "$(for pid in $worker_pids; do pgrep -P "$pid"; done)" ] && break
    sleep 0.5
  done
  python3 bench/store/cpu_use.py sample "$work/cpu-after-$cores" "${daemons[@]}"
  kill "$watcher" && wait "$watcher" 2>/dev/null || true
  grep -E "INFO  BuildJob:|records$|peak RSS" "$work/build-$cores.log"
  python3 bench/store/spark_events.py "$(ls "$work/events-$cores"/* | head -1)"
  python3 bench/store/cpu_use.py report "$work/cpu-before-$cores" "$work/cpu-after-$cores"
  python3 bench/store/cpu_use.py threads "$work/threads-$cores"
  wall[$cores]=$(python3 -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$start" "$end")
  job[$cores]=$(sed -n 's/.*records in the store; \([0-9.]*\) s (.*/\1/p' "$work/build-$cores.log" | tail -1)
  python3 -c "import sys; w, j, n = map(float, sys.argv[1:]); print(f'whole command {w:.1f} s = {n / w:.0f} vectors/s; the job {j:.1f} s = {n / j:.0f} vectors/s')" \
    "${wall[$cores]}" "${job[$cores]:-0}" "$n"
done
python3 -c "import sys; w1, w2, j1, j2 = map(float, sys.argv[1:]); print(f'speed-up 1 -> 2 executors: whole command {w1 / w2:.2f}x, the job {j1 / j2:.2f}x')" \
  "${wall[1]}" "${wall[2]}" "${job[1]:-0}" "${job[2]:-1}"
if [ "${PEER:-1}" = 0 ]; then
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
  exit 0
fi
declare -A peer
for threads in 1 2; do
  echo "== hnswlib, $threads thread(s)"
  line="$(/usr/bin/python3 bench/store/hnswlib_build.py "$data" "$dim" "$threads")"
  echo "$line"
  peer[$threads]="$(sed -n 's/.* built in \([0-9.]*\) s .*/\1/p' <<<"$line")"
done
python3 -c "import sys; t1, t2 = map(float, sys.argv[1:]); print(f'hnswlib speed-up 1 -> 2 threads: {t1 / t2:.2f}x')" \
  "${peer[1]:-0}" "${peer[2]:-1}"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
