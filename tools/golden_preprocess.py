#!/usr/bin/python3
"""Reference outputs of CLIP's preprocessing for the golden fixtures, computed by the real Python stack.

For each file in pipeline-core/src/test/resources/golden/fixtures it applies open_clip's / OpenAI clip.py's inference
transform to PIL.Image.open(path) with torchvision's own transforms (Pillow 9.4, torchvision 0.14):
    Resize(224, BICUBIC) -> CenterCrop(224) -> convert("RGB") -> ToTensor() -> Normalize(mean, std)
and stores, in pipeline-core/src/test/resources/golden:
    references/NAME.rgb.npy.gz   the uint8 HWC image after the crop and the RGB conversion
    normalize_lut.npy            float32 [3, 256]: ToTensor+Normalize of every byte value per channel
    full/NAME.pixels.npy.gz      the whole float32 CHW tensor of one fixture, as a direct spot check
    manifest.tsv                 name, PIL mode and size after Image.open (the decoder must agree)
ToTensor and Normalize work element by element, so the tensor of each fixture equals the LUT applied to its uint8
image; this script asserts that for every fixture, which is why the float references can be stored as one small LUT.
Run with Debian's /usr/bin/python3 (the one with torch).
"""
import gzip
import io
import os
import sys

import numpy as np
import torch
from PIL import Image
from torchvision import transforms as T

SIZE = 224
MEAN = (0.48145466, 0.4578275, 0.40821073)
STD = (0.26862954, 0.26130258, 0.27577711)
FULL_TENSOR_FIXTURE = "png_rgba_down.png"

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pipeline-core", "src", "test", "resources",
                    "golden")


def save_npy_gz(path, array):
    buf = io.BytesIO()
    np.save(buf, array)
    with open(path, "wb") as f:
        # mtime 0 keeps the bytes reproducible
        with gzip.GzipFile(fileobj=f, mode="wb", mtime=0, filename="") as gz:
            gz.write(buf.getvalue())


def main():
    resize_crop = T.Compose([
        T.Resize(SIZE, interpolation=T.InterpolationMode.BICUBIC),
        T.CenterCrop(SIZE),
        lambda im: im.convert("RGB"),
    ])
    to_pixels = T.Compose([T.ToTensor(), T.Normalize(MEAN, STD)])

    ramp = Image.fromarray(np.repeat(np.arange(256, dtype=np.uint8)[None, :, None], 3, axis=2), "RGB")
    lut = to_pixels(ramp).numpy()[:, 0, :].astype(np.float32)
    np.save(os.path.join(ROOT, "normalize_lut.npy"), lut)

    fixtures_dir = os.path.join(ROOT, "fixtures")
    os.makedirs(os.path.join(ROOT, "references"), exist_ok=True)
    os.makedirs(os.path.join(ROOT, "full"), exist_ok=True)
    manifest = []
    for name in sorted(os.listdir(fixtures_dir)):
        im = Image.open(os.path.join(fixtures_dir, name))
        manifest.append(f"{name}\t{im.mode}\t{im.size[0]}\t{im.size[1]}")
        rgb_image = resize_crop(im)
        rgb = np.asarray(rgb_image)
        assert rgb.shape == (SIZE, SIZE, 3) and rgb.dtype == np.uint8, (name, rgb.shape)
        pixels = to_pixels(rgb_image).numpy()
        from_lut = np.stack([lut[c][rgb[:, :, c]] for c in range(3)])
        assert np.array_equal(pixels, from_lut), f"{name}: tensor differs from the LUT"
        save_npy_gz(os.path.join(ROOT, "references", name + ".rgb.npy.gz"), rgb)
        if name == FULL_TENSOR_FIXTURE:
            save_npy_gz(os.path.join(ROOT, "full", name + ".pixels.npy.gz"), pixels)
    with open(os.path.join(ROOT, "manifest.tsv"), "w") as f:
        f.write("\n".join(manifest) + "\n")
    print(f"{len(manifest)} references written (torch {torch.__version__}, "
          f"Pillow {Image.__version__})", file=sys.stderr)


if __name__ == "__main__":
    main()
