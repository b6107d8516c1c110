package dev.imgsearch.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.imgsearch.model.ClipModel;
import dev.imgsearch.record.EmbeddingRecord;
import dev.imgsearch.record.FailedImage;
import dev.imgsearch.record.RecordParquetReader;
import dev.imgsearch.record.RecordParquetWriter;
import dev.imgsearch.source.ItemInfo;
import dev.imgsearch.source.SourceItem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ShardEmbedderTest {

    private static final Path MODEL = Path.of("src/test/resources/tiny-clip");
    private static final Path IMAGE = Path.of("src/test/resources/golden/fixtures/png_rgb.png");
    private static final Path PHOTO = Path.of("src/test/resources/golden/fixtures/jpeg_420.jpg");

    @TempDir
    Path tmp;

    private RecordParquetWriter writer(String name, boolean embeddings) throws Exception {
        var path = new org.apache.hadoop.fs.Path(tmp.resolve(name).toUri());
        return embeddings ? RecordParquetWriter.forEmbeddings(path, new Configuration())
                : RecordParquetWriter.forErrors(path, new Configuration());
    }

    private List<SourceItem> items() throws Exception {
        byte[] png = Files.readAllBytes(IMAGE);
        return List.of(SourceItem.read("file:/a.png", png, ItemInfo.NONE),
                SourceItem.read("file:/b.png", new byte[] {1, 2, 3}, ItemInfo.NONE),
                SourceItem.unreadable("file:/c.png", "permission denied", ItemInfo.NONE),
                SourceItem.read("file:/d.png", png, ItemInfo.caption("a caption")));
    }

    @Test
    void badImagesAreRecordedAndGoodOnesEmbedded() throws Exception {
        try (ClipModel model = ClipModel.load(MODEL);
                RecordParquetWriter embeddings = writer("e.parquet", true);
                RecordParquetWriter errors = writer("f.parquet", false)) {
            ShardEmbedder.Counts counts = new ShardEmbedder(ClipEmbedder.of(model), 3)
                    .embed(items().iterator(), embeddings, errors);
            assertEquals(new ShardEmbedder.Counts(2, 2), counts);
            assertEquals(2, embeddings.rows());
            assertEquals(2, errors.rows());
        }
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 3})
    void aModelFailureFailsTheShardInsteadOfWritingTheImagesOff(int threads) throws Exception {
        ClipModel model = ClipModel.load(MODEL);
        model.close();
        try (RecordParquetWriter embeddings = writer("e.parquet", true);
                RecordParquetWriter errors = writer("f.parquet", false)) {
            ShardEmbedder embedder = new ShardEmbedder(ClipEmbedder.of(model), 3, threads);
            assertThrows(IllegalStateException.class, () -> embedder.embed(items().iterator(), embeddings, errors));
            assertEquals(0, embeddings.rows());
            assertEquals(2, errors.rows(), "only the undecodable and the unreadable input, not the two images");
        }
    }

    /** 29 items, one in three undecodable or unreadable, in an order a pool could easily scramble. */
    private List<SourceItem> mixed() throws Exception {
        byte[] png = Files.readAllBytes(IMAGE);
        byte[] jpeg = Files.readAllBytes(PHOTO);
        List<SourceItem> items = new ArrayList<>();
        for (int i = 0; i < 29; i++) {
            String uri = "file:/" + i + (i % 2 == 0 ? ".png" : ".jpg");
            items.add(switch (i % 6) {
                case 2 -> SourceItem.read(uri, new byte[] {(byte) i}, ItemInfo.NONE);
                case 5 -> SourceItem.unreadable(uri, "gone", ItemInfo.NONE);
                default -> SourceItem.read(uri, i % 2 == 0 ? png : jpeg, ItemInfo.caption("caption " + i));
            });
        }
        return items;
    }

    private record Written(List<EmbeddingRecord> embeddings, List<FailedImage> errors) {
    }

    private Written embedMixed(ClipModel model, int threads, String name) throws Exception {
        var e = new org.apache.hadoop.fs.Path(tmp.resolve(name + "-e.parquet").toUri());
        var f = new org.apache.hadoop.fs.Path(tmp.resolve(name + "-f.parquet").toUri());
        try (RecordParquetWriter embeddings = RecordParquetWriter.forEmbeddings(e, new Configuration());
                RecordParquetWriter errors = RecordParquetWriter.forErrors(f, new Configuration())) {
            assertEquals(new ShardEmbedder.Counts(20, 9),
                    new ShardEmbedder(ClipEmbedder.of(model), 4, threads).embed(mixed().iterator(), embeddings,
                            errors));
        }
        List<EmbeddingRecord> rows = new ArrayList<>();
        try (RecordParquetReader reader = new RecordParquetReader(e, new Configuration())) {
            for (EmbeddingRecord r = reader.nextEmbedding(); r != null; r = reader.nextEmbedding()) {
                rows.add(r);
            }
        }
        List<FailedImage> failures = new ArrayList<>();
        try (RecordParquetReader reader = new RecordParquetReader(f, new Configuration())) {
            for (FailedImage r = reader.nextFailure(); r != null; r = reader.nextFailure()) {
                failures.add(r);
            }
        }
        return new Written(rows, failures);
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {2, 3})
    void aPoolWritesWhatTheCallingThreadWritesInPlanOrder(int threads) throws Exception {
        try (ClipModel model = ClipModel.load(MODEL)) {
            Written alone = embedMixed(model, 1, "alone");
            Written pooled = embedMixed(model, threads, "pooled");
            List<String> expectedGood = new ArrayList<>();
            List<String> expectedBad = new ArrayList<>();
            for (SourceItem item : mixed()) {
                int i = Integer.parseInt(item.uri().replaceAll("\\D", ""));
                (i % 6 == 2 || i % 6 == 5 ? expectedBad : expectedGood).add(item.uri());
            }
            assertEquals(expectedGood, pooled.embeddings().stream().map(EmbeddingRecord::uri).toList());
            assertEquals(expectedBad, pooled.errors().stream().map(FailedImage::uri).toList());
            assertEquals(alone.errors(), pooled.errors());
            for (int i = 0; i < alone.embeddings().size(); i++) {
                EmbeddingRecord a = alone.embeddings().get(i);
                EmbeddingRecord p = pooled.embeddings().get(i);
                assertEquals(a.sha256(), p.sha256());
                assertEquals(a.caption(), p.caption());
                assertEquals(a.width(), p.width());
                assertArrayEquals(a.embedding(), p.embedding(), a.uri());
            }
        }
    }
}
