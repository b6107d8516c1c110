package dev.imgsearch.decode;

/**
 * The size in pixels an image decodes to, as its header gives it (for a GIF, the canvas its first frame is placed
 * on), so that a caller can budget memory before decoding.
 */
public record ImageSize(long width, long height) {

    public long pixels() {
        return width * height;
    }
}
