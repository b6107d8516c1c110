package dev.imgsearch.source.parquet;

import dev.imgsearch.source.ImageSource;
import dev.imgsearch.source.ImageSources;
import dev.imgsearch.source.Shard;
import dev.imgsearch.source.SourceItem;
import dev.imgsearch.source.SourceOptions;
import dev.imgsearch.source.SourceTestSupport;

import dev.imgsearch.source.parquet.ParquetFixtures.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.imgsearch.source.SourceTestSupport.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParquetImageSourceTest {

    @TempDir
    Path dir;

    @Test
    void structImageColumnWithCaptionAndLabelFieldsShardedByRowGroups() throws IOException {
        List<Row> rows = ParquetFixtures.rows(10, 100, 0, 4);
        Path file = dir.resolve("train-00000-of-00001.parquet");
        ParquetFixtures.writeHf(file, rows, 3);
        ImageSource source = ImageSources.open(file.toString(), SourceOptions.defaults());

        List<Shard> plan = source.plan(6).shards();

        assertEquals(2, plan.size());
        RowGroupShard first = (RowGroupShard) plan.get(0);
        RowGroupShard second = (RowGroupShard) plan.get(1);
        assertEquals(List.of(0, 2, 6L), List.of(first.firstRowGroup(), first.rowGroupCount(), first.rowCount()));
        assertEquals(List.of(2, 2, 4L), List.of(second.firstRowGroup(), second.rowGroupCount(), second.rowCount()));
        assertTrue(first.id().matches("train-00000-of-00001\\.rg0-1\\.[0-9a-f]{8}"), first.id());
        assertTrue(second.id().startsWith("train-00000-of-00001.rg2-3."), second.id());

        List<SourceItem> items = readAll(source, SourceTestSupport.viaJavaSerialization(plan));
        assertEquals(10, items.size());
        for (int i = 0; i < 10; i++) {
            SourceItem item = items.get(i);
            assertEquals(file.toUri() + "#row=" + i, item.uri());
            assertEquals("caption " + i, item.caption());
            assertEquals(Long.toString(i), item.info().label());
            assertEquals(Map.of(), item.info().metadata(), "the list column is not metadata");
            if (rows.get(i).image() == null) {
                assertNull(item.bytes());
                assertEquals("null image", item.readError());
            } else {
                assertArrayEquals(rows.get(i).image(), item.bytes());
            }
        }
    }

    @Test
    void planIsDeterministic() throws IOException {
        ParquetFixtures.writeHf(dir.resolve("a.parquet"), ParquetFixtures.rows(7, 10, 0, 0), 2);
        ImageSource source = ImageSources.open(dir.resolve("a.parquet").toString(), SourceOptions.defaults());
        assertEquals(source.plan(3).shards(), source.plan(3).shards());
        assertEquals(4, source.plan(1).shards().size(), "a row group is never split");
    }

    @Test
    void binaryImageColumnWithAChosenCaptionColumnInAFolderOfFiles() throws IOException {
        Path table = dir.resolve("table");
        ParquetFixtures.writeBinary(table.resolve("part-00001.parquet"), ParquetFixtures.rows(3, 50, 100, 0), 2);
        ParquetFixtures.writeBinary(table.resolve("part-00000.parquet"), ParquetFixtures.rows(2, 50, 200, 0), 2);
        ParquetFixtures.writeBinary(table.resolve("nested/part-00002.parquet"), ParquetFixtures.rows(1, 50, 300, 0), 2);
        Files.writeString(table.resolve("_SUCCESS"), "");
        Files.writeString(table.resolve(".part-00000.parquet.crc"), "junk");
        Files.writeString(table.resolve("README.md"), "not parquet");
        SourceOptions options = SourceOptions.builder().format(SourceOptions.Format.PARQUET)
                .imageColumn("img").captionColumn("text").build();
        ImageSource source = ImageSources.open(table.toString(), options);

        List<Shard> plan = source.plan(100).shards();
        List<SourceItem> items = readAll(source, plan);

        assertEquals(List.of("nested-part-00002", "part-00000", "part-00001"),
                plan.stream().map(s -> s.id().substring(0, s.id().indexOf(".rg"))).toList());
        assertEquals(6, items.size());
        assertTrue(items.get(0).uri().endsWith("/table/nested/part-00002.parquet#row=0"), items.get(0).uri());
        assertArrayEquals(ParquetFixtures.image(300, 50), items.get(0).bytes());
        assertEquals("caption 300", items.get(0).caption());
        assertEquals(Map.of("width", 300), items.get(0).info().metadata());
        assertTrue(items.get(3).uri().endsWith("/table/part-00001.parquet#row=0"), items.get(3).uri());
        assertTrue(items.get(5).uri().endsWith("/table/part-00001.parquet#row=2"), items.get(5).uri());
        assertArrayEquals(ParquetFixtures.image(102, 50), items.get(5).bytes());
    }

    @Test
    void aFolderNamedDotParquetIsReadAsParquetWithoutTheFormatOption() throws IOException {
        ParquetFixtures.writeHf(dir.resolve("out.parquet/part-0.parquet"), ParquetFixtures.rows(2, 10, 0, 0), 10);
        ImageSource source = ImageSources.open(dir.resolve("out.parquet") + "/", SourceOptions.defaults());
        assertEquals(2, readAll(source, source.plan(10).shards()).size());
    }

    @Test
    void pathOnlyImagesAreReadErrorsNamingThePath() throws IOException {
        List<Row> rows = new ArrayList<>(ParquetFixtures.rows(1, 10, 0, 0));
        rows.add(new Row(null, "/home/someone/pic.jpg", null, 1));
        ParquetFixtures.writeHf(dir.resolve("p.parquet"), rows, 10);
        ImageSource source = ImageSources.open(dir.resolve("p.parquet").toString(), SourceOptions.defaults());

        List<SourceItem> items = readAll(source, source.plan(10).shards());

        assertEquals("image has no bytes, only a path outside the dataset: /home/someone/pic.jpg", items.get(1).readError());
        assertNull(items.get(1).caption());
    }

    @Test
    void aMissingImageColumnFailsThePlanListingTheColumns() throws IOException {
        ParquetFixtures.writeBinary(dir.resolve("b.parquet"), ParquetFixtures.rows(1, 10, 0, 0), 10);
        ImageSource source = ImageSources.open(dir.resolve("b.parquet").toString(),
                SourceOptions.builder().imageColumn("picture").build());
        IOException e = assertThrows(IOException.class, () -> source.plan(10).shards());
        assertTrue(e.getMessage().startsWith("no image column 'picture' in "), e.getMessage());
        assertTrue(e.getMessage().contains("(columns: img, text, width, flagged)"), e.getMessage());
    }

    @Test
    void aMissingCaptionColumnFailsThePlan() throws IOException {
        ParquetFixtures.writeHf(dir.resolve("c.parquet"), ParquetFixtures.rows(1, 10, 0, 0), 10);
        SourceOptions options = SourceOptions.builder().captionColumn("text").build();
        ImageSource source = ImageSources.open(dir.resolve("c.parquet").toString(), options);
        IOException e = assertThrows(IOException.class, () -> source.plan(10).shards());
        assertTrue(e.getMessage().startsWith("no string caption column 'text' in "), e.getMessage());
    }

    @Test
    void aFolderWithoutParquetFilesFailsThePlan() throws IOException {
        Files.createDirectories(dir.resolve("empty.parquet"));
        ImageSource source = ImageSources.open(dir.resolve("empty.parquet").toString(), SourceOptions.defaults());
        IOException e = assertThrows(IOException.class, () -> source.plan(10).shards());
        assertTrue(e.getMessage().startsWith("no .parquet files in "), e.getMessage());
    }

    @Test
    void aFileRewrittenWithFewerRowGroupsFailsTheShardClearly() throws IOException {
        Path file = dir.resolve("d.parquet");
        ParquetFixtures.writeHf(file, ParquetFixtures.rows(6, 10, 0, 0), 2);
        ImageSource source = ImageSources.open(file.toString(), SourceOptions.defaults());
        List<Shard> plan = source.plan(2).shards();
        ParquetFixtures.writeHf(file, ParquetFixtures.rows(2, 10, 0, 0), 2);

        IOException e = assertThrows(IOException.class, () -> source.open(plan.get(2)));
        assertTrue(e.getMessage().contains("changed since planning"), e.getMessage());
    }

    @Test
    void theImageColumnAndClassNamesComeFromTheDatasetsLibrarysMetadata() throws IOException {
        Path file = dir.resolve("hf.parquet");
        ParquetFixtures.writeDatasetsLibrary(file, ParquetFixtures.rows(3, 20, 0, 0));
        ImageSource source = ImageSources.open(file.toString(), SourceOptions.defaults());

        List<SourceItem> items = readAll(source, source.plan(10).shards());

        assertArrayEquals(ParquetFixtures.image(1, 20), items.get(1).bytes());
        assertEquals("dog", items.get(1).info().label());
        assertEquals("cat", items.get(2).info().label());
        assertEquals(Map.of("score", 0.5), items.get(1).info().metadata());
    }

    @Test
    void aColumnOfUrlsIsRefusedUpFrontWithWhatToDo() throws IOException {
        Path file = dir.resolve("urls.parquet");
        ParquetFixtures.writeUrls(file);
        IOException found = assertThrows(IOException.class,
                () -> ImageSources.open(file.toString(), SourceOptions.defaults()).plan(10));
        assertTrue(found.getMessage().contains("'url' look like image URLs: download them first, e.g. with img2dataset"),
                found.getMessage());
        IOException named = assertThrows(IOException.class, () -> ImageSources.open(file.toString(),
                SourceOptions.builder().imageColumn("url").build()).plan(10));
        assertTrue(named.getMessage().contains("holds text (image URLs or paths), not image bytes"), named.getMessage());
    }
}
