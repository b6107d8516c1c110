#!/usr/bin/env bash
# The embed task's body (ShardEmbedder, tiny model) against preprocessing alone on one core, then one task with a
# preprocessing pool against as many one-thread tasks at once (Spark's many tasks per GPU) on CORES cores.
# Usage: bench/embed/task.sh INPUT_DIR [CORES]      (default 2; the cores are 0..CORES-1)
#   e.g. mkdir -p /work/data-cache/photos-x10; for i in $(seq 0 9); do cp -al ../shared/data/photos \
#        /work/data-cache/photos-x10/copy$i; done; bench/embed/task.sh /work/data-cache/photos-x10
set -euo pipefail
input=$(realpath "${1:?usage: bench/embed/task.sh INPUT_DIR [CORES]}")
cores=${2:-2}
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
classpath="$(bench_classpath)"
cd "$root"
model="$root/pipeline-core/src/test/resources/tiny-clip"
run() {
  taskset -c "$1" java -XX:ActiveProcessorCount="$2" -cp "$classpath" dev.imgsearch.bench.embed.EmbedTaskBench \
    "$input" "$model" "$work" "${@:3}"
}
run 1 1 per-task
run "0-$((cores - 1))" "$cores" spread "$cores"
