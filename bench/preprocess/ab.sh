#!/usr/bin/env bash
# Decode + CLIP preprocessing per core of several pipeline-core builds in one JVM, passes alternating
# (AlternatingBench), pinned to one core like run.sh: for measuring a change against what it replaces.
# Usage: bench/preprocess/ab.sh FILE_LIST ROUNDS CLASSES_DIR...
#   e.g. bench/preprocess/ab.sh /tmp/clipart.txt 9 MAIN/pipeline-core/target/classes pipeline-core/target/classes
# The first two rounds are warm-up; the mean of the others is printed per build.
set -euo pipefail
list=$(realpath "${1:?usage: bench/preprocess/ab.sh FILE_LIST ROUNDS CLASSES_DIR...}")
rounds=${2:?usage: bench/preprocess/ab.sh FILE_LIST ROUNDS CLASSES_DIR...}
shift 2
dirs=()
for d in "$@"; do dirs+=("$(realpath "$d")"); done
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
classpath="$(bench_classpath)"
# The builds bring their own pipeline-core classes; everything else (the jars) is shared.
dependencies=$(tr ':' '\n' <<<"$classpath" | grep '\.jar$' | paste -sd:)
cd "$root"
taskset -c 1 java -XX:ActiveProcessorCount=1 -Dimgsearch.jpeg.decoder=turbojpeg -Dimgsearch.png.decoder=libspng \
  -cp "$root/bench/target/classes" dev.imgsearch.bench.preprocess.AlternatingBench "$list" "$rounds" "$dependencies" \
  "${dirs[@]}"
