#!/usr/bin/env bash
# Re-encodes a list of corpus PNGs into the other formats (JPEG 4:2:0 / 4:4:4 / progressive / grey / CMYK, WebP lossy
# and lossless, GIF, BMP, TIFF) so that PreprocessBench and preprocess_bench.py can be compared beyond PNG.
# Usage: bench/preprocess/corpus_variants.sh FILE_LIST OUT_DIR   (writes OUT_DIR/list.txt)
set -euo pipefail
list=${1:?usage: corpus_variants.sh FILE_LIST OUT_DIR}
out=${2:?usage: corpus_variants.sh FILE_LIST OUT_DIR}
mkdir -p "$out"
/usr/bin/python3 - "$list" "$out" <<'PY'
import os, subprocess, sys, warnings
from PIL import Image
warnings.simplefilter("ignore")
paths = [p for p in open(sys.argv[1]).read().splitlines() if p.strip()]
out = sys.argv[2]
written = []
for i, path in enumerate(paths):
    try:
        im = Image.open(path)
        im.load()
    except Exception:
        continue
    base = os.path.join(out, f"{i:04d}")
    rgba = im.convert("RGBA")
    flat = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    flat.alpha_composite(rgba)
    rgb = flat.convert("RGB")
    kind = i % 9
    if kind == 0:
        rgb.save(base + ".jpg", quality=85)
    elif kind == 1:
        rgb.save(base + ".jpg", quality=92, subsampling=0)
    elif kind == 2:
        rgb.save(base + ".jpg", quality=80, progressive=True)
    elif kind == 3:
        rgb.convert("L").save(base + ".jpg", quality=85)
    elif kind == 4:
        rgb.convert("CMYK").save(base + ".jpg", quality=90)
    elif kind == 5:
        rgba.save(base + ".png")
        subprocess.run(["cwebp", "-quiet", "-q", "80", base + ".png", "-o", base + ".webp"], check=True)
        os.remove(base + ".png")
    elif kind == 6:
        rgba.save(base + ".webp", lossless=True)
    elif kind == 7:
        im.convert("RGBA").save(base + ".gif")
    else:
        (rgb.save(base + ".bmp") if i % 2 else rgb.save(base + ".tif", compression="tiff_lzw"))
    written.extend(os.path.join(out, f) for f in os.listdir(out) if f.startswith(f"{i:04d}."))
with open(os.path.join(out, "list.txt"), "w") as f:
    f.write("\n".join(sorted(written)) + "\n")
print(len(written), "files")
PY
