package dev.imgsearch.preprocess;

/** Ports of the libImaging/Convert.c routines the preprocessing needs, with their exact integer rounding. */
final class PillowConvert {

    private PillowConvert() {
    }

    /** MULDIV255: (a * b + 127) / 255, computed as Pillow does. */
    private static int mulDiv255(int a, int b) {
        int tmp = a * b + 128;
        return ((tmp >> 8) + tmp) >> 8;
    }

    private static byte clip8(int v) {
        return (byte) (v <= 0 ? 0 : Math.min(v, 255));
    }

    /** rgbA2rgba / lA2la over one colour column: colour[i] becomes MULDIV255(colour[i], alpha[i]) for i below n. */
    static void premultiply(int[] colour, int[] alpha, int n) {
        for (int i = 0; i < n; i++) {
            colour[i] = mulDiv255(colour[i], alpha[i]);
        }
    }

    /** rgbA2rgba / lA2la over {@code length} pixel-interleaved samples whose last band is alpha, in place. */
    static void premultiply(int[] samples, int length, int bands) {
        for (int i = 0; i < length; i += bands) {
            int alpha = samples[i + bands - 1];
            for (int b = 0; b < bands - 1; b++) {
                samples[i + b] = mulDiv255(samples[i + b], alpha);
            }
        }
    }

    /** rgba2rgbA / la2lA: undo premultiplication in place (integer division, clipped; alpha 0 and 255 untouched). */
    static void unpremultiply(byte[] samples, int bands) {
        for (int i = 0; i < samples.length; i += bands) {
            int alpha = samples[i + bands - 1] & 0xFF;
            if (alpha == 255 || alpha == 0) {
                continue;
            }
            for (int b = 0; b < bands - 1; b++) {
                samples[i + b] = clip8((255 * (samples[i + b] & 0xFF)) / alpha);
            }
        }
    }

    /** convert("RGB") from an 8-bit mode; {@code palette} is used by mode P only. */
    static byte[] toRgb(String mode, byte[] samples, byte[] palette) {
        int bands = switch (mode) {
            case "1", "L", "P" -> 1;
            case "LA" -> 2;
            case "RGB" -> 3;
            case "RGBA", "CMYK" -> 4;
            default -> throw new IllegalArgumentException("unsupported mode " + mode);
        };
        int pixels = samples.length / bands;
        byte[] rgb = new byte[pixels * 3];
        // One loop per mode, so that no pixel pays for choosing its conversion.
        switch (mode) {
            case "1" -> {
                for (int i = 0, o = 0; i < pixels; i++, o += 3) {
                    byte v = samples[i] != 0 ? (byte) 255 : 0;
                    rgb[o] = rgb[o + 1] = rgb[o + 2] = v;
                }
            }
            case "L", "LA" -> {
                for (int i = 0, o = 0; i < pixels; i++, o += 3) {
                    rgb[o] = rgb[o + 1] = rgb[o + 2] = samples[i * bands];
                }
            }
            case "P" -> {
                for (int i = 0, o = 0; i < pixels; i++, o += 3) {
                    int p = (samples[i] & 0xFF) * 3;
                    rgb[o] = palette[p];
                    rgb[o + 1] = palette[p + 1];
                    rgb[o + 2] = palette[p + 2];
                }
            }
            case "CMYK" -> {
                for (int s = 0, o = 0; o < rgb.length; s += 4, o += 3) {
                    int nk = 255 - (samples[s + 3] & 0xFF);
                    rgb[o] = clip8(nk - mulDiv255(samples[s] & 0xFF, nk));
                    rgb[o + 1] = clip8(nk - mulDiv255(samples[s + 1] & 0xFF, nk));
                    rgb[o + 2] = clip8(nk - mulDiv255(samples[s + 2] & 0xFF, nk));
                }
            }
            default -> {
                for (int s = 0, o = 0; o < rgb.length; s += bands, o += 3) {
                    rgb[o] = samples[s];
                    rgb[o + 1] = samples[s + 1];
                    rgb[o + 2] = samples[s + 2];
                }
            }
        }
        return rgb;
    }

    /** i2rgb: mode I to RGB, clipping to 0..255. */
    static byte[] intToRgb(int[] samples) {
        byte[] rgb = new byte[samples.length * 3];
        for (int i = 0; i < samples.length; i++) {
            byte v = clip8(samples[i]);
            rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = v;
        }
        return rgb;
    }
}
