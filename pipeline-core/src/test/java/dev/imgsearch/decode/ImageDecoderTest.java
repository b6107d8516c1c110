package dev.imgsearch.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What callers see for inputs that are not decodable images: one-line reasons, never another exception. */
class ImageDecoderTest {

    private final ImageDecoder decoder = new ImageDecoder();

    @Test
    void emptyFile() {
        assertEquals("empty file", reason(new byte[0]));
    }

    @Test
    void textWithAnImageName() {
        assertEquals("not an image (unrecognised format)",
                reason("<html><body>404 not found</body></html>\n".getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest
    @CsvSource({
        "png_rgb.png, 0.5, PNG",
        "png_palette.png, 0.3, PNG",
        "jpeg_420.jpg, 0.5, JPEG",
        "jpeg_progressive.jpg, 0.7, JPEG",
        "gif_animated.gif, 0.1, GIF",
        "bmp_24_up.bmp, 0.5, BMP",
        "bmp_rle8.bmp, 0.6, BMP",
        "bmp_rle4.bmp, 0.6, BMP",
        "tiff_rgb_lzw.tif, 0.5, TIFF",
        "webp_lossy.webp, 0.5, WebP",
        "webp_lossless_alpha.webp, 0.9, WebP",
    })
    void truncatedFilesAreRefusedLikePillowRefusesThem(String fixture, double kept, String format) throws IOException {
        byte[] data = fixture(fixture);
        String reason = reason(Arrays.copyOf(data, (int) (data.length * kept)));
        assertTrue(reason.startsWith("truncated or corrupt " + format + ": "), reason);
        assertFalse(reason.contains("\n"), reason);
    }

    @Test
    void pngWithoutIendStillDecodesAsPillowDoes() throws Exception {
        byte[] data = fixture("png_palette_trns.png");
        DecodedImage whole = decoder.decode(data);
        DecodedImage cut = decoder.decode(Arrays.copyOf(data, data.length - 12));
        assertEquals("P", cut.mode());
        assertArrayEquals(whole.samples(), cut.samples());
        assertArrayEquals(whole.palette(), cut.palette());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "webp_animated.webp | unsupported WebP: animated (only still WebP images are decoded)",
        "tiff_grey16.tif | unsupported TIFF layout: grey, 16 bits (PIL mode I;16, which Pillow cannot resize)",
        "tiff_lab.tif | unsupported TIFF layout: Lab, 3 samples of 8 bits",
    })
    void layoutsStillRefusedAreNamedInTheReason(String file, String expected) throws IOException {
        try (InputStream in = ImageDecoderTest.class.getResourceAsStream("/golden/unsupported/" + file)) {
            assertEquals(expected, reason(in.readAllBytes()));
        }
    }

    @Test
    void jpegCompressedYcbcrTiffIsRefusedWithItsLayout() throws IOException {
        // A JPEG-compressed YCbCr TIFF: the header of tiff_rgb_lzw.tif with its photometric and compression changed.
        byte[] data = fixture("tiff_rgb_lzw.tif");
        setTiffTag(data, 262, 6);
        setTiffTag(data, 259, 7);
        assertEquals("unsupported TIFF layout: YCbCr, JPEG-compressed", reason(data));
        setTiffTag(data, 259, 6);
        assertEquals("unsupported TIFF layout: YCbCr, old-style JPEG-compressed", reason(data));
    }

    @Test
    void jpegCompressedCmykTiffIsRefusedWithItsLayout() throws IOException {
        // Pillow gets these pixels from libtiff's JPEG codec; with no fixture proving the same bytes here, the layout is
        // refused by name rather than decoded into colours that may differ from Pillow's.
        byte[] data = fixture("tiff_cmyk_lzw.tif");
        setTiffTag(data, 259, 7);
        assertEquals("unsupported TIFF layout: CMYK, JPEG-compressed", reason(data));
    }

    @Test
    void aGifWithAnLzwCodeSizePastEightFailsCleanlyWhenBroken() throws IOException {
        byte[] gif = fixture("gif_lzw_code9.gif");
        // The code size byte follows the screen descriptor, the 256-colour table and the image descriptor.
        int codeSize = 13 + 768 + 10;
        assertEquals(9, gif[codeSize]);
        assertEquals("truncated or corrupt GIF: truncated GIF stream",
                reason(Arrays.copyOf(gif, gif.length / 2)));
        byte[] tooWide = gif.clone();
        tooWide[codeSize] = 13;
        assertEquals("truncated or corrupt GIF: bad LZW code size 13", reason(tooWide));
        byte[] garbled = gif.clone();
        // The clear code kept, then a code of all ones (1023 at 10 bits), which the empty table cannot have.
        garbled[codeSize + 3] = (byte) 0xFE;
        garbled[codeSize + 4] = (byte) 0xFF;
        assertEquals("truncated or corrupt GIF: broken GIF image data: code 1023 right after a clear code",
                reason(garbled));
    }

    /** Rewrites the SHORT value of one tag of a little-endian TIFF's first directory. */
    private static void setTiffTag(byte[] tiff, int tag, int value) {
        ByteBuffer b = ByteBuffer.wrap(tiff).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int ifd = b.getInt(4);
        for (int i = 0, n = b.getShort(ifd); i < n; i++) {
            int entry = ifd + 2 + 12 * i;
            if (b.getShort(entry) == tag) {
                b.putShort(entry + 8, (short) value);
                return;
            }
        }
        fail("no tag " + tag);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u0089PNG\r\n\u001a\n", "\u00ff\u00d8\u00ff", "GIF89a", "BM", "II*\u0000", "MM\u0000*",
        "RIFF\u0000\u0000\u0000\u0000WEBPVP8 "})
    void garbageAfterAValidSignatureIsACorruptFile(String signature) {
        byte[] head = signature.getBytes(StandardCharsets.ISO_8859_1);
        byte[] data = Arrays.copyOf(head, 600);
        Random random = new Random(7);
        for (int i = head.length; i < data.length; i++) {
            data[i] = (byte) random.nextInt(256);
        }
        String reason = reason(data);
        assertFalse(reason.isBlank());
        assertFalse(reason.contains("\n"), reason);
    }

    @Test
    void hugePngIsRefusedFromItsHeaderBeforeAnyPixelIsAllocated() throws IOException {
        // 30000 x 30000 RGB would need 2.7 GB; only the header is read.
        assertEquals("image is 30000x30000 pixels, above the limit of 178956970 (--max-pixels)",
                reason(png(30000, 30000)));
    }

    @Test
    void hugeJpegGifAndBmpAreRefusedFromTheirHeaders() throws IOException {
        byte[] jpeg = fixture("jpeg_420.jpg");
        int sof = indexOf(jpeg, new byte[] {(byte) 0xFF, (byte) 0xC0});
        jpeg[sof + 5] = jpeg[sof + 7] = (byte) 0x75; // height and width 0x7530 = 30000
        jpeg[sof + 6] = jpeg[sof + 8] = 0x30;
        assertEquals("image is 30000x30000 pixels, above the limit of 178956970 (--max-pixels)", reason(jpeg));

        byte[] gif = fixture("gif_grey.gif");
        gif[6] = gif[7] = gif[8] = gif[9] = (byte) 0xFF; // logical screen 65535 x 65535
        assertEquals("image is 65535x65535 pixels, above the limit of 178956970 (--max-pixels)", reason(gif));

        byte[] bmp = fixture("bmp_24_up.bmp");
        ByteBuffer.wrap(bmp).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(18, 20000).putInt(22, 20000);
        assertEquals("image is 20000x20000 pixels, above the limit of 178956970 (--max-pixels)", reason(bmp));
    }

    @Test
    void theLimitIsConfigurable() throws IOException {
        String reason = assertThrows(ImageDecodeException.class,
                () -> new ImageDecoder(100_000).decode(fixture("png_rgb.png"))).getMessage();
        assertEquals("image is 418x353 pixels, above the limit of 100000 (--max-pixels)", reason);
    }

    @ParameterizedTest
    @ValueSource(strings = {"png_rgb.png", "png_grey16.png", "png_palette_trns.png", "jpeg_420.jpg", "jpeg_cmyk.jpg",
        "gif_animated.gif", "gif_offset_frame.gif", "bmp_8bit_palette.bmp", "tiff_rgb_lzw.tif", "webp_lossy.webp"})
    void sizeIsWhatDecodingAllocates(String name) throws Exception {
        byte[] data = fixture(name);
        DecodedImage decoded = decoder.decode(data);
        assertEquals(new ImageSize(decoded.width(), decoded.height()), ImageDecoder.size(data), name);
    }

    @Test
    void sizeOfAHugeImageIsReadFromItsHeaderWithoutDecodingOrApplyingTheLimit() throws Exception {
        assertEquals(new ImageSize(30000, 30000), ImageDecoder.size(png(30000, 30000)));
        byte[] gif = fixture("gif_grey.gif");
        gif[6] = gif[7] = gif[8] = gif[9] = (byte) 0xFF;
        assertEquals(65535L * 65535, ImageDecoder.size(gif).pixels(), "a GIF's canvas, not its first frame");
    }

    @Test
    void sizeOfWhatIsNoImageIsTheDecodersReason() {
        assertEquals("not an image (unrecognised format)", assertThrows(ImageDecodeException.class,
                () -> ImageDecoder.size("plain text".getBytes(StandardCharsets.UTF_8))).getMessage());
        byte[] png = new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0};
        assertTrue(assertThrows(ImageDecodeException.class, () -> ImageDecoder.size(png)).getMessage()
                .startsWith("truncated or corrupt PNG: "));
    }

    @Test
    void damagedFixturesNeverEscapeAsAnotherException() throws IOException {
        Random random = new Random(20240611);
        for (String name : new String[] {"png_rgb.png", "png_palette_trns.png", "jpeg_420.jpg",
            "jpeg_progressive.jpg", "jpeg_ycck.jpg", "gif_animated.gif", "bmp_8bit_palette.bmp", "tiff_rgb_lzw.tif",
            "webp_lossy.webp", "webp_lossless_alpha.webp"}) {
            byte[] original = fixture(name);
            for (int trial = 0; trial < 12; trial++) {
                byte[] damaged = Arrays.copyOf(original, 16 + random.nextInt(original.length - 16));
                for (int flips = 0; flips < 1 + random.nextInt(8); flips++) {
                    damaged[8 + random.nextInt(damaged.length - 8)] = (byte) random.nextInt(256);
                }
                try {
                    decoder.decode(damaged);
                } catch (ImageDecodeException expected) {
                    assertFalse(expected.getMessage().isBlank());
                } catch (Throwable t) {
                    fail(name + " trial " + trial + " escaped as " + t, t);
                }
            }
        }
    }

    private String reason(byte[] data) {
        return assertThrows(ImageDecodeException.class, () -> decoder.decode(data)).getMessage();
    }

    private static byte[] fixture(String name) throws IOException {
        try (InputStream in = ImageDecoderTest.class.getResourceAsStream("/golden/fixtures/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + name);
            }
            return in.readAllBytes();
        }
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        for (int i = 0; i + pattern.length <= data.length; i++) {
            if (Arrays.equals(data, i, i + pattern.length, pattern, 0, pattern.length)) {
                return i;
            }
        }
        throw new IllegalStateException("pattern not found");
    }

    /** A well-formed RGB PNG header for the given size, with one tiny IDAT. */
    private static byte[] png(int width, int height) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 2)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
        Deflater deflater = new Deflater();
        deflater.setInput(new byte[64]);
        deflater.finish();
        byte[] compressed = new byte[128];
        int n = deflater.deflate(compressed);
        chunk(out, "IDAT", Arrays.copyOf(compressed, n));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        out.write(ByteBuffer.allocate(4).putInt(data.length).array());
        out.write(typeBytes);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
