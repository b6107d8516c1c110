package dev.imgsearch.preprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.imgsearch.decode.DecodedImage;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Shapes and argument checks of the preprocessor; the pixel values are covered by ClipPreprocessorGoldenTest. */
class ClipPreprocessorTest {

    @Test
    void outputSizesFollowTheConfiguredImageSize() {
        ClipPreprocessor clip = ClipPreprocessor.openAiClip(336);
        byte[] grey = new byte[500 * 400];
        Arrays.fill(grey, (byte) 128);
        DecodedImage image = DecodedImage.of("L", 500, 400, grey);
        assertEquals(336 * 336 * 3, clip.toRgb(image).length);
        float[] pixels = clip.toPixelValues(image);
        assertEquals(3 * 336 * 336, pixels.length);
        // A flat grey image stays flat: (128/255 - mean) / std in every channel.
        assertEquals((128 / 255f - (float) 0.48145466) / (float) 0.26862954, pixels[0]);
        assertEquals((128 / 255f - (float) 0.40821073) / (float) 0.27577711, pixels[pixels.length - 1]);
    }

    @Test
    void anImageTooElongatedForAnIntLongSideIsRefused() {
        DecodedImage strip = DecodedImage.of("L", 1, 20_000_000, new byte[20_000_000]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClipPreprocessor.openAiClip(224).toRgb(strip));
        assertEquals("image 1x20000000 is too elongated to resize its short side to 224", e.getMessage());
    }

    @Test
    void meanAndStdNeedThreeChannels() {
        assertThrows(IllegalArgumentException.class,
                () -> new ClipPreprocessor(224, new float[] {0.5f}, new float[] {0.5f, 0.5f, 0.5f}));
        assertThrows(IllegalArgumentException.class, () -> new ClipPreprocessor(0, new float[3], new float[3]));
    }
}
