package dev.imgsearch.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The two PNG backends agree with each other on every PNG layout, built here chunk by chunk, and on every golden PNG
 * fixture, and refuse the same inputs for the same reasons; the pixels themselves are checked against Pillow by
 * ClipPreprocessorGoldenTest. libspng must be installed here, as .ci/install-test-deps.sh does, so that a missing
 * library fails the build instead of testing ImageIO twice.
 */
class PngBackendTest {

    private static final Map<PngBackend, ImageDecoder> DECODERS = Map.of(
            PngBackend.LIBSPNG, decoder(PngBackend.LIBSPNG),
            PngBackend.IMAGEIO, decoder(PngBackend.IMAGEIO));

    private static ImageDecoder decoder(PngBackend png) {
        return new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, JpegBackend.IMAGEIO, png);
    }

    /** A layout: IHDR colour type and bit depth, interlacing, and whether a tRNS chunk comes with it. */
    record Layout(int colorType, int bitDepth, boolean interlaced, boolean trns) {
        @Override
        public String toString() {
            return "type " + colorType + ", " + bitDepth + " bits" + (interlaced ? ", Adam7" : "")
                    + (trns ? ", tRNS" : "");
        }
    }

    static Stream<Layout> layouts() {
        int[][] depths = {{0, 1, 2, 4, 8, 16}, {2, 8, 16}, {3, 1, 2, 4, 8}, {4, 8, 16}, {6, 8, 16}};
        List<Layout> layouts = new ArrayList<>();
        for (int[] type : depths) {
            for (int i = 1; i < type.length; i++) {
                for (boolean interlaced : new boolean[] {false, true}) {
                    layouts.add(new Layout(type[0], type[i], interlaced, false));
                    if (type[0] <= 3) {
                        layouts.add(new Layout(type[0], type[i], interlaced, true));
                    }
                }
            }
        }
        return layouts.stream();
    }

    static Stream<String> pngFixtures() throws IOException {
        try (InputStream in = PngBackendTest.class.getResourceAsStream("/golden/manifest.tsv")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(l -> l.split("\t")[0])
                    .filter(n -> n.endsWith(".png")).toList().stream();
        }
    }

    @Test
    void libspngIsTheDefaultWhereItLoads() {
        assertEquals(PngBackend.LIBSPNG, new ImageDecoder().pngBackend());
    }

    @Test
    void thePropertyPicksTheBackend() {
        String before = System.getProperty(PngBackend.PROPERTY);
        try {
            System.setProperty(PngBackend.PROPERTY, "imageio");
            assertEquals(PngBackend.IMAGEIO, new ImageDecoder().pngBackend());
            System.setProperty(PngBackend.PROPERTY, " LibSPNG ");
            assertEquals(PngBackend.LIBSPNG, PngBackend.configured());
            System.setProperty(PngBackend.PROPERTY, "auto");
            assertEquals(PngBackend.LIBSPNG, PngBackend.configured());
            System.setProperty(PngBackend.PROPERTY, "libpng");
            assertEquals("imgsearch.png.decoder / IMGSEARCH_PNG_DECODER must be libspng, imageio or auto, not "
                    + "'libpng'", assertThrows(IllegalArgumentException.class, PngBackend::configured).getMessage());
        } finally {
            if (before == null) {
                System.clearProperty(PngBackend.PROPERTY);
            } else {
                System.setProperty(PngBackend.PROPERTY, before);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pngFixtures")
    void bothBackendsDecodeEveryGoldenFixtureAlike(String name) throws Exception {
        assertSame(fixture(name));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void bothBackendsDecodeEveryLayoutAlike(Layout layout) throws Exception {
        DecodedImage image = assertSame(Png.of(layout, 37, 23).encode());
        String mode = switch (layout.colorType) {
            case 0 -> layout.bitDepth == 1 ? "1" : layout.bitDepth == 16 ? "I" : "L";
            case 2 -> "RGB";
            case 3 -> "P";
            case 4 -> layout.bitDepth == 16 ? "RGBA" : "LA";
            default -> "RGBA";
        };
        assertEquals(mode, image.mode());
        assertEquals(37, image.width());
        assertEquals(23, image.height());
    }

    @Test
    void sixteenBitGreyKeepsAllItsBitsAndColourKeepsTheHighByte() throws Exception {
        Png grey = Png.of(new Layout(0, 16, false, false), 5, 3);
        DecodedImage image = assertSame(grey.encode());
        assertEquals(grey.sample(4, 2, 0), image.intSamples()[14]);
        Png rgb = Png.of(new Layout(2, 16, true, false), 5, 3);
        DecodedImage colour = assertSame(rgb.encode());
        assertEquals(rgb.sample(4, 2, 1) >> 8, colour.samples()[3 * 14 + 1] & 0xFF);
    }

    @Test
    void paletteIndicesBeyondThePlteGetPillowsGreyRamp() throws Exception {
        // 19 entries: the JDK reader pads a palette to 2, 4, 16 or 256 entries, with black.
        Png png = Png.of(new Layout(3, 8, false, false), 16, 16).withPaletteEntries(19);
        DecodedImage image = assertSame(png.encode());
        byte[] palette = image.palette();
        for (int i = 19; i < 256; i++) {
            assertArrayEquals(new byte[] {(byte) i, (byte) i, (byte) i}, Arrays.copyOfRange(palette, 3 * i, 3 * i + 3));
        }
        assertEquals(png.paletteByte(3, 2), palette[11]);
    }

    @ParameterizedTest
    @EnumSource(PngBackend.class)
    void aBadChecksumBeforeTheImageDataIsRefusedAsPillowRefusesIt(PngBackend backend) throws IOException {
        for (String chunk : new String[] {"IHDR", "PLTE", "tEXt"}) {
            byte[] data = Png.of(new Layout(3, 8, false, true), 9, 9).encode();
            int at = indexOf(data, chunk);
            int length = ByteBuffer.wrap(data, at - 4, 4).getInt();
            data[at + 4 + length] ^= 0x5A;
            assertEquals("truncated or corrupt PNG: bad checksum in the " + chunk + " chunk before the image data "
                    + "(Pillow refuses it too)", reason(backend, data));
        }
    }

    @ParameterizedTest
    @EnumSource(PngBackend.class)
    void aBadChecksumInTheImageDataIsIgnoredAsPillowIgnoresIt(PngBackend backend) throws Exception {
        byte[] data = Png.of(new Layout(2, 8, false, false), 9, 9).encode();
        DecodedImage intact = DECODERS.get(backend).decode(data);
        int at = indexOf(data, "IDAT");
        int length = ByteBuffer.wrap(data, at - 4, 4).getInt();
        data[at + 4 + length] ^= 0x5A;
        assertArrayEquals(intact.samples(), DECODERS.get(backend).decode(data).samples());
    }

    @ParameterizedTest
    @EnumSource(PngBackend.class)
    void aTruncatedFileIsRefusedWithAReason(PngBackend backend) throws IOException {
        byte[] data = Png.of(new Layout(6, 8, true, false), 40, 30).encode();
        String reason = reason(backend, Arrays.copyOf(data, indexOf(data, "IDAT") + 20));
        assertTrue(reason.startsWith("truncated or corrupt PNG: "), reason);
        assertFalse(reason.contains("\n"), reason);
    }

    @ParameterizedTest
    @EnumSource(PngBackend.class)
    void anOversizedHeaderIsRefusedByThePixelLimitBeforeDecoding(PngBackend backend) throws IOException {
        byte[] data = Png.of(new Layout(2, 8, false, false), 4, 4).encode();
        ByteBuffer.wrap(data).putInt(16, 30000).putInt(20, 30000);
        rechecksum(data, indexOf(data, "IHDR"));
        assertEquals("image is 30000x30000 pixels, above the limit of 178956970 (--max-pixels)",
                reason(backend, data));
    }

    @Test
    void garbageAfterTheImageDataIsIgnoredAsPillowIgnoresIt() throws Exception {
        byte[] data = Png.of(new Layout(0, 8, false, false), 7, 7).encode();
        byte[] damaged = Arrays.copyOf(data, data.length + 5);
        System.arraycopy(new byte[] {0, 0, 0, 9, 'z'}, 0, damaged, data.length - 12, 5);
        assertArrayEquals(assertSame(data).samples(), assertSame(damaged).samples());
    }

    @Test
    void anUnknownCriticalChunkBeforeTheImageDataIsSkippedAsPillowSkipsIt() throws Exception {
        byte[] data = Png.of(new Layout(6, 8, false, false), 7, 7).encode();
        int idat = indexOf(data, "IDAT") - 4;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(data, 0, idat);
        Png.chunk(out, "ZZZZ", new byte[] {1, 2, 3});
        out.write(data, idat, data.length - idat);
        assertArrayEquals(assertSame(data).samples(), assertSame(out.toByteArray()).samples());
    }

    /** Decodes with both backends, asserts the same image, and returns libspng's. */
    private static DecodedImage assertSame(byte[] data) throws ImageDecodeException {
        DecodedImage spng = DECODERS.get(PngBackend.LIBSPNG).decode(data);
        DecodedImage imageio = DECODERS.get(PngBackend.IMAGEIO).decode(data);
        assertEquals(imageio.mode(), spng.mode());
        assertEquals(imageio.width(), spng.width());
        assertEquals(imageio.height(), spng.height());
        assertArrayEquals(imageio.samples(), spng.samples());
        assertArrayEquals(imageio.intSamples(), spng.intSamples());
        assertArrayEquals(imageio.palette(), spng.palette());
        return spng;
    }

    private static String reason(PngBackend backend, byte[] data) {
        return assertThrows(ImageDecodeException.class, () -> DECODERS.get(backend).decode(data)).getMessage();
    }

    private static byte[] fixture(String name) throws IOException {
        try (InputStream in = PngBackendTest.class.getResourceAsStream("/golden/fixtures/" + name)) {
            return in.readAllBytes();
        }
    }

    /** The offset of the first chunk type named {@code type}. */
    private static int indexOf(byte[] data, String type) {
        byte[] pattern = type.getBytes(StandardCharsets.US_ASCII);
        for (int i = 8; i + 4 <= data.length; i++) {
            if (Arrays.equals(data, i, i + 4, pattern, 0, 4)) {
                return i;
            }
        }
        throw new IllegalStateException("no " + type + " chunk");
    }

    private static void rechecksum(byte[] data, int typeAt) {
        int length = ByteBuffer.wrap(data, typeAt - 4, 4).getInt();
        CRC32 crc = new CRC32();
        crc.update(data, typeAt, 4 + length);
        ByteBuffer.wrap(data).putInt(typeAt + 4 + length, (int) crc.getValue());
    }

    /**
     * A PNG encoder for test images: samples from a fixed formula, every row filtered with one of the five filters in
     * turn, Adam7 passes when interlaced, a tEXt chunk before the image data and the image data in two IDAT chunks.
     */
    private record Png(Layout layout, int width, int height, int paletteEntries) {

        private static final int[][] ADAM7 = {
            {0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}};

        static Png of(Layout layout, int width, int height) {
            return new Png(layout, width, height, 1 << Math.min(layout.bitDepth, 8));
        }

        Png withPaletteEntries(int entries) {
            return new Png(layout, width, height, entries);
        }

        int channels() {
            return switch (layout.colorType) {
                case 2 -> 3;
                case 4 -> 2;
                case 6 -> 4;
                default -> 1;
            };
        }

        int sample(int x, int y, int channel) {
            int max = (1 << layout.bitDepth) - 1;
            return (int) ((x * 7919L + y * 104729L + channel * 31L + (long) x * y * 13) % (max + 1));
        }

        byte paletteByte(int entry, int channel) {
            return (byte) (entry * 37 + channel * 91 + 5);
        }

        byte[] encode() throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
            chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) layout.bitDepth)
                    .put((byte) layout.colorType).put((byte) 0).put((byte) 0).put((byte) (layout.interlaced ? 1 : 0))
                    .array());
            chunk(out, "tEXt", "Comment\0made by PngBackendTest".getBytes(StandardCharsets.ISO_8859_1));
            if (layout.colorType == 3) {
                byte[] plte = new byte[3 * paletteEntries];
                for (int i = 0; i < plte.length; i++) {
                    plte[i] = paletteByte(i / 3, i % 3);
                }
                chunk(out, "PLTE", plte);
            }
            if (layout.trns) {
                chunk(out, "tRNS", layout.colorType == 3 ? new byte[] {0, 127, (byte) 255} : new byte[6]);
            }
            byte[] compressed = deflate(scanlines());
            int half = compressed.length / 2;
            chunk(out, "IDAT", Arrays.copyOf(compressed, half));
            chunk(out, "IDAT", Arrays.copyOfRange(compressed, half, compressed.length));
            chunk(out, "IEND", new byte[0]);
            return out.toByteArray();
        }

        private byte[] scanlines() {
            ByteArrayOutputStream rows = new ByteArrayOutputStream();
            int[][] passes = layout.interlaced ? ADAM7 : new int[][] {{0, 0, 1, 1}};
            int filter = 0;
            for (int[] pass : passes) {
                int passWidth = (width - pass[0] + pass[2] - 1) / pass[2];
                int passHeight = (height - pass[1] + pass[3] - 1) / pass[3];
                if (passWidth <= 0 || passHeight <= 0) {
                    continue;
                }
                byte[] previous = null;
                for (int py = 0; py < passHeight; py++) {
                    byte[] row = packedRow(pass, passWidth, pass[1] + py * pass[3]);
                    rows.write(filter);
                    rows.writeBytes(filtered(row, previous, filter));
                    previous = row;
                    filter = (filter + 1) % 5;
                }
            }
            return rows.toByteArray();
        }

        private byte[] packedRow(int[] pass, int passWidth, int y) {
            int bits = channels() * layout.bitDepth;
            byte[] row = new byte[(passWidth * bits + 7) / 8];
            int bit = 0;
            for (int px = 0; px < passWidth; px++) {
                int x = pass[0] + px * pass[2];
                for (int c = 0; c < channels(); c++) {
                    int value = layout.colorType == 3 ? sample(x, y, c) % 256 : sample(x, y, c);
                    if (layout.bitDepth == 16) {
                        row[bit / 8] = (byte) (value >> 8);
                        row[bit / 8 + 1] = (byte) value;
                    } else {
                        row[bit / 8] |= (byte) (value << (8 - layout.bitDepth - bit % 8));
                    }
                    bit += layout.bitDepth;
                }
            }
            return row;
        }

        private byte[] filtered(byte[] row, byte[] previous, int filter) {
            int bpp = Math.max(1, channels() * layout.bitDepth / 8);
            byte[] out = new byte[row.length];
            for (int i = 0; i < row.length; i++) {
                int a = i >= bpp ? row[i - bpp] & 0xFF : 0;
                int b = previous == null ? 0 : previous[i] & 0xFF;
                int c = previous == null || i < bpp ? 0 : previous[i - bpp] & 0xFF;
                int predictor = switch (filter) {
                    case 1 -> a;
                    case 2 -> b;
                    case 3 -> (a + b) / 2;
                    case 4 -> paeth(a, b, c);
                    default -> 0;
                };
                out[i] = (byte) (row[i] - predictor);
            }
            return out;
        }

        private static int paeth(int a, int b, int c) {
            int p = a + b - c;
            int pa = Math.abs(p - a);
            int pb = Math.abs(p - b);
            int pc = Math.abs(p - c);
            return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
        }

        private static byte[] deflate(byte[] data) {
            Deflater deflater = new Deflater();
            deflater.setInput(data);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            deflater.end();
            return out.toByteArray();
        }

        private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
            byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
            out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
            out.writeBytes(typeBytes);
            out.writeBytes(data);
            CRC32 crc = new CRC32();
            crc.update(typeBytes);
            crc.update(data);
            out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        }
    }
}
