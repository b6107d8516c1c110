package dev.imgsearch.decode;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which library decodes PNGs. Both give Pillow's pixels; libspng is the faster one, ImageIO (the JDK's PNG reader) the
 * fallback where libspng is not installed.
 */
public enum PngBackend {
    /** libspng (Debian package libspng0) through JNA. */
    LIBSPNG,
    /** The JDK's ImageIO PNG reader. */
    IMAGEIO;

    /** The system property that picks a backend: {@code libspng}, {@code imageio} or {@code auto} (the default). */
    public static final String PROPERTY = "imgsearch.png.decoder";
    /** The environment variable read when the property is not set, with the same values. */
    public static final String ENV = "IMGSEARCH_PNG_DECODER";

    private static final Logger LOG = LoggerFactory.getLogger(PngBackend.class);

    private static final String INSTALL_HINT = "install libspng (Debian/Ubuntu: apt-get install libspng0; macOS: brew "
            + "install libspng) or set " + ENV + "=imageio";

    /** The backend the property or environment variable names; by default libspng where it loads, else ImageIO. */
    public static PngBackend configured() {
        String value = System.getProperty(PROPERTY, System.getenv(ENV));
        String name = value == null || value.isBlank() ? "auto" : value.trim().toLowerCase(Locale.ROOT);
        return switch (name) {
            case "libspng" -> LIBSPNG;
            case "imageio" -> IMAGEIO;
            case "auto" -> Auto.CHOICE;
            default -> throw new IllegalArgumentException(PROPERTY + " / " + ENV + " must be libspng, imageio or auto, "
                    + "not '" + value + "'");
        };
    }

    /** Throws with the reason and the remedy when this backend cannot decode on this machine. */
    void requireAvailable() {
        if (this == LIBSPNG && Spng.unavailable() != null) {
            throw new IllegalStateException("the libspng decoder was asked for but libspng cannot be loaded ("
                    + Spng.unavailable() + "): " + INSTALL_HINT);
        }
    }

    /** The automatic choice, made and logged once per JVM at first use. */
    private static final class Auto {
        static final PngBackend CHOICE = choose();

        private static PngBackend choose() {
            if (Spng.unavailable() == null) {
                return LIBSPNG;
            }
            LOG.warn("libspng cannot be loaded ({}): PNGs decode through the JDK's ImageIO reader instead, to the same "
                    + "pixels but slower; for full speed, {}", Spng.unavailable(), INSTALL_HINT);
            return IMAGEIO;
        }
    }
}
