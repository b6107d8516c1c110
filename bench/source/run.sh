#!/usr/bin/env bash
# WebDataset shards against the same photos as loose files, and the embed job's memory on one big tar.
# Usage: bench/source/run.sh [PHOTOS] [ROUNDS]   (default: ../shared/data/photos, 2 rounds; run via bench-exclusive)
# Needs a build (mvn -DskipTests package). Tiny model, local[2], -Xmx1g.
#  1. The photos as files (shards of 100) and as 4 tars of 100 samples written by Python's tarfile (jpg + txt),
#     embedded alternately; wall time of each embed command and the job's own images/s from its run report.
#  2. Peak RSS of `embed` on one tar of ~200 MB and one of ~2 GB (the photos repeated under new keys): it must not
#     grow with the tar, which is streamed one sample at a time.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
photos=$(realpath "${1:-$root/../shared/data/photos}")
rounds=${2:-2}
model="$root/pipeline-core/src/test/resources/tiny-clip"
export IMGSEARCH_JAVA_OPTS="-Xmx1g"
mkdir -p "$work/files"
find "$photos" -maxdepth 1 \( -iname '*.jpeg' -o -iname '*.jpg' \) -print0 | xargs -0 cp -t "$work/files/"
count=$(ls "$work/files" | wc -l)

/usr/bin/python3 - "$work/files" "$work/tars" "$work/big200" "$work/big2000" <<'PY'
import io, os, sys, tarfile
files, tars, big200, big2000 = sys.argv[1:5]
names = sorted(os.listdir(files))
def add(tar, key, name):
    tar.add(os.path.join(files, name), arcname=key + ".jpg")
    caption = name.encode()
    info = tarfile.TarInfo(key + ".txt"); info.size = len(caption)
    tar.addfile(info, io.BytesIO(caption))
os.makedirs(tars)
for s in range(4):
    with tarfile.open(os.path.join(tars, f"{s:05d}.tar"), "w") as tar:
        for i, name in enumerate(names[s * 100:(s + 1) * 100]):
            add(tar, f"{s:05d}{i:04d}", name)
for folder, target in ((big200, 200 << 20), (big2000, 2000 << 20)):
    os.makedirs(folder)
    with tarfile.open(os.path.join(folder, "00000.tar"), "w") as tar:
        n = 0
        while True:
            for name in names:
                add(tar, f"{n:09d}", name)
                n += 1
            if tar.fileobj.tell() >= target:
                break
    print(folder, n, "samples", os.path.getsize(os.path.join(folder, "00000.tar")) >> 20, "MiB")
PY

embed() { # INPUT OUTPUT [extra args]
  local input=$1 out=$2; shift 2
  rm -rf "$out"
  local start end
  start=$(date +%s.%N)
  "$root/bin/imgsearch" embed --input "$input" --output "$out" --master 'local[2]' --model "$model" "$@" >/dev/null 2>"$out.log"
  end=$(date +%s.%N)
  local rate
  rate=$(grep -o '"imagesPerSecond" : [0-9.]*' "$out/run-report.json" | head -1 | awk '{print $3}')
  printf '%s wall %.1f s, job %.1f images/s\n' "$(basename "$input")" "$(echo "$end - $start" | bc)" "$rate"
}

echo "photos: $count files, $(du -sh "$work/files" | cut -f1)"
for round in $(seq "$rounds"); do
  echo "round $round"
  embed "$work/files" "$work/out-files" --shard-size 100
  embed "$work/tars" "$work/out-tars"
done

for big in big200 big2000; do
  rm -rf "$work/out-$big"
  /usr/bin/time -f "$big peak RSS %M KiB, wall %e s" "$root/bin/imgsearch" embed --input "$work/$big" \
    --output "$work/out-$big" --master 'local[2]' --model "$model" >/dev/null 2>"$work/$big.log" || { cat "$work/$big.log"; exit 1; }
  tail -1 "$work/$big.log"
  grep -o '"embedded" : [0-9]*' "$work/out-$big/run-report.json" | head -1
done
