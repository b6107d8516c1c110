package dev.imgsearch.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The reordered 8-bit bicubic passes give exactly the bytes of Pillow's own loop order ({@link ReferenceResampler})
 * for every band count, alpha handling, scale, window and block boundary; the golden tests check the whole against
 * Pillow on real files.
 */
class PillowResamplerTest {

    record Case(int width, int height, int bands, PillowResampler.Read alpha, int outWidth, int outHeight,
            PillowResampler.Window window, long seed) {
        @Override
        public String toString() {
            return width + "x" + height + "x" + bands + " " + alpha + " -> " + outWidth + "x" + outHeight + " "
                    + window;
        }
    }

    static Stream<Arguments> shapes() {
        Stream.Builder<Case> cases = Stream.builder();
        for (int bands = 1; bands <= 4; bands++) {
            PillowResampler.Read alpha = bands % 2 == 0 ? PillowResampler.Read.PREMULTIPLY
                    : PillowResampler.Read.AS_IS;
            // A photo-like shrink with CLIP's centre crop, source rows just around the pass's block size, a huge
            // shrink (wide filters), an enlargement, one pass only, no pass at all, and single pixels.
            cases.add(full(400, 300, bands, alpha, 298, 224, new PillowResampler.Window(37, 0, 224, 224)));
            cases.add(full(300, 127, bands, alpha, 150, 64, null));
            cases.add(full(300, 128, bands, alpha, 150, 64, null));
            cases.add(full(300, 129, bands, alpha, 150, 64, null));
            cases.add(full(300, 257, bands, alpha, 299, 256, null));
            cases.add(full(1999, 40, bands, alpha, 3, 2, null));
            cases.add(full(17, 11, bands, alpha, 224, 145, new PillowResampler.Window(0, 3, 224, 139)));
            cases.add(full(90, 60, bands, alpha, 90, 31, null));
            cases.add(full(90, 60, bands, alpha, 45, 60, null));
            cases.add(full(90, 60, bands, alpha, 90, 60, new PillowResampler.Window(5, 7, 20, 30)));
            cases.add(full(1, 1, bands, alpha, 224, 224, null));
            cases.add(full(5, 340, bands, alpha, 224, 15232, new PillowResampler.Window(0, 7504, 224, 224)));
            cases.add(full(200, 150, bands, alpha, 1, 1, null));
            cases.add(full(200, 150, bands, alpha, 134, 100, new PillowResampler.Window(133, 99, 1, 1)));
        }
        Random random = new Random(15);
        for (int i = 0; i < 60; i++) {
            int bands = 1 + random.nextInt(4);
            int width = 1 + random.nextInt(i % 4 == 0 ? 700 : 200);
            int height = 1 + random.nextInt(i % 5 == 0 ? 700 : 200);
            int outWidth = i % 3 == 0 ? width : 1 + random.nextInt(300);
            int outHeight = i % 7 == 0 ? height : 1 + random.nextInt(300);
            int x = random.nextInt(outWidth);
            int y = random.nextInt(outHeight);
            PillowResampler.Window window = new PillowResampler.Window(x, y, 1 + random.nextInt(outWidth - x),
                    1 + random.nextInt(outHeight - y));
            PillowResampler.Read alpha = bands % 2 == 0 && random.nextBoolean()
                    ? PillowResampler.Read.PREMULTIPLY : PillowResampler.Read.AS_IS;
            cases.add(new Case(width, height, bands, alpha, outWidth, outHeight, window, random.nextLong()));
        }
        return cases.build().map(Arguments::of);
    }

    private static Case full(int width, int height, int bands, PillowResampler.Read alpha, int outWidth,
            int outHeight, PillowResampler.Window window) {
        return new Case(width, height, bands, alpha, outWidth, outHeight,
                window == null ? new PillowResampler.Window(0, 0, outWidth, outHeight) : window,
                31L * width + height + bands);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void bicubicGivesPillowsBytesOnNoiseAndOnSmoothImages(Case c) {
        Random random = new Random(c.seed);
        byte[] noise = new byte[c.width * c.height * c.bands];
        random.nextBytes(noise);
        // Smooth gradients with a little noise: values near 0 and 255 exercise the clipping of overshoots.
        byte[] smooth = new byte[noise.length];
        for (int i = 0; i < smooth.length; i++) {
            int x = i / c.bands % c.width;
            int y = i / c.bands / c.width;
            smooth[i] = (byte) (((x * 255 / Math.max(1, c.width - 1)) ^ (y * 7)) + random.nextInt(5));
        }
        for (byte[] src : new byte[][] {noise, smooth}) {
            assertArrayEquals(
                    ReferenceResampler.bicubic8(src, c.width, c.height, c.bands, c.alpha, c.outWidth, c.outHeight,
                            c.window),
                    PillowResampler.bicubic8(src, c.width, c.height, c.bands, c.alpha, c.outWidth, c.outHeight,
                            c.window));
        }
    }

    static Stream<Arguments> alphaShapes() {
        Stream.Builder<Arguments> cases = Stream.builder();
        for (int bands : new int[] {2, 4}) {
            // Both passes with an odd window offset, the horizontal pass only, the vertical pass only (no
            // transposition: the rows are widened and premultiplied as they are), and a shrink whose column ring
            // wraps many times per block.
            cases.add(Arguments.of(new Case(333, 211, bands, PillowResampler.Read.PREMULTIPLY, 157, 99,
                    new PillowResampler.Window(31, 17, 101, 63), 7L * bands)));
            cases.add(Arguments.of(new Case(301, 150, bands, PillowResampler.Read.PREMULTIPLY, 123, 150,
                    new PillowResampler.Window(13, 5, 97, 131), 11L * bands)));
            cases.add(Arguments.of(new Case(150, 301, bands, PillowResampler.Read.PREMULTIPLY, 150, 123,
                    new PillowResampler.Window(13, 5, 97, 111), 13L * bands)));
            cases.add(Arguments.of(new Case(1501, 260, bands, PillowResampler.Read.PREMULTIPLY, 224, 38,
                    new PillowResampler.Window(3, 1, 219, 37), 17L * bands)));
        }
        return cases.build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("alphaShapes")
    void premultiplyingWhileTransposingGivesTheBytesOfPremultiplyingFirst(Case c) {
        Random random = new Random(c.seed);
        byte[] src = new byte[c.width * c.height * c.bands];
        random.nextBytes(src);
        // Transparent and opaque pixels, as most of clip-art's are, among partly transparent ones.
        for (int i = c.bands - 1; i < src.length; i += c.bands) {
            int kind = random.nextInt(3);
            src[i] = kind == 0 ? 0 : kind == 1 ? (byte) 255 : src[i];
        }
        assertArrayEquals(
                ReferenceResampler.bicubic8(src, c.width, c.height, c.bands, c.alpha, c.outWidth, c.outHeight,
                        c.window),
                PillowResampler.bicubic8(src, c.width, c.height, c.bands, c.alpha, c.outWidth, c.outHeight,
                        c.window));
    }
}
