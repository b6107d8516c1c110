package dev.imgsearch.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The two JPEG backends agree with each other on every JPEG fixture and refuse the same inputs for the same reasons;
 * the pixels themselves are checked against Pillow by ClipPreprocessorGoldenTest. TurboJPEG must be installed here,
 * as .ci/install-test-deps.sh does, so that a missing library fails the build instead of testing ImageIO twice.
 */
class JpegBackendTest {

    private static final Map<JpegBackend, ImageDecoder> DECODERS = Map.of(
            JpegBackend.TURBOJPEG, new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, JpegBackend.TURBOJPEG),
            JpegBackend.IMAGEIO, new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, JpegBackend.IMAGEIO));

    static Stream<String> jpegFixtures() throws IOException {
        try (InputStream in = JpegBackendTest.class.getResourceAsStream("/golden/manifest.tsv")) {
            return new String(in.readAllBytes()).lines().map(l -> l.split("\t")[0]).filter(n -> n.endsWith(".jpg"))
                    .toList().stream();
        }
    }

    @Test
    void turboJpegLoadsAndIsTheDefault() {
        assertNull(TurboJpeg.unavailable());
        assertEquals(JpegBackend.TURBOJPEG, new ImageDecoder().jpegBackend());
    }

    @Test
    void thePropertyPicksTheBackend() {
        String before = System.getProperty(JpegBackend.PROPERTY);
        try {
            System.setProperty(JpegBackend.PROPERTY, "imageio");
            assertEquals(JpegBackend.IMAGEIO, new ImageDecoder().jpegBackend());
            System.setProperty(JpegBackend.PROPERTY, " TurboJPEG ");
            assertEquals(JpegBackend.TURBOJPEG, JpegBackend.configured());
            System.setProperty(JpegBackend.PROPERTY, "auto");
            assertEquals(JpegBackend.TURBOJPEG, JpegBackend.configured());
            System.setProperty(JpegBackend.PROPERTY, "libjpeg");
            assertEquals("imgsearch.jpeg.decoder / IMGSEARCH_JPEG_DECODER must be turbojpeg, imageio or auto, not "
                    + "'libjpeg'", assertThrows(IllegalArgumentException.class, JpegBackend::configured).getMessage());
        } finally {
            if (before == null) {
                System.clearProperty(JpegBackend.PROPERTY);
            } else {
                System.setProperty(JpegBackend.PROPERTY, before);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("jpegFixtures")
    void bothBackendsDecodeToTheSameModeAndSamples(String name) throws Exception {
        byte[] data = fixture(name);
        DecodedImage turbo = DECODERS.get(JpegBackend.TURBOJPEG).decode(data);
        DecodedImage imageio = DECODERS.get(JpegBackend.IMAGEIO).decode(data);
        assertEquals(imageio.mode(), turbo.mode());
        assertEquals(imageio.width(), turbo.width());
        assertEquals(imageio.height(), turbo.height());
        assertArrayEquals(imageio.samples(), turbo.samples(), name);
    }

    @ParameterizedTest
    @EnumSource(JpegBackend.class)
    void truncatedJpegsAreRefusedAsPillowRefusesThem(JpegBackend backend) throws IOException {
        for (String name : List.of("jpeg_420.jpg", "jpeg_progressive.jpg", "jpeg_restart.jpg", "jpeg_grey.jpg",
                "jpeg_cmyk.jpg", "jpeg_ycck.jpg")) {
            byte[] data = fixture(name);
            for (double kept : new double[] {0.2, 0.5, 0.95}) {
                String reason = reason(backend, Arrays.copyOf(data, (int) (data.length * kept)));
                assertTrue(reason.startsWith("truncated or corrupt JPEG: "), name + " " + kept + ": " + reason);
                assertFalse(reason.contains("\n"), reason);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(JpegBackend.class)
    void aMissingEndMarkerIsRefusedWithTheSameReasonByBoth(JpegBackend backend) throws IOException {
        byte[] data = fixture("jpeg_444.jpg");
        assertEquals("truncated or corrupt JPEG: Truncated File - Missing EOI marker",
                reason(backend, Arrays.copyOf(data, data.length - 2)));
    }

    @ParameterizedTest
    @EnumSource(JpegBackend.class)
    void twelveBitSamplesAreRefusedByNameAsPillowsEightBitLibjpegRefusesThem(JpegBackend backend) throws IOException {
        byte[] data = fixture("jpeg_444.jpg");
        data[indexOf(data, (byte) 0xFF, (byte) 0xC0) + 4] = 12;
        assertEquals("unsupported JPEG: 12-bit samples", reason(backend, data));
    }

    @Test
    void aFatalLibjpegErrorIsTheImagesOneLineReason() throws IOException {
        byte[] data = fixture("jpeg_420.jpg");
        int dht = indexOf(data, (byte) 0xFF, (byte) 0xC4);
        // A Huffman table claiming more codes of one length than can exist.
        Arrays.fill(data, dht + 5, dht + 21, (byte) 0xFF);
        String reason = reason(JpegBackend.TURBOJPEG, data);
        assertEquals("truncated or corrupt JPEG: Bogus Huffman table definition", reason);
    }

    @Test
    void theImageAfterAFailureDecodesWithTheSameThreadsDecompressor() throws Exception {
        ImageDecoder turbo = DECODERS.get(JpegBackend.TURBOJPEG);
        byte[] good = fixture("jpeg_progressive.jpg");
        byte[] expected = turbo.decode(good).samples();
        assertThrows(ImageDecodeException.class, () -> turbo.decode(Arrays.copyOf(good, good.length / 3)));
        assertThrows(ImageDecodeException.class, () -> turbo.decode(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}));
        assertArrayEquals(expected, turbo.decode(good).samples());
        // A smaller image after a larger one reuses the larger buffers and returns only its own samples.
        DecodedImage tiny = turbo.decode(fixture("jpeg_tiny_3x5.jpg"));
        assertEquals(3 * 5 * 3, tiny.samples().length);
    }

    private static String reason(JpegBackend backend, byte[] data) {
        return assertThrows(ImageDecodeException.class, () -> DECODERS.get(backend).decode(data)).getMessage();
    }

    private static byte[] fixture(String name) throws IOException {
        try (InputStream in = JpegBackendTest.class.getResourceAsStream("/golden/fixtures/" + name)) {
            return in.readAllBytes();
        }
    }

    private static int indexOf(byte[] data, byte first, byte second) {
        for (int i = 0; i + 1 < data.length; i++) {
            if (data[i] == first && data[i + 1] == second) {
                return i;
            }
        }
        throw new IllegalStateException("marker not found");
    }
}
