#!/usr/bin/env bash
# Decode + CLIP preprocessing per core, Java (PreprocessBench) against PIL + torchvision (preprocess_bench.py), side by
# side in one run, each pinned to one core; then checks that both produced identical 224x224 pixels for every file.
# Usage: bench/preprocess/run.sh FILE_LIST [JAVA_PASSES] [PYTHON_PASSES]   (default 5 3)
#   e.g. find ../shared/data/photos -name '*.JPEG' | sort > /tmp/photos.txt; bench/preprocess/run.sh /tmp/photos.txt
# BASELINE_CLASSES=DIR also runs PreprocessBench over another build's pipeline-core classes (e.g. main's
# pipeline-core/target/classes), in the same run, to measure a change against what it replaces.
# Java runs once per decoder set in DECODERS (default "native imageio"): native is libjpeg-turbo for JPEG and libspng
# for PNG, imageio the JDK's readers for both.
set -euo pipefail
list=$(realpath "${1:?usage: bench/preprocess/run.sh FILE_LIST [JAVA_PASSES] [PYTHON_PASSES]}")
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
classpath="$(bench_classpath)"
cd "$root"
java_bench() {
  local jpeg=auto png=auto
  case "${4:-}" in
    native) jpeg=turbojpeg png=libspng ;;
    imageio) jpeg=imageio png=imageio ;;
  esac
  taskset -c 1 java -XX:ActiveProcessorCount=1 -Dimgsearch.jpeg.decoder="$jpeg" -Dimgsearch.png.decoder="$png" -cp "$1" \
    dev.imgsearch.bench.preprocess.PreprocessBench "$list" "$2" "${3:-5}"
}
if [[ -n "${BASELINE_CLASSES:-}" ]]; then
  echo "baseline: $BASELINE_CLASSES"
  java_bench "$BASELINE_CLASSES:$classpath" "$work/baseline.tsv" "${2:-5}" | sed 's/^java/baseline java/'
fi
decoders=(${DECODERS:-native imageio})
for decoder in "${decoders[@]}"; do
  java_bench "$classpath" "$work/java-$decoder.tsv" "${2:-5}" "$decoder" | sed "s/^java/java [$decoder]/"
done
taskset -c 1 /usr/bin/python3 bench/preprocess/preprocess_bench.py "$list" "$work/py.tsv" "${3:-3}"
status=0
for decoder in "${decoders[@]}"; do
  if cmp -s <(cut -f1-3 "$work/java-$decoder.tsv") <(cut -f1-3 "$work/py.tsv"); then
    echo "pixels [$decoder]: identical for all $(wc -l < "$work/py.tsv") files"
  else
    echo "pixels [$decoder]: DIFFER"; diff <(cut -f1-3 "$work/java-$decoder.tsv") <(cut -f1-3 "$work/py.tsv") | head -20
    status=1
  fi
done
exit "$status"
