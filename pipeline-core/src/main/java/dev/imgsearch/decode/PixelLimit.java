package dev.imgsearch.decode;

/** What every format decoder calls with the size from the header, before any pixel buffer is allocated. */
interface PixelLimit {

    void check(long width, long height) throws ImageDecodeException;

    /** Refuses images above {@code maxPixels}. */
    static PixelLimit atMost(long maxPixels) {
        return (width, height) -> {
            requireValid(width, height);
            if (width * height > maxPixels) {
                throw new ImageDecodeException("image is " + width + "x" + height + " pixels, above the limit of "
                        + maxPixels + " (--max-pixels)");
            }
        };
    }

    static void requireValid(long width, long height) throws ImageDecodeException {
        if (width <= 0 || height <= 0) {
            throw new ImageDecodeException("invalid image size " + width + "x" + height);
        }
    }
}
