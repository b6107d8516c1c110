package dev.imgsearch.serve;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

/**
 * Scales images down for result grids, keeping recent thumbnails in a byte-bounded LRU cache. Large originals are
 * subsampled while they are read, and refused above a pixel limit before any pixel buffer is allocated.
 */
final class Thumbnails {

    /** A scaled image ready to send. */
    record Thumbnail(byte[] bytes, String contentType) {
    }

    static final int MIN_SIZE = 16;
    static final int MAX_SIZE = 1024;

    private final long maxPixels;
    private final long cacheBytes;
    private final LinkedHashMap<String, Thumbnail> cache = new LinkedHashMap<>(64, 0.75f, true);
    private long cachedBytes;

    Thumbnails(long maxPixels, long cacheBytes) {
        this.maxPixels = maxPixels;
        this.cacheBytes = cacheBytes;
    }

    synchronized Thumbnail cached(String key) {
        return cache.get(key);
    }

    /** The image scaled so its longer side is at most {@code size} pixels (never enlarged). */
    Thumbnail scale(byte[] original, int size) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(original))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new ApiException(422, "the image of this record is in a format that cannot be decoded");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long width = reader.getWidth(0);
                long height = reader.getHeight(0);
                if (width * height > maxPixels) {
                    throw new ApiException(422, "the image of this record is " + width + "x" + height
                            + " pixels, above the thumbnail limit of " + maxPixels);
                }
                ImageReadParam param = reader.getDefaultReadParam();
                int step = (int) Math.max(1, Math.max(width, height) / (2L * size));
                param.setSourceSubsampling(step, step, 0, 0);
                return encode(downscale(reader.read(0, param), size));
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ApiException api) {
                throw api;
            }
            throw new ApiException(422, "the image of this record cannot be decoded: " + e.getMessage());
        }
    }

    /** Halves with bilinear filtering until close, then one last step: a cheap approximation of area averaging. */
    private static BufferedImage downscale(BufferedImage image, int size) {
        boolean alpha = image.getColorModel().hasAlpha();
        int type = alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB;
        double scale = Math.min(1.0, (double) size / Math.max(image.getWidth(), image.getHeight()));
        int targetW = Math.max(1, (int) Math.round(image.getWidth() * scale));
        int targetH = Math.max(1, (int) Math.round(image.getHeight() * scale));
        BufferedImage current = image;
        do {
            int w = Math.max(targetW, current.getWidth() / 2);
            int h = Math.max(targetH, current.getHeight() / 2);
            if (current.getWidth() <= targetW * 2 && current.getHeight() <= targetH * 2) {
                w = targetW;
                h = targetH;
            }
            BufferedImage next = new BufferedImage(w, h, type);
            Graphics2D g = next.createGraphics();
            try {
                g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
                g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
                g.drawImage(current, 0, 0, w, h, null);
            } finally {
                g.dispose();
            }
            current = next;
        } while (current.getWidth() != targetW || current.getHeight() != targetH);
        return current;
    }

    private static Thumbnail encode(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (image.getColorModel().hasAlpha()) {
            ImageIO.write(image, "png", out);
            return new Thumbnail(out.toByteArray(), "image/png");
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.85f);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return new Thumbnail(out.toByteArray(), "image/jpeg");
    }

    /** Keeps a thumbnail under a key that changes whenever the image does (its ETag). */
    synchronized void remember(String key, Thumbnail thumbnail) {
        if (thumbnail.bytes().length > cacheBytes) {
            return;
        }
        Thumbnail previous = cache.put(key, thumbnail);
        cachedBytes += thumbnail.bytes().length - (previous == null ? 0 : previous.bytes().length);
        Iterator<Map.Entry<String, Thumbnail>> eldest = cache.entrySet().iterator();
        while (cachedBytes > cacheBytes && eldest.hasNext()) {
            cachedBytes -= eldest.next().getValue().bytes().length;
            eldest.remove();
        }
    }
}
