package dev.imgsearch.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgsearch.decode.DecodedImage;
import dev.imgsearch.decode.ImageDecoder;
import dev.imgsearch.decode.JpegBackend;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Decoding plus CLIP preprocessing against references computed by Pillow 9.4 + torchvision 0.14
 * (tools/golden_preprocess.py over the fixtures of tools/make_golden_fixtures.sh): every byte and every float equal.
 * JPEG fixtures run through both JPEG backends; TurboJPEG must be installed (.ci/install-test-deps.sh).
 */
class ClipPreprocessorGoldenTest {

    private static final int SIZE = 224;
    private static final Map<JpegBackend, ImageDecoder> DECODERS = Map.of(
            JpegBackend.TURBOJPEG, new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, JpegBackend.TURBOJPEG),
            JpegBackend.IMAGEIO, new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, JpegBackend.IMAGEIO));
    private static final ImageDecoder DECODER = DECODERS.get(JpegBackend.TURBOJPEG);
    private static final ClipPreprocessor CLIP = ClipPreprocessor.openAiClip(SIZE);

    record Fixture(String name, String mode, int width, int height, JpegBackend jpeg) {
        @Override
        public String toString() {
            return name.endsWith(".jpg") ? name + " (" + jpeg + ")" : name;
        }

        DecodedImage decode() throws Exception {
            try (InputStream in = resource("fixtures/" + name)) {
                return DECODERS.get(jpeg).decode(in.readAllBytes());
            }
        }
    }

    /** Every fixture once, and the JPEG ones once more through the ImageIO fallback. */
    static Stream<Fixture> fixtures() throws IOException {
        String manifest = new String(resource("manifest.tsv").readAllBytes(), StandardCharsets.UTF_8);
        List<Fixture> turbo = manifest.lines().filter(l -> !l.isBlank()).map(l -> l.split("\t"))
                .map(f -> new Fixture(f[0], f[1], Integer.parseInt(f[2]), Integer.parseInt(f[3]), JpegBackend.TURBOJPEG))
                .toList();
        return Stream.concat(turbo.stream(), turbo.stream().filter(f -> f.name.endsWith(".jpg"))
                .map(f -> new Fixture(f.name, f.mode, f.width, f.height, JpegBackend.IMAGEIO)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void decodesToPillowsModeAndSize(Fixture fixture) throws Exception {
        DecodedImage image = fixture.decode();
        assertEquals(fixture.mode, image.mode(), "PIL mode");
        assertEquals(fixture.width, image.width(), "width");
        assertEquals(fixture.height, image.height(), "height");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void rgbAfterResizeCropConvertEqualsTorchvision(Fixture fixture) throws Exception {
        byte[] expected = gzNpy("references/" + fixture.name + ".rgb.npy.gz").uint8();
        byte[] actual = CLIP.toRgb(fixture.decode());
        assertEquals(expected.length, actual.length);
        int maxDiff = 0;
        int differing = 0;
        for (int i = 0; i < expected.length; i++) {
            int d = Math.abs((expected[i] & 0xFF) - (actual[i] & 0xFF));
            maxDiff = Math.max(maxDiff, d);
            differing += d == 0 ? 0 : 1;
        }
        assertEquals(0, maxDiff, fixture + ": max abs diff " + maxDiff + " over " + differing + " of "
                + expected.length + " samples");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void normalisedPixelsEqualTorchvision(Fixture fixture) throws Exception {
        byte[] rgb = gzNpy("references/" + fixture.name + ".rgb.npy.gz").uint8();
        float[] lut = lut();
        float[] expected = new float[3 * SIZE * SIZE];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < SIZE * SIZE; i++) {
                expected[c * SIZE * SIZE + i] = lut[c * 256 + (rgb[3 * i + c] & 0xFF)];
            }
        }
        assertFloatsIdentical(expected, CLIP.toPixelValues(fixture.decode()), fixture.name);
    }

    @Test
    void wholeTensorOfOneFixtureEqualsTorchvision() throws Exception {
        String name = "png_rgba_down.png";
        NpyReader reference = gzNpy("full/" + name + ".pixels.npy.gz");
        assertArrayEquals(new int[] {3, SIZE, SIZE}, reference.shape());
        assertFloatsIdentical(reference.float32(), CLIP.toPixelValues(decode(name)), name);
    }

    @Test
    void oneDecoderAndPreprocessorServeManyThreadsWithTheSameResults() throws Exception {
        List<Fixture> all = fixtures().toList();
        Map<Fixture, byte[]> sequential = new HashMap<>();
        for (Fixture f : all) {
            sequential.put(f, CLIP.toRgb(f.decode()));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (Fixture f : all) {
                    results.add(pool.submit(() -> Arrays.equals(sequential.get(f), CLIP.toRgb(f.decode()))));
                }
            }
            for (Future<Boolean> result : results) {
                assertTrue(result.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void npyWriterOutputReadsBack(@TempDir Path dir) throws Exception {
        float[] floats = {1.5f, -0.25f, Float.MIN_VALUE, 3e38f, 0f, 7f};
        byte[] bytes = {0, 1, (byte) 255, 42};
        Npy.write(dir.resolve("f.npy"), floats, 2, 3);
        Npy.write(dir.resolve("b.npy"), bytes, 4);
        try (InputStream f = Files.newInputStream(dir.resolve("f.npy"));
             InputStream b = Files.newInputStream(dir.resolve("b.npy"))) {
            NpyReader fr = NpyReader.read(f);
            NpyReader br = NpyReader.read(b);
            assertArrayEquals(new int[] {2, 3}, fr.shape());
            assertArrayEquals(floats, fr.float32());
            assertArrayEquals(new int[] {4}, br.shape());
            assertArrayEquals(bytes, br.uint8());
        }
        // NumPy requires the header (magic to newline) to end on a 64-byte boundary.
        assertEquals(0, (Files.size(dir.resolve("b.npy")) - bytes.length) % 64);
    }

    private static void assertFloatsIdentical(float[] expected, float[] actual, String name) {
        assertEquals(expected.length, actual.length);
        double maxDiff = 0;
        int differing = 0;
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i])) {
                differing++;
                maxDiff = Math.max(maxDiff, Math.abs((double) expected[i] - actual[i]));
            }
        }
        assertTrue(differing == 0, name + ": " + differing + " floats differ, max abs diff " + maxDiff);
    }

    private static float[] lut() {
        try (InputStream in = resource("normalize_lut.npy")) {
            return NpyReader.read(in).float32();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static DecodedImage decode(String fixture) throws Exception {
        try (InputStream in = resource("fixtures/" + fixture)) {
            return DECODER.decode(in.readAllBytes());
        }
    }

    private static NpyReader gzNpy(String path) throws IOException {
        try (InputStream in = new GZIPInputStream(resource(path))) {
            return NpyReader.read(in);
        }
    }

    private static InputStream resource(String path) {
        InputStream in = ClipPreprocessorGoldenTest.class.getResourceAsStream("/golden/" + path);
        if (in == null) {
            throw new IllegalStateException("missing test resource golden/" + path);
        }
        return in;
    }
}
