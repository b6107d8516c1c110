package dev.imgsearch.jobs;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;

/** Generates distinct, compressible PNGs in bulk, for tests that need more images than the repository ships. */
final class SyntheticImages {

    private SyntheticImages() {
    }

    static void write(Path dir, int count, int size) throws IOException {
        Files.createDirectories(dir);
        Random random = new Random(42);
        for (int i = 0; i < count; i++) {
            BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = image.createGraphics();
            g.setPaint(new GradientPaint(0, 0, new Color(random.nextInt(0xffffff)), size, size,
                    new Color(random.nextInt(0xffffff))));
            g.fillRect(0, 0, size, size);
            for (int s = 0; s < 6; s++) {
                g.setColor(new Color(random.nextInt(0xffffff)));
                g.fillOval(random.nextInt(size), random.nextInt(size), size / 4, size / 4);
            }
            g.dispose();
            ImageIO.write(image, "png", dir.resolve(String.format("img-%04d.png", i)).toFile());
        }
    }
}
