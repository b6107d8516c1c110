package dev.imgsearch.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgsearch.embed.EmbedOutput;
import dev.imgsearch.embed.Provenance;
import dev.imgsearch.embed.RerunCheck;
import dev.imgsearch.model.ModelDescriptor;
import dev.imgsearch.model.ModelIdentity;
import dev.imgsearch.record.EmbeddingRecord;
import dev.imgsearch.record.FailedImage;
import dev.imgsearch.record.RecordIds;
import dev.imgsearch.record.RecordParquetReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbedJobTest {

    private static SparkSession spark;
    private static Path input;
    private static int realImages;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void setUp() throws IOException {
        spark = SparkSessions.start("embed-test", Map.of("spark.master", "local[2]", "spark.ui.enabled", "false"));
        input = tmp.resolve("input");
        try (Stream<Path> files = Files.walk(TestPaths.SAMPLE_IMAGES)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path target = input.resolve(TestPaths.SAMPLE_IMAGES.relativize(f).toString());
                Files.createDirectories(target.getParent());
                Files.copy(f, target);
                realImages++;
            }
        }
        BrokenImages.writeInto(input.resolve("broken"),
                Files.walk(input).filter(p -> p.toString().endsWith(".png")).findFirst().orElseThrow());
    }

    @AfterAll
    static void tearDown() {
        spark.stop();
    }

    private static EmbedSettings settings(Path output) {
        return settings(input, output).build();
    }

    @Test
    void everyInputIsEmbeddedOrRecordedAsAnErrorWithItsReason() throws IOException {
        Path output = tmp.resolve("out-all");
        RunReport report = EmbedJob.run(spark, settings(output));

        List<EmbeddingRecord> rows = readEmbeddings(output);
        List<FailedImage> errors = readErrors(output);
        assertEquals(realImages, rows.size());
        assertEquals(5, errors.size());
        assertEquals(realImages, report.embedded());
        assertEquals(5, report.failed());

        int dim = ModelDescriptor.read(TestPaths.TINY_MODEL).embeddingDim();
        Set<String> ids = new HashSet<>();
        for (EmbeddingRecord r : rows) {
            assertEquals(dim, r.embedding().length, r.uri());
            assertEquals(1.0, norm(r.embedding()), 1e-5, r.uri());
            assertEquals(RecordIds.forUri(r.uri()), r.id());
            assertEquals(64, r.sha256().length());
            assertTrue(r.width() > 0 && r.height() > 0);
            assertTrue(ids.add(r.id()), "duplicate id " + r.id());
        }
        Map<String, FailedImage> byName = new HashMap<>();
        errors.forEach(e -> byName.put(Path.of(java.net.URI.create(e.uri())).getFileName().toString(), e));
        assertEquals(Set.of("truncated.png", "empty.jpg", "notes.png", "garbage.gif", "bomb.png"), byName.keySet());
        byName.values().forEach(e -> assertTrue(!e.reason().isBlank() && !e.reason().contains("\n"), e.toString()));
        assertTrue(byName.get("bomb.png").reason().contains("30000"), byName.get("bomb.png").reason());
    }

    @Test
    void outputIsReadableBySparkAsArrayOfFloat() throws IOException {
        Path output = tmp.resolve("out-spark");
        EmbedJob.run(spark, settings(output));
        Dataset<Row> df = spark.read().parquet(output.resolve("embeddings").toString());
        assertEquals(realImages, df.count());
        assertEquals("array<float>", df.schema().apply("embedding").dataType().simpleString());
        assertEquals(5, spark.read().parquet(output.resolve("errors").toString()).count());
    }

    @Test
    void reRunSkipsCommittedShardsAndRedoesOnlyTheMissingOne() throws IOException {
        Path output = tmp.resolve("out-resume");
        RunReport first = EmbedJob.run(spark, settings(output));
        assertEquals(first.shardsPlanned(), first.shardsRun());

        RunReport second = EmbedJob.run(spark, settings(output));
        assertEquals(0, second.shardsRun());
        assertEquals(first.shardsPlanned(), second.shardsSkipped());
        assertEquals(realImages + 5, second.skippedImages());

        // As if the job had died after writing shard files but before committing one shard.
        String lost = first.shards().get(1).shardId();
        Files.delete(output.resolve("_committed").resolve(lost + ".json"));
        RunReport third = EmbedJob.run(spark, settings(output));
        assertEquals(1, third.shardsRun());
        assertEquals(lost, third.shards().get(0).shardId());
        assertEquals(realImages, readEmbeddings(output).size());
        assertEquals(5, readErrors(output).size());
        assertEquals(realImages, third.embedded());
    }

    @Test
    void everyShardRecordsTheModelAndPreprocessingItWasMadeWith() throws IOException {
        Path output = tmp.resolve("out-provenance");
        RunReport report = EmbedJob.run(spark, settings(output));
        Provenance provenance = EmbedOutput.at(output.toString(), new Configuration()).provenance().orElseThrow();
        assertEquals(ModelIdentity.of(TestPaths.TINY_MODEL), provenance.model());
        assertEquals(provenance.model(), report.modelIdentity());
        assertEquals(6, provenance.shardSize());
        assertTrue(provenance.preprocessing().startsWith("Pillow 9.4 BICUBIC"), provenance.preprocessing());
    }

    @Test
    void anEmptyOrWrongInputStopsBeforeRemovingCommittedWork() throws IOException {
        Path output = tmp.resolve("out-guard");
        EmbedJob.run(spark, settings(output));
        String before = listing(output);
        Path empty = Files.createDirectories(tmp.resolve("unmounted"));

        RerunCheck.RefusedRerunException none = assertThrows(RerunCheck.RefusedRerunException.class,
                () -> EmbedJob.run(spark, settings(empty, output).build()));
        assertTrue(none.getMessage().startsWith(empty + " holds no images, and this run would remove all "),
                none.getMessage());
        assertEquals(before, listing(output), "nothing was touched");

        Path subfolder = input.resolve("broken");
        RerunCheck.RefusedRerunException most = assertThrows(RerunCheck.RefusedRerunException.class,
                () -> EmbedJob.run(spark, settings(subfolder, output).build()));
        assertTrue(most.getMessage().startsWith("this run would remove "), most.getMessage());
        assertEquals(before, listing(output), "nothing was touched");

        RerunCheck.RefusedRerunException resized = assertThrows(RerunCheck.RefusedRerunException.class,
                () -> EmbedJob.run(spark, settings(input, output).shardSize(7).build()));
        assertTrue(resized.getMessage().contains("was embedded with --shard-size 6"), resized.getMessage());
        assertEquals(before, listing(output), "nothing was touched");

        RunReport pruned = EmbedJob.run(spark, settings(empty, output).stale(RerunCheck.Stale.PRUNE).build());
        assertEquals(0, pruned.embedded());
        assertEquals(List.of(), readEmbeddings(output), "--prune-stale removed what the user asked to remove");
    }

    @Test
    void anotherModelOnTheSameOutputFailsAndLeavesItAsItWas() throws IOException {
        Path output = tmp.resolve("out-models");
        EmbedJob.run(spark, settings(output));
        String before = listing(output);
        Path otherModel = tmp.resolve("other-model");
        Files.createDirectories(otherModel);
        try (Stream<Path> files = Files.list(TestPaths.TINY_MODEL)) {
            for (Path f : files.toList()) {
                Files.copy(f, otherModel.resolve(f.getFileName()));
            }
        }
        Path descriptor = otherModel.resolve(ModelDescriptor.FILE_NAME);
        Files.writeString(descriptor, Files.readString(descriptor).replace("\"name\"", "\"comment\": \"retrained\", \"name\""));

        RerunCheck.RefusedRerunException e = assertThrows(RerunCheck.RefusedRerunException.class,
                () -> EmbedJob.run(spark, settings(input, output).model(otherModel.toString()).build()));
        assertTrue(e.getMessage().startsWith(output + " holds embeddings of model "), e.getMessage());
        assertEquals(before, listing(output));
    }

    private static EmbedSettings.Builder settings(Path from, Path output) {
        return EmbedSettings.builder(from.toString(), output.toString()).model(TestPaths.TINY_MODEL.toString())
                .batchSize(4).shardSize(6);
    }

    static String listing(Path output) throws IOException {
        try (Stream<Path> files = Files.walk(output)) {
            return files.filter(p -> !p.getFileName().toString().startsWith("run-report"))
                    .map(p -> output.relativize(p) + (Files.isRegularFile(p) ? " " + p.toFile().length() : ""))
                    .sorted().toList().toString();
        }
    }

    static List<EmbeddingRecord> readEmbeddings(Path output) throws IOException {
        List<EmbeddingRecord> rows = new ArrayList<>();
        for (Path file : parquetFiles(output.resolve("embeddings"))) {
            try (RecordParquetReader reader = new RecordParquetReader(new org.apache.hadoop.fs.Path(file.toUri()),
                    new Configuration())) {
                for (EmbeddingRecord r = reader.nextEmbedding(); r != null; r = reader.nextEmbedding()) {
                    rows.add(r);
                }
            }
        }
        return rows;
    }

    static List<FailedImage> readErrors(Path output) throws IOException {
        List<FailedImage> rows = new ArrayList<>();
        for (Path file : parquetFiles(output.resolve("errors"))) {
            try (RecordParquetReader reader = new RecordParquetReader(new org.apache.hadoop.fs.Path(file.toUri()),
                    new Configuration())) {
                for (FailedImage f = reader.nextFailure(); f != null; f = reader.nextFailure()) {
                    rows.add(f);
                }
            }
        }
        return rows;
    }

    private static List<Path> parquetFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList();
        }
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }
}
