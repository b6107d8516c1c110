package dev.imgsearch.decode;

/** The container formats the decoder accepts, recognised by their leading bytes as Pillow does (never by file name). */
public enum ImageFormat {
    PNG("PNG", "image/png"),
    JPEG("JPEG", "image/jpeg"),
    GIF("GIF", "image/gif"),
    BMP("BMP", "image/bmp"),
    TIFF("TIFF", "image/tiff"),
    WEBP("WebP", "image/webp");

    private final String displayName;
    private final String mediaType;

    ImageFormat(String displayName, String mediaType) {
        this.displayName = displayName;
        this.mediaType = mediaType;
    }

    String displayName() {
        return displayName;
    }

    /** The IANA media type, e.g. for a Content-Type header. */
    public String mediaType() {
        return mediaType;
    }

    /** The format whose signature starts {@code data}, or null if none does. */
    public static ImageFormat sniff(byte[] data) {
        if (startsWith(data, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return PNG;
        }
        if (startsWith(data, 0xFF, 0xD8, 0xFF)) {
            return JPEG;
        }
        if (startsWith(data, 'G', 'I', 'F', '8', '7', 'a') || startsWith(data, 'G', 'I', 'F', '8', '9', 'a')) {
            return GIF;
        }
        if (startsWith(data, 'B', 'M')) {
            return BMP;
        }
        if (startsWith(data, 'I', 'I', 42, 0) || startsWith(data, 'M', 'M', 0, 42)) {
            return TIFF;
        }
        if (startsWith(data, 'R', 'I', 'F', 'F') && data.length >= 12
                && data[8] == 'W' && data[9] == 'E' && data[10] == 'B' && data[11] == 'P') {
            return WEBP;
        }
        return null;
    }

    private static boolean startsWith(byte[] data, int... prefix) {
        if (data.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((data[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
