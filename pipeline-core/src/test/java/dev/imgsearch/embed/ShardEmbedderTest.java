package dev.imgsearch.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.imgsearch.model.ClipModel;
import dev.imgsearch.record.RecordParquetWriter;
import dev.imgsearch.source.ItemInfo;
import dev.imgsearch.source.SourceItem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardEmbedderTest {

    private static final Path MODEL = Path.of("src/test/resources/tiny-clip");
    private static final Path IMAGE = Path.of("src/test/resources/golden/fixtures/png_rgb.png");

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

    @Test
    void aModelFailureFailsTheShardInsteadOfWritingTheImagesOff() throws Exception {
        ClipModel model = ClipModel.load(MODEL);
        model.close();
        try (RecordParquetWriter embeddings = writer("e.parquet", true);
                RecordParquetWriter errors = writer("f.parquet", false)) {
            ShardEmbedder embedder = new ShardEmbedder(ClipEmbedder.of(model), 3);
            assertThrows(IllegalStateException.class, () -> embedder.embed(items().iterator(), embeddings, errors));
            assertEquals(2, errors.rows(), "only the undecodable and the unreadable input, not the two images");
        }
    }
}
