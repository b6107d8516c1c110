#!/usr/bin/python3
"""Golden fixtures for the less common layouts Pillow 9.4 opens (issue 15): TIFF 1-bit (raw, PackBits, CCITT G3/G4),
2/4-bit grey, 16-bit RGB/RGBA, CMYK, palette at 1/2/4 bits, multi-page, GIFs with an LZW code size past the
specification's 8, and the layouts still refused.

Pillow writes what it can; the rest is written here by a small baseline-TIFF writer, so that every file is exactly
the layout its name says. Sources are clip-art from the corpus (fetch-images.sh), shrunk to keep each file a few KB.
Usage: /usr/bin/python3 tools/make_layout_fixtures.py IMAGES_DIR   (run by make_golden_fixtures.sh)
"""
import os
import struct
import sys

import numpy as np
from PIL import Image

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pipeline-core", "src", "test", "resources",
                    "golden")
FIXTURES = os.path.join(ROOT, "fixtures")
UNSUPPORTED = os.path.join(ROOT, "unsupported")


def tiff(path, width, height, bits, photometric, strip, samples=1, extra=None, colormap=None, compression=1):
    """A little-endian, one-strip baseline TIFF whose pixel bytes are `strip`, packed as the file stores them."""
    entries = [(256, 4, [width]), (257, 4, [height]), (258, 3, [bits] * samples), (259, 3, [compression]),
               (262, 3, [photometric]), (273, 4, [0]), (277, 3, [samples]), (278, 4, [height]),
               (279, 4, [len(strip)]), (284, 3, [1])]
    if colormap is not None:
        entries.append((320, 3, colormap))
    if extra is not None:
        entries.append((338, 3, [extra]))
    entries.sort()
    ifd_size = 2 + 12 * len(entries) + 4
    data_at = 8 + ifd_size
    blobs = b""
    body = struct.pack("<H", len(entries))
    for tag, kind, values in entries:
        fmt = "H" if kind == 3 else "I"
        raw = struct.pack("<" + fmt * len(values), *values)
        if tag == 273:
            continue
        if len(raw) <= 4:
            body += struct.pack("<HHI", tag, kind, len(values)) + raw.ljust(4, b"\0")
        else:
            body += struct.pack("<HHII", tag, kind, len(values), data_at + len(blobs))
            blobs += raw
    strip_at = data_at + len(blobs)
    # StripOffsets goes in its sorted place, now that the strip's position is known.
    body = b""
    blobs = b""
    body = struct.pack("<H", len(entries))
    for tag, kind, values in entries:
        fmt = "H" if kind == 3 else "I"
        if tag == 273:
            values = [strip_at]
        raw = struct.pack("<" + fmt * len(values), *values)
        if len(raw) <= 4:
            body += struct.pack("<HHI", tag, kind, len(values)) + raw.ljust(4, b"\0")
        else:
            body += struct.pack("<HHII", tag, kind, len(values), data_at + len(blobs))
            blobs += raw
    body += struct.pack("<I", 0)
    with open(path, "wb") as f:
        f.write(b"II*\0" + struct.pack("<I", 8) + body + blobs + strip)


def pack(values, bits):
    """Rows of small integers packed MSB first, each row padded to a whole byte."""
    rows = []
    for row in values:
        bitstring = "".join(format(int(v), f"0{bits}b") for v in row)
        bitstring += "0" * (-len(bitstring) % 8)
        rows.append(int(bitstring, 2).to_bytes(len(bitstring) // 8, "big") if bitstring else b"")
    return b"".join(rows)


def rle_bmp(path, indices, palette, rle4, delta_row=None):
    """A bottom-up RLE8/RLE4 BMP encoded by the rules of the format: runs, absolute runs (odd ones too), one delta
    escape in `delta_row` and end-of-line/end-of-bitmap codes; Pillow reads the delta and odd RLE4 runs its own way."""
    height, width = indices.shape
    out = bytearray()
    for y in range(height - 1, -1, -1):
        row = [int(v) for v in indices[y]]
        x = 0
        if y == delta_row:
            out += bytes([0, 2, 5, 0])
            x = 5
        while x < width:
            run = 1
            while x + run < width and run < 255 and row[x + run] == row[x]:
                run += 1
            if run >= 3 or width - x < 3:
                n = run if run >= 3 else 1
                out += bytes([n, (row[x] << 4 | row[x]) if rle4 else row[x]])
                x += n
                continue
            n = 3
            while x + n < width and n < 255 and not (x + n + 2 < width and row[x + n] == row[x + n + 1] == row[x + n + 2]):
                n += 1
            literal = row[x:x + n]
            if rle4:
                packed = bytes((literal[i] << 4) | (literal[i + 1] if i + 1 < n else 0) for i in range(0, n, 2))
            else:
                packed = bytes(literal)
            out += bytes([0, n]) + packed + (b"\0" if len(packed) % 2 else b"")
            x += n
        out += bytes([0, 0])
    out += bytes([0, 1])
    colors = len(palette) // 3
    header = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 4 if rle4 else 8, 2 if rle4 else 1, len(out),
                         2835, 2835, colors, 0)
    table = b"".join(bytes([palette[3 * i + 2], palette[3 * i + 1], palette[3 * i], 0]) for i in range(colors))
    offset = 14 + len(header) + len(table)
    with open(path, "wb") as f:
        f.write(b"BM" + struct.pack("<IHHI", offset + len(out), 0, 0, offset) + header + table + out)


def lzw_gif(path, image, code_size, interlaced=False):
    """A GIF of a palette image whose LZW data uses `code_size` (Pillow reads 1..12; the GIF specification stops at 8),
    encoded by the usual rules: a string table, code width growing to 12 bits, a clear code when the table is full."""
    width, height = image.size
    indices = np.asarray(image)
    rows = list(range(height))
    if interlaced:
        rows = [y for start, step in ((0, 8), (4, 8), (2, 4), (1, 2)) for y in range(start, height, step)]
    pixels = [int(v) for y in rows for v in indices[y]]
    clear, end = 1 << code_size, (1 << code_size) + 1
    out, acc, nbits = bytearray(), 0, 0

    def emit(code, bits):
        nonlocal acc, nbits
        acc |= code << nbits
        nbits += bits
        while nbits >= 8:
            out.append(acc & 0xFF)
            acc >>= 8
            nbits -= 8

    bits, next_code, table = code_size + 1, end + 1, {}
    emit(clear, bits)
    prefix = pixels[0]
    for v in pixels[1:]:
        if (prefix, v) in table:
            prefix = table[(prefix, v)]
            continue
        emit(prefix, bits)
        if next_code < 4096:
            table[(prefix, v)] = next_code
            next_code += 1
            if next_code > 1 << bits and bits < 12:
                bits += 1
            if next_code == 4096:
                emit(clear, bits)
                bits, next_code, table = code_size + 1, end + 1, {}
        prefix = v
    emit(prefix, bits)
    emit(end, bits)
    if nbits:
        out.append(acc & 0xFF)
    data = bytes(out)
    palette = image.getpalette()[:768]
    palette += [0] * (768 - len(palette))
    blocks = b"".join(bytes([len(data[i:i + 255])]) + data[i:i + 255] for i in range(0, len(data), 255)) + b"\0"
    with open(path, "wb") as f:
        f.write(b"GIF89a" + struct.pack("<HHBBB", width, height, 0xF7, 0, 0) + bytes(palette))
        f.write(b"," + struct.pack("<HHHHB", 0, 0, width, height, 0x40 if interlaced else 0) + bytes([code_size]))
        f.write(blocks + b";")
    check = Image.open(path)
    assert check.mode == "P" and np.array_equal(np.asarray(check), indices), path


def main():
    oc = os.path.join(sys.argv[1], "openclipart")
    os.makedirs(FIXTURES, exist_ok=True)
    os.makedirs(UNSUPPORTED, exist_ok=True)

    def source(rel, size, mode="RGB"):
        im = Image.open(os.path.join(oc, rel)).convert("RGBA")
        ground = Image.new("RGBA", im.size, (250, 245, 235, 255))
        ground.alpha_composite(im)
        return ground.convert(mode).resize(size, Image.BICUBIC)

    # 1-bit: a dithered chess piece, raw, PackBits and CCITT (libtiff through Pillow).
    bishop = source("recreation/games/chess/chesspieces-bishop.png", (150, 300), "L").convert("1")
    bishop.save(f"{FIXTURES}/tiff_1bit_raw.tif")
    bishop.save(f"{FIXTURES}/tiff_1bit_packbits.tif", compression="packbits")
    bishop.save(f"{FIXTURES}/tiff_1bit_g3.tif", compression="group3")
    bishop.save(f"{FIXTURES}/tiff_1bit_g4.tif", compression="group4")
    # 1-bit min-is-white (photometric 0), as fax software writes it.
    bits = (np.asarray(bishop) == 0).astype(np.uint8)
    tiff(f"{FIXTURES}/tiff_1bit_miniswhite.tif", 150, 300, 1, 0, pack(bits, 1))

    # 2- and 4-bit grey, min-is-black and min-is-white.
    king = np.asarray(source("recreation/games/chess/chesspieces-king.png", (120, 230), "L"))
    tiff(f"{FIXTURES}/tiff_grey2.tif", 120, 230, 2, 1, pack(king >> 6, 2))
    tiff(f"{FIXTURES}/tiff_grey4.tif", 120, 230, 4, 1, pack(king >> 4, 4))
    tiff(f"{FIXTURES}/tiff_grey4_miniswhite.tif", 120, 230, 4, 0, pack((255 - king) >> 4, 4))
    tiff(f"{FIXTURES}/tiff_grey2_miniswhite.tif", 120, 230, 2, 0, pack((255 - king) >> 6, 2))
    tiff(f"{FIXTURES}/tiff_grey8_miniswhite.tif", 60, 115, 8, 0, (255 - king[::2, ::2]).tobytes())

    # Palette at 1, 2 and 4 bits (16-bit colour map entries).
    duck = source("animals/birds/jonathon_s_duck_01.png", (140, 120)).quantize(16)
    indices = np.asarray(duck)
    lut = duck.getpalette()[:48]
    for depth in (2, 4):
        n = 1 << depth
        cmap = [lut[3 * i + c] * 257 if i < 16 else 0 for c in range(3) for i in range(n)]
        tiff(f"{FIXTURES}/tiff_palette{depth}.tif", 140, 120, depth, 3, pack(indices % n, depth),
             colormap=cmap)
    cmap = [v for c in range(3) for v in ([40 * 257, 230 * 257] if c != 1 else [90 * 257, 200 * 257])]
    tiff(f"{FIXTURES}/tiff_palette1.tif", 140, 120, 1, 3, pack(indices % 2, 1), colormap=cmap)

    # 16-bit RGB and RGBA (Pillow keeps the high byte), little-endian samples.
    venus = np.asarray(source("science/astronomy/venus_dan_gerhards_01.png", (60, 56))).astype(np.uint16)
    rgb16 = venus * 257 + np.arange(60, dtype=np.uint16)[None, :, None]
    tiff(f"{FIXTURES}/tiff_rgb16.tif", 60, 56, 16, 2, rgb16.astype("<u2").tobytes(), samples=3)
    flask = Image.open(os.path.join(oc, "science/chemistry_flask_matthew__02.png")).convert("RGBA").resize((50, 60))
    rgba16 = np.asarray(flask).astype(np.uint16) * 257
    tiff(f"{FIXTURES}/tiff_rgba16.tif", 50, 60, 16, 2, rgba16.astype("<u2").tobytes(), samples=4, extra=2)

    # CMYK, 8 bits, raw and LZW (Pillow).
    saturn = source("science/astronomy/saturn_dan_gerhards_01.png", (81, 61)).convert("CMYK")
    saturn.save(f"{FIXTURES}/tiff_cmyk.tif")
    saturn.save(f"{FIXTURES}/tiff_cmyk_lzw.tif", compression="tiff_lzw")

    # Multi-page: the first page counts (a 1-bit page then an RGB page; a palette page first).
    moon = source("science/astronomy/full_moon_dan_gerhards_01.png", (40, 36))
    bishop.resize((75, 150)).save(f"{FIXTURES}/tiff_multipage_1bit.tif", save_all=True, append_images=[moon])
    duck.save(f"{FIXTURES}/tiff_multipage_palette.tif", save_all=True, append_images=[moon, bishop])

    # Palette RLE BMPs: RLE8 with a colour palette, RLE4 with a grey ramp of 16 (mode L), both with a delta escape.
    duck8 = source("animals/birds/jonathon_s_duck_01.png", (97, 83)).quantize(40)
    rle_bmp(f"{FIXTURES}/bmp_rle8.bmp", np.asarray(duck8), duck8.getpalette()[:120], False, delta_row=40)
    duck4 = source("animals/birds/jonathon_s_duck_01.png", (97, 83)).quantize(16)
    rle_bmp(f"{FIXTURES}/bmp_rle4.bmp", np.asarray(duck4), duck4.getpalette()[:48], True, delta_row=20)
    grey4 = np.asarray(source("recreation/games/chess/chesspieces-king.png", (61, 90), "L")) >> 4
    rle_bmp(f"{FIXTURES}/bmp_rle4_grey.bmp", grey4, [v for i in range(16) for v in (i, i, i)], True)

    # GIF LZW code sizes the JDK refuses: 9 (a table that fills and clears), 12 interlaced (no table at all).
    duck = source("animals/birds/jonathon_s_duck_01.png", (200, 150)).quantize(200)
    lzw_gif(f"{FIXTURES}/gif_lzw_code9.gif", duck, 9)
    flask = source("science/chemistry_flask_matthew__02.png", (45, 61)).quantize(60)
    lzw_gif(f"{FIXTURES}/gif_lzw_code12_interlaced.gif", flask, 12, interlaced=True)

    # Refused, each with a reason naming its layout: 16-bit grey opens as "I;16", which Pillow cannot resize.
    grey16 = (king[:60, :40].astype(np.uint16) * 257).astype("<u2")
    tiff(f"{UNSUPPORTED}/tiff_grey16.tif", 40, 60, 16, 1, grey16.tobytes())
    # Lab: Pillow's LAB to RGB conversion is not reproduced.
    Image.frombytes("LAB", (40, 30), bytes(range(256)) * 14 + bytes(16)).save(f"{UNSUPPORTED}/tiff_lab.tif")


if __name__ == "__main__":
    main()
