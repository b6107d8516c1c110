package dev.imgsearch.decode;

/**
 * The few JPEG header facts that decide how libjpeg colour-converts the samples: the frame size and component ids
 * (SOF), a JFIF APP0 and an Adobe APP14 transform, scanned up to the first SOS the way libjpeg's jdmarker.c does.
 */
record JpegHeader(int width, int height, int precision, int[] componentIds, boolean sawJfif, int adobeTransform) {

    enum ColorSpace { GRAYSCALE, RGB, YCBCR, CMYK, YCCK }

    /** The header of a JPEG that Pillow (libjpeg-turbo built for 8-bit samples) can decode, or why it cannot. */
    static JpegHeader parseDecodable(byte[] data) throws ImageDecodeException {
        JpegHeader header = parse(data);
        if (header.precision() != 8) {
            throw new ImageDecodeException("unsupported JPEG: " + header.precision() + "-bit samples");
        }
        int components = header.componentIds().length;
        if (components != 1 && components != 3 && components != 4) {
            throw new ImageDecodeException("unsupported JPEG: " + components + " components");
        }
        return header;
    }

    private static JpegHeader parse(byte[] data) throws ImageDecodeException {
        boolean sawJfif = false;
        int adobeTransform = -1;
        JpegHeader frame = null;
        int pos = 2;
        while (pos + 1 < data.length) {
            if ((data[pos] & 0xFF) != 0xFF) {
                pos++;
                continue;
            }
            int marker = data[pos + 1] & 0xFF;
            pos += 2;
            if (marker == 0xFF) {
                pos--;
                continue;
            }
            if (marker == 0x00 || marker == 0x01 || marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7)) {
                continue;
            }
            if (marker == 0xD9 || pos + 2 > data.length) {
                break;
            }
            int length = ((data[pos] & 0xFF) << 8) | (data[pos + 1] & 0xFF);
            if (length < 2) {
                throw new ImageDecodeException("truncated or corrupt JPEG: bad marker segment length " + length);
            }
            int start = pos + 2;
            int end = Math.min(data.length, pos + length);
            if (marker == 0xE0 && end - start >= 14 && matches(data, start, "JFIF\0")) {
                sawJfif = true;
            } else if (marker == 0xEE && end - start >= 12 && matches(data, start, "Adobe")) {
                adobeTransform = data[start + 11] & 0xFF;
            } else if (isStartOfFrame(marker) && end - start >= 6) {
                int components = data[start + 5] & 0xFF;
                int[] ids = new int[components];
                for (int i = 0; i < components && start + 6 + 3 * i < end; i++) {
                    ids[i] = data[start + 6 + 3 * i] & 0xFF;
                }
                frame = new JpegHeader(u16(data, start + 3), u16(data, start + 1), data[start] & 0xFF, ids, false, -1);
            } else if (marker == 0xDA) {
                break;
            }
            pos += length;
        }
        if (frame == null) {
            throw new ImageDecodeException("truncated or corrupt JPEG: no frame header");
        }
        return new JpegHeader(frame.width, frame.height, frame.precision, frame.componentIds, sawJfif, adobeTransform);
    }

    /** libjpeg-turbo's default_decompress_parms() guess of the colour space the samples are stored in. */
    ColorSpace colorSpace() {
        boolean sawAdobe = adobeTransform >= 0;
        return switch (componentIds.length) {
            case 1 -> ColorSpace.GRAYSCALE;
            case 3 -> {
                if (sawJfif) {
                    yield ColorSpace.YCBCR;
                }
                if (sawAdobe) {
                    yield adobeTransform == 0 ? ColorSpace.RGB : ColorSpace.YCBCR;
                }
                boolean rgbIds = componentIds[0] == 'R' && componentIds[1] == 'G' && componentIds[2] == 'B';
                yield rgbIds ? ColorSpace.RGB : ColorSpace.YCBCR;
            }
            case 4 -> sawAdobe && adobeTransform != 0 ? ColorSpace.YCCK : ColorSpace.CMYK;
            default -> throw new IllegalStateException("unsupported component count " + componentIds.length);
        };
    }

    private static boolean isStartOfFrame(int marker) {
        return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    }

    private static boolean matches(byte[] data, int start, String ascii) {
        for (int i = 0; i < ascii.length(); i++) {
            if (data[start + i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int u16(byte[] data, int pos) {
        return ((data[pos] & 0xFF) << 8) | (data[pos + 1] & 0xFF);
    }
}
