#!/usr/bin/python3
"""The Python reference of PreprocessBench: PIL + torchvision CLIP preprocessing on one thread.

Usage: taskset -c 0 /usr/bin/python3 bench/preprocess/preprocess_bench.py FILE_LIST OUT.tsv [passes]
Files are read into memory first; each pass times (wall clock and this thread's CPU time) Image.open + Resize + CenterCrop + convert("RGB") + ToTensor +
Normalize. OUT.tsv gets path, PIL mode and the SHA-256 of the 224x224 RGB bytes (or the error) per file.
"""
import hashlib
import io
import sys
import time
import warnings

import numpy as np
import torch
from PIL import Image
from torchvision import transforms as T

warnings.simplefilter("ignore")
torch.set_num_threads(1)
MEAN = (0.48145466, 0.4578275, 0.40821073)
STD = (0.26862954, 0.26130258, 0.27577711)
resize_crop = T.Compose([T.Resize(224, interpolation=T.InterpolationMode.BICUBIC), T.CenterCrop(224),
                         lambda im: im.convert("RGB")])
to_pixels = T.Compose([T.ToTensor(), T.Normalize(MEAN, STD)])


def main():
    paths = [p for p in open(sys.argv[1]).read().splitlines() if p.strip()]
    passes = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    files = [open(p, "rb").read() for p in paths]
    for n in range(1, passes + 1):
        start = time.perf_counter()
        cpu_start = time.thread_time()
        ok = 0
        for data in files:
            try:
                to_pixels(resize_crop(Image.open(io.BytesIO(data))))
                ok += 1
            except Exception:
                pass
        seconds = time.perf_counter() - start
        cpu_seconds = time.thread_time() - cpu_start
        print(f"python pass {n}: {len(files)} files ({ok} decoded): wall {seconds:.2f} s = "
              f"{len(files) / seconds:.1f} images/s, cpu {cpu_seconds:.2f} s = {len(files) / cpu_seconds:.1f} images/s")
    # Where the time goes: Image.open + load alone (libjpeg-turbo's decode with its colour conversion).
    cpu_start = time.thread_time()
    for data in files:
        try:
            Image.open(io.BytesIO(data)).load()
        except Exception:
            pass
    print(f"python decode only: {(time.thread_time() - cpu_start) * 1000 / len(files):.2f} ms per image (cpu)")
    with open(sys.argv[2], "w") as out:
        for path, data in zip(paths, files):
            try:
                im = Image.open(io.BytesIO(data))
                mode = im.mode
                rgb = np.asarray(resize_crop(im))
                result = f"{mode}\t{hashlib.sha256(rgb.tobytes()).hexdigest()}"
            except Exception as e:
                result = f"error\t{type(e).__name__}: {e}"
            out.write(f"{path}\t{result}\n")


if __name__ == "__main__":
    main()
