package dev.imgsearch.decode;

/** Refuses images above a pixel count from their header, before any pixel buffer is allocated. */
record PixelLimit(long maxPixels) {

    void check(long width, long height) throws ImageDecodeException {
        if (width <= 0 || height <= 0) {
            throw new ImageDecodeException("invalid image size " + width + "x" + height);
        }
        if (width * height > maxPixels) {
            throw new ImageDecodeException("image is " + width + "x" + height + " pixels, above the limit of "
                    + maxPixels + " (--max-pixels)");
        }
    }
}
