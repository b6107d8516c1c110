package dev.imgsearch.decode;

import java.awt.image.BufferedImage;
import java.io.IOException;
import javax.imageio.ImageReader;

/**
 * WebP through libwebp (the reader bundles it), as Pillow 9.4 does: lossy and lossless decode to the same RGBA libwebp
 * gives Pillow, in mode "RGBA" when the file declares alpha and "RGB" otherwise.
 */
final class WebpDecoder implements FormatDecoder {

    @Override
    public DecodedImage decode(byte[] data, ImageReader reader, PixelLimit limit)
            throws IOException, ImageDecodeException {
        if (isAnimated(data)) {
            // libwebp's still-image API (all the reader offers) refuses animations; Pillow composes frame 0 on the
            // canvas with the animation API, which no Java reader here reproduces exactly.
            throw new ImageDecodeException("unsupported WebP: animated (only still WebP images are decoded)");
        }
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        limit.check(width, height);
        BufferedImage image = reader.read(0);
        boolean alpha = image.getColorModel().hasAlpha();
        return alpha
                ? DecodedImage.of("RGBA", width, height, Rasters.interleave(image.getRaster(), new int[] {0, 1, 2, 3}, 0))
                : DecodedImage.of("RGB", width, height, Rasters.interleave(image.getRaster(), new int[] {0, 1, 2}, 0));
    }

    /** The ANIM flag of an extended-format (VP8X) header. */
    private static boolean isAnimated(byte[] data) {
        return data.length > 20 && data[12] == 'V' && data[13] == 'P' && data[14] == '8' && data[15] == 'X'
                && (data[20] & 0x02) != 0;
    }
}
