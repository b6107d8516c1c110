package dev.imgsearch.decode;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which library decodes JPEGs. Both give Pillow's pixels; TurboJPEG is the library Pillow itself decodes with and the
 * faster one, ImageIO (the JDK's libjpeg 6b) the fallback where libturbojpeg is not installed.
 */
public enum JpegBackend {
    /** libjpeg-turbo's TurboJPEG API (libturbojpeg, Debian package libturbojpeg0) through JNA. */
    TURBOJPEG,
    /** The JDK's ImageIO JPEG reader. */
    IMAGEIO;

    /** The system property that picks a backend: {@code turbojpeg}, {@code imageio} or {@code auto} (the default). */
    public static final String PROPERTY = "imgsearch.jpeg.decoder";
    /** The environment variable read when the property is not set, with the same values. */
    public static final String ENV = "IMGSEARCH_JPEG_DECODER";

    private static final Logger LOG = LoggerFactory.getLogger(JpegBackend.class);

    /** The backend the property or environment variable names; by default TurboJPEG where it loads, else ImageIO. */
    public static JpegBackend configured() {
        String value = System.getProperty(PROPERTY, System.getenv(ENV));
        String name = value == null || value.isBlank() ? "auto" : value.trim().toLowerCase(Locale.ROOT);
        return switch (name) {
            case "turbojpeg" -> TURBOJPEG;
            case "imageio" -> IMAGEIO;
            case "auto" -> Auto.CHOICE;
            default -> throw new IllegalArgumentException(PROPERTY + " / " + ENV + " must be turbojpeg, imageio or "
                    + "auto, not '" + value + "'");
        };
    }

    /** Throws with the reason and the remedy when this backend cannot decode on this machine. */
    void requireAvailable() {
        if (this == TURBOJPEG && TurboJpeg.unavailable() != null) {
            throw new IllegalStateException("the TurboJPEG decoder was asked for but libturbojpeg cannot be loaded ("
                    + TurboJpeg.unavailable() + "): " + INSTALL_HINT);
        }
    }

    private static final String INSTALL_HINT = "install libjpeg-turbo's TurboJPEG library (Debian/Ubuntu: apt-get "
            + "install libturbojpeg0; macOS: brew install jpeg-turbo) or set " + ENV + "=imageio";

    /** The automatic choice, made and logged once per JVM at first use. */
    private static final class Auto {
        static final JpegBackend CHOICE = choose();

        private static JpegBackend choose() {
            if (TurboJpeg.unavailable() == null) {
                return TURBOJPEG;
            }
            LOG.warn("libturbojpeg cannot be loaded ({}): JPEGs decode through the JDK's ImageIO reader instead, to "
                    + "the same pixels but slower; for full speed, {}", TurboJpeg.unavailable(), INSTALL_HINT);
            return IMAGEIO;
        }
    }
}
