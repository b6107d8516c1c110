package dev.imgsearch.decode;

import com.luciad.imageio.webp.WebPImageReaderSpi;
import com.twelvemonkeys.imageio.plugins.bmp.BMPImageReaderSpi;
import com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReaderSpi;
import com.twelvemonkeys.imageio.plugins.tiff.TIFFImageReaderSpi;

import java.io.IOException;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;
import javax.imageio.ImageReader;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;

/**
 * The one ImageIO reader provider used per format, chosen explicitly rather than by registry order, and registered
 * here so that a class loader that missed the service files (Spark's, for jars added at submit time) still finds them.
 */
final class ReaderProviders {

    private static final Map<ImageFormat, ImageReaderSpi> PROVIDERS = new EnumMap<>(ImageFormat.class);

    static {
        IIORegistry registry = IIORegistry.getDefaultInstance();
        // TwelveMonkeys' JPEG reader finds its JDK delegate when registered; it reads the raw component samples.
        PROVIDERS.put(ImageFormat.JPEG, register(registry, new JPEGImageReaderSpi()));
        PROVIDERS.put(ImageFormat.BMP, register(registry, new BMPImageReaderSpi()));
        PROVIDERS.put(ImageFormat.TIFF, register(registry, new TIFFImageReaderSpi()));
        PROVIDERS.put(ImageFormat.WEBP, register(registry, new WebPImageReaderSpi()));
        // The JDK's own PNG and GIF readers are lossless and keep raw samples and palette indices.
        PROVIDERS.put(ImageFormat.PNG, jdkProvider(registry, "png"));
        PROVIDERS.put(ImageFormat.GIF, jdkProvider(registry, "gif"));
    }

    private ReaderProviders() {
    }

    static ImageReader newReader(ImageFormat format) throws IOException {
        return PROVIDERS.get(format).createReaderInstance();
    }

    private static ImageReaderSpi register(IIORegistry registry, ImageReaderSpi spi) {
        registry.registerServiceProvider(spi, ImageReaderSpi.class);
        return registry.getServiceProviderByClass(spi.getClass());
    }

    private static ImageReaderSpi jdkProvider(IIORegistry registry, String formatName) {
        Iterator<ImageReaderSpi> it = registry.getServiceProviders(ImageReaderSpi.class, false);
        while (it.hasNext()) {
            ImageReaderSpi spi = it.next();
            if (spi.getClass().getName().startsWith("com.sun.imageio.")
                    && Arrays.asList(spi.getFormatNames()).contains(formatName)) {
                return spi;
            }
        }
        throw new IllegalStateException("the JDK's " + formatName + " reader is missing");
    }
}
