package dev.imgsearch.decode;

import java.io.IOException;
import javax.imageio.ImageReader;

/** Turns one container format into the pixels and PIL mode Pillow 9.4 would produce for it. */
interface FormatDecoder {

    /**
     * @param data   the whole encoded file
     * @param reader a fresh reader for this format with {@code data} as its input
     * @param limit  checked against the header's size before any pixel buffer is allocated
     */
    DecodedImage decode(byte[] data, ImageReader reader, PixelLimit limit) throws IOException, ImageDecodeException;
}
