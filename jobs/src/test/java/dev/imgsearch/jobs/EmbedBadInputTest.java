package dev.imgsearch.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgsearch.record.EmbeddingRecord;
import dev.imgsearch.record.FailedImage;
import dev.imgsearch.source.SourceOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embed job over every kind of awkward input at once: odd but valid formats are embedded, broken ones are
 * recorded with their reason, and every input file appears exactly once.
 */
class EmbedBadInputTest {

    private static final Path GOLDEN = TestPaths.REPO.resolve("pipeline-core/src/test/resources/golden");

    @TempDir
    Path tmp;

    @Test
    void everyAwkwardInputIsEmbeddedOrRecordedOnce() throws Exception {
        Path input = tmp.resolve("input");
        Files.createDirectories(input);
        int valid = 0;
        try (Stream<Path> files = Files.list(GOLDEN.resolve("fixtures"))) {
            for (Path f : files.toList()) {
                Files.copy(f, input.resolve(f.getFileName()));
                valid++;
            }
        }
        byte[] jpeg = Files.readAllBytes(input.resolve("jpeg_420.jpg"));
        Files.write(input.resolve("truncated.jpg"), java.util.Arrays.copyOf(jpeg, jpeg.length / 2));
        Files.write(input.resolve("zero.jpg"), new byte[0]);
        Files.writeString(input.resolve("text.png"), "plain text, not a picture");
        Files.write(input.resolve("bomb.png"), BrokenImages.pngHeaderOnly(30000, 30000));
        Files.copy(GOLDEN.resolve("unsupported/webp_animated.webp"), input.resolve("animated.webp"));
        Files.createSymbolicLink(input.resolve("dangling.png"), input.resolve("no-such-file.png"));
        Files.createSymbolicLink(input.resolve("loop"), input);
        // A file name that is not valid UTF-8 (Latin-1 "café.png"), as old archives have.
        Process cp = new ProcessBuilder("sh", "-c", "cp png_rgb.png \"$(printf 'caf\\351.png')\"")
                .directory(input.toFile()).inheritIO().start();
        assertEquals(0, cp.waitFor());
        valid++;
        Set<String> broken = Set.of("truncated.jpg", "zero.jpg", "text.png", "bomb.png", "animated.webp",
                "dangling.png");

        SparkSession spark = SparkSessions.start("bad-input-test",
                Map.of("spark.master", "local[2]", "spark.ui.enabled", "false"));
        RunReport report;
        try {
            report = EmbedJob.run(spark, EmbedSettings.builder(input.toString(), tmp.resolve("out").toString())
                    .model(TestPaths.TINY_MODEL.toString()).batchSize(8).shardSize(16).build());
        } finally {
            spark.stop();
        }

        List<EmbeddingRecord> rows = EmbedJobTest.readEmbeddings(tmp.resolve("out"));
        List<FailedImage> errors = EmbedJobTest.readErrors(tmp.resolve("out"));
        assertEquals(valid, rows.size(), () -> "errors: " + errors);
        assertEquals(broken.size(), errors.size(), () -> "errors: " + errors);
        assertEquals(valid + broken.size(), report.embedded() + report.failed());
        Set<String> uris = new HashSet<>();
        rows.forEach(r -> assertTrue(uris.add(r.uri()), "twice: " + r.uri()));
        errors.forEach(e -> assertTrue(uris.add(e.uri()), "twice: " + e.uri()));
        assertTrue(rows.stream().anyMatch(r -> r.uri().endsWith("caf%E9.png")), "the non-UTF-8 name is embedded");

        Map<String, FailedImage> byName = new HashMap<>();
        errors.forEach(e -> byName.put(e.uri().substring(e.uri().lastIndexOf('/') + 1), e));
        assertEquals(broken, byName.keySet());
        assertEquals("read", byName.get("dangling.png").stage());
        assertTrue(byName.get("bomb.png").reason().contains("limit"), byName.get("bomb.png").reason());
        assertTrue(byName.get("animated.webp").reason().contains("animated"), byName.get("animated.webp").reason());
        assertTrue(byName.get("zero.jpg").reason().contains("empty"), byName.get("zero.jpg").reason());
    }
}
