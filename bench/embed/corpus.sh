#!/usr/bin/env bash
# End-to-end embed benchmark on the real corpus (~7,700 PNGs from Debian's clip-art packages) plus 5 broken files.
# Usage: bench/embed/corpus.sh [WORKDIR] [MASTER]     (default: target/bench-corpus, local[2])
# Needs a build (mvn -DskipTests package) and ../shared/data/fetch-images.sh, or IMAGES=DIR with the images already.
# Checks that embedded rows + error rows = input files and that each broken file is listed, and prints images/s.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(realpath -m "${1:-$root/target/bench-corpus}")
master=${2:-local[2]}
images=${IMAGES:-$work/images}
mkdir -p "$work"
if [ ! -f "$images/.complete" ]; then
  bash "$root/../shared/data/fetch-images.sh" "$images"
fi
input="$work/input"
rm -rf "$input" "$work/out"
mkdir -p "$input/broken"
ln -s "$images/openclipart" "$input/openclipart"
ln -s "$images/tuxpaint" "$input/tuxpaint"
some_png=$(find "$images/tuxpaint" -name '*.png' | sort | head -1)
head -c 300 "$some_png" > "$input/broken/truncated.png"
: > "$input/broken/empty.jpg"
echo "not an image" > "$input/broken/notes.png"
printf 'GIF89a\x00\x01garbage' > "$input/broken/garbage.gif"
printf '\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00u0\x00\x00u0\x08\x02\x00\x00\x00\x00\x00\x00\x00' > "$input/broken/bomb.png"
inputs=$(find -L "$input" -type f | wc -l)
echo "inputs: $inputs files"
start=$(date +%s.%N)
"$root/bin/imgsearch" embed --input "$input" --output "$work/out" --master "$master" \
  --model "$root/pipeline-core/src/test/resources/tiny-clip"
end=$(date +%s.%N)
"$root/bin/imgsearch" inspect "$work/out" --errors | tee "$work/inspect.txt"
embedded=$(awk '/^embeddings:/ {print $2}' "$work/inspect.txt")
errors=$(awk '/^errors:/ {print $2}' "$work/inspect.txt")
echo "embedded $embedded + errors $errors = $((embedded + errors)) of $inputs inputs"
[ $((embedded + errors)) -eq "$inputs" ] || { echo "MISMATCH"; exit 1; }
for f in truncated.png empty.jpg notes.png garbage.gif bomb.png; do
  grep -q "broken/$f" "$work/inspect.txt" || { echo "broken file $f not listed"; exit 1; }
done
python3 - "$start" "$end" "$inputs" <<'PY'
import sys
s, e, n = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
print(f"wall {e - s:.1f} s (incl. JVM and Spark start), {n / (e - s):.1f} images/s end to end")
PY
grep -o '"imagesPerSecond" : [0-9.]*' "$work/out/run-report.json" | head -1
