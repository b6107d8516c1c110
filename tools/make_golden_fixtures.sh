#!/usr/bin/env bash
# Makes the small image fixtures of the golden preprocessing test from the real corpus (fetch-images.sh).
# Every format/mode the decoder must match Pillow on, with down-scales, up-scales and odd crop offsets.
# Usage: tools/make_golden_fixtures.sh IMAGES_DIR    (then run tools/golden_preprocess.py for the references)
# Needs: /usr/bin/python3 with Pillow, cjpeg (libjpeg-turbo-progs), ImageMagick convert, cwebp, gif2webp.
set -euo pipefail
images=${1:?usage: make_golden_fixtures.sh IMAGES_DIR}
images=$(cd "$images" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/pipeline-core/src/test/resources/golden/fixtures"
rm -rf "$out" && mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
oc="$images/openclipart"

# Sources flattened to RGB for the lossy formats: a clip-art planet on a blue ground, odd sizes.
/usr/bin/python3 - "$oc" "$tmp" "$out" <<'PY'
import sys
import numpy as np
from PIL import Image
oc, tmp, out = sys.argv[1:4]

def flat(path, size, ground=(30, 60, 120)):
    im = Image.open(path).convert("RGBA")
    bg = Image.new("RGBA", im.size, ground + (255,))
    bg.alpha_composite(im)
    return bg.convert("RGB").resize(size, Image.BICUBIC)

flat(f"{oc}/science/astronomy/saturn_dan_gerhards_01.png", (391, 343)).save(f"{tmp}/saturn.ppm")
flat(f"{oc}/science/astronomy/jupiter_dan_gerhards_01.png", (257, 401)).save(f"{tmp}/jupiter.ppm")
flat(f"{oc}/science/astronomy/venus_dan_gerhards_01.png", (300, 281)).save(f"{tmp}/venus.ppm")
flat(f"{oc}/science/astronomy/full_moon_dan_gerhards_01.png", (150, 133), (200, 180, 40)).save(f"{tmp}/moon.ppm")

# PNG: as found in the corpus (RGB, RGBA, palette, palette+tRNS, grey, grey+alpha).
Image.open(f"{oc}/food/menu_example1.png").save(f"{out}/png_rgb.png")
Image.open(f"{oc}/science/chemistry_flask_matthew__02.png").save(f"{out}/png_rgba_down.png")
Image.open(f"{oc}/animals/birds/jonathon_s_duck_01.png").save(f"{out}/png_rgba_up.png")
Image.open(f"{oc}/animals/lucchetto_grigio_archite_01.png").save(f"{out}/png_rgba_small.png")
Image.open(f"{oc}/shapes/arrows/arrow1-2.png").save(f"{out}/png_palette.png")
Image.open(f"{oc}/animals/birds/flamand_bw_jean-victor_b_01.png").save(f"{out}/png_palette_trns.png")
Image.open(f"{oc}/people/gender_jakob_chaosinfait_.png").save(f"{out}/png_grey.png")
Image.open(f"{oc}/animals/birds/dove_symbol.png").save(f"{out}/png_grey_alpha.png")
# 1-bit: a dithered chess piece, scaled up (mode "1" is always resized with nearest).
Image.open(f"{oc}/recreation/games/chess/chesspieces-bishop.png").convert("1").save(f"{out}/png_1bit.png")
# 16-bit grey with values 0..510, so that Pillow's mode "I" resize and its clip to 255 both show.
king = np.asarray(Image.open(f"{oc}/recreation/games/chess/chesspieces-king.png").convert("L"), dtype=np.uint16)
Image.fromarray(king * 2).save(f"{out}/png_grey16.png")

# Extreme shapes: a single pixel (scaled up 224 times) and a 5-pixel-wide strip (long side 31360 before the crop).
Image.open(f"{oc}/food/menu_example1.png").crop((200, 150, 201, 151)).save(f"{out}/png_1x1.png")
Image.open(f"{oc}/people/gender_jakob_chaosinfait_.png").crop((170, 0, 175, 340)).save(f"{out}/png_strip_5x340.png")

# BMP, TIFF, GIF made with Pillow.
Image.open(f"{tmp}/moon.ppm").save(f"{out}/bmp_24_up.bmp")
Image.open(f"{tmp}/venus.ppm").quantize(200).save(f"{out}/bmp_8bit_palette.bmp")
Image.open(f"{tmp}/jupiter.ppm").save(f"{out}/tiff_rgb_lzw.tif", compression="tiff_lzw")
# An identity grey palette makes Pillow open a GIF as mode "L" (resized bicubic, not nearest).
Image.open(f"{oc}/people/gender_jakob_chaosinfait_.png").resize((210, 204)).save(f"{out}/gif_grey.gif", optimize=False)

# JPEG CMYK (Adobe transform 0, inverted) the way Pillow writes it.
Image.open(f"{tmp}/saturn.ppm").convert("CMYK").save(f"{out}/jpeg_cmyk.jpg", quality=90)
# JPEG with EXIF orientation 6 (rotate 90): Pillow's open ignores it, so must we.
im = Image.open(f"{tmp}/jupiter.ppm")
exif = im.getexif()
exif[0x0112] = 6
im.save(f"{out}/jpeg_exif_rotated.jpg", quality=85, exif=exif)
PY

# JPEG variants with libjpeg-turbo's cjpeg.
cjpeg -quality 88 -sample 2x2 "$tmp/saturn.ppm" > "$out/jpeg_420.jpg"
cjpeg -quality 92 -sample 1x1 "$tmp/venus.ppm" > "$out/jpeg_444.jpg"
cjpeg -quality 80 -progressive "$tmp/jupiter.ppm" > "$out/jpeg_progressive.jpg"
cjpeg -quality 85 -grayscale "$tmp/venus.ppm" > "$out/jpeg_grey.jpg"
cjpeg -quality 85 -sample 2x1 "$tmp/moon.ppm" > "$out/jpeg_422_up.jpg"
cjpeg -quality 85 -sample 1x2 "$tmp/saturn.ppm" > "$out/jpeg_440.jpg"
# Restart markers (also in a progressive file), 4:1:1, arithmetic coding, an image smaller than one MCU.
/usr/bin/python3 -c "from PIL import Image; im = Image.open('$out/png_rgb.png').convert('RGB'); \
im.resize((333, 251), Image.BICUBIC).save('$tmp/menu.ppm'); im.crop((100, 80, 103, 85)).save('$tmp/tiny.ppm')"
cjpeg -quality 87 -sample 2x2 -restart 2 "$tmp/menu.ppm" > "$out/jpeg_restart.jpg"
cjpeg -quality 85 -sample 2x1 -progressive -restart 1 "$tmp/menu.ppm" > "$out/jpeg_progressive_restart.jpg"
cjpeg -quality 87 -sample 4x1 "$tmp/menu.ppm" > "$out/jpeg_411.jpg"
cjpeg -quality 87 -sample 2x2 -arithmetic "$tmp/menu.ppm" > "$out/jpeg_arithmetic.jpg"
cjpeg -quality 90 -sample 2x2 "$tmp/tiny.ppm" > "$out/jpeg_tiny_3x5.jpg"
# Damage Pillow decodes through with a libjpeg warning: bytes before the EOI, a stray marker inside the scan.
/usr/bin/python3 - "$out" <<'PY'
import sys
out = sys.argv[1]
d = open(f"{out}/jpeg_restart.jpg", "rb").read()
open(f"{out}/jpeg_extraneous_bytes.jpg", "wb").write(d[:-2] + b"\x12\x34\x56" + d[-2:])
mid = d.index(b"\xff\xda") + (len(d) - d.index(b"\xff\xda")) // 2
while d[mid] == 0xFF or d[mid - 1] == 0xFF:
    mid += 1
open(f"{out}/jpeg_stray_marker.jpg", "wb").write(d[:mid] + b"\xff\xd4" + d[mid:])
PY
# ImageMagick writes CMYK JPEGs as YCCK (Adobe transform 2).
convert "$tmp/venus.ppm" -quality 90 -colorspace CMYK "$out/jpeg_ycck.jpg"
# A wide-gamut ICC profile that ImageIO would apply and Pillow ignores.
convert "$tmp/saturn.ppm" -quality 90 -profile /usr/share/color/icc/ghostscript/rommrgb.icc "$out/jpeg_icc_prophoto.jpg"

# 16-bit colour PNGs (Pillow keeps the high byte; 16-bit grey+alpha opens as RGBA).
convert "$oc/food/menu_example2.png" -resize 300x -depth 16 -define png:exclude-chunks=date,time "PNG48:$out/png_rgb16.png"
convert "$oc/animals/birds/dove_symbol.png" -resize 75% -depth 16 -define png:color-type=4 -define png:exclude-chunks=date,time "$out/png_grey_alpha16.png"

# GIF: an animation of three clip-art frames (first frame counts), and a first frame placed at an offset.
convert -delay 20 -dispose background "$oc/animals/birds/jonathon_s_duck_01.png" \
  "$oc/animals/sailor_monkey_nicu_bucul_01.png" "$oc/animals/dragon_head_nicu_buculei_01.png" \
  -loop 0 "$out/gif_animated.gif"
convert "$oc/animals/lucchetto_ottone_archite_01.png" -set page 190x170+31+17 "$out/gif_offset_frame.gif"

# WebP with libwebp's cwebp.
cwebp -quiet -q 80 "$tmp/saturn.ppm" -o "$out/webp_lossy.webp"
cwebp -quiet -q 75 "$oc/science/chemistry_flask_matthew__02.png" -o "$out/webp_lossy_alpha.webp"
cwebp -quiet -lossless "$oc/animals/birds/jonathon_s_duck_01.png" -o "$out/webp_lossless_alpha.webp"

# Inputs Pillow reads but this decoder refuses on purpose (not golden references; see ImageDecoderTest).
unsupported="$root/pipeline-core/src/test/resources/golden/unsupported"
rm -rf "$unsupported" && mkdir -p "$unsupported"
gif2webp -quiet "$out/gif_animated.gif" -o "$unsupported/webp_animated.webp"

# The less common layouts (TIFF 1-bit/CCITT, 2/4-bit grey, 16-bit colour, CMYK, palette depths, multi-page) and the
# TIFF layouts still refused.
/usr/bin/python3 "$root/tools/make_layout_fixtures.py" "$images"

ls -l "$out" | awk 'NR>1 {n++; s+=$5} END {print n " fixtures, " s " bytes"}'
