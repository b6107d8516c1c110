package dev.imgsearch.source.folder;

import dev.imgsearch.source.ImageSource;
import dev.imgsearch.source.ImageSources;
import dev.imgsearch.source.SourceItem;
import dev.imgsearch.source.SourceOptions;
import dev.imgsearch.source.SourcePlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static dev.imgsearch.source.SourceTestSupport.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Image folders as the Hub's imagefolder builder and img2dataset's "files" output lay them out. */
class ImageFolderMetadataTest {

    @TempDir
    Path root;

    private void write(String relative, String text) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private Map<String, SourceItem> items() throws IOException {
        ImageSource source = ImageSources.open(root.toString(), SourceOptions.defaults());
        return readAll(source, source.plan(100).shards()).stream().collect(Collectors.toMap(
                i -> root.toUri().relativize(java.net.URI.create(i.uri())).toString(), Function.identity()));
    }

    @Test
    void metadataFilesGiveCaptionsAndFieldsToTheImagesTheyName() throws IOException {
        write("train/metadata.csv", "file_name,text,photographer,year\n"
                + "a.png,\"A red, round ball\",Ann,2001\nsub/b.png,a bee,,\n");
        write("train/a.png", "a");
        write("train/sub/b.png", "b");
        write("test/metadata.jsonl", "{\"file_name\": \"c.jpg\", \"caption\": \"a cat\", \"tags\": [\"pet\"], \"n\": 3}\n");
        write("test/c.jpg", "c");

        Map<String, SourceItem> items = items();

        assertEquals("A red, round ball", items.get("train/a.png").caption());
        assertEquals(Map.of("photographer", "Ann", "year", "2001"), items.get("train/a.png").info().metadata());
        assertEquals("a bee", items.get("train/sub/b.png").caption());
        assertEquals(Map.of(), items.get("train/sub/b.png").info().metadata(), "empty cells are absent");
        assertEquals("a cat", items.get("test/c.jpg").caption());
        assertEquals(Map.of("tags", List.of("pet"), "n", 3), items.get("test/c.jpg").info().metadata());
        assertNull(items.get("test/c.jpg").info().label(), "no labels where metadata files apply");
    }

    @Test
    void sidecarsOfTheSameNameGiveTheCaptionAndFieldsAsImg2datasetWritesThem() throws IOException {
        write("00000/000000001.jpg", "1");
        write("00000/000000001.txt", "a lighthouse at dusk\n");
        write("00000/000000001.json", "{\"url\": \"http://x/1.jpg\", \"caption\": \"ignored\", \"width\": 640}");
        write("00000/000000002.jpg", "2");
        write("00000/000000002.json", "{\"caption\": \"from the json\"}");
        write("00000.parquet", "not read: img2dataset's per-shard metadata");
        write("00000_stats.json", "{}");

        ImageSource source = ImageSources.open(root.toString(), SourceOptions.defaults());
        SourcePlan plan = source.plan(10);
        Map<String, SourceItem> items = items();

        assertEquals("a lighthouse at dusk", items.get("00000/000000001.jpg").caption());
        assertEquals("http://x/1.jpg", items.get("00000/000000001.jpg").info().metadata().get("url"));
        assertEquals("from the json", items.get("00000/000000002.jpg").caption());
        assertEquals(Map.of(SourcePlan.NOT_IMAGES, 2L), plan.skipped(), "sidecars are used, not skipped");
    }

    @Test
    void classFoldersGiveLabelsAndSplitFoldersDoNot() throws IOException {
        write("train/cat/1.png", "1");
        write("train/dog/2.png", "2");
        write("test/cat/3.png", "3");

        Map<String, SourceItem> items = items();

        assertEquals("cat", items.get("train/cat/1.png").info().label());
        assertEquals("dog", items.get("train/dog/2.png").info().label());
        assertEquals("cat", items.get("test/cat/3.png").info().label());
    }

    @Test
    void noLabelsWhenImagesSitAtDifferentDepths() throws IOException {
        write("cat/1.png", "1");
        write("dog/puppies/2.png", "2");
        assertTrue(items().values().stream().allMatch(i -> i.info().label() == null));
    }

    @Test
    void everyPillowImageNameIsReadAndTheRestIsCountedAsSkipped() throws IOException {
        for (String name : List.of("a.jfif", "b.JPE", "c.apng", "d.dib", "e.jpeg")) {
            write(name, name);
        }
        write("noext", "x");
        write("notes.pdf", "x");
        write(".hidden.jpg", "x");
        write(".git/config", "x");

        SourcePlan plan = ImageSources.open(root.toString(), SourceOptions.defaults()).plan(100);

        assertEquals(5, plan.shards().get(0).itemCount());
        assertEquals(Map.of(SourcePlan.NOT_IMAGES, 2L, SourcePlan.HIDDEN, 2L), plan.skipped());
        assertEquals("2 hidden, 2 not images by name", plan.skippedSummary());
    }

    @Test
    void aMetadataRowWithoutAFileNameFailsThePlanNamingTheFile() throws IOException {
        write("metadata.csv", "name,text\na.png,x\n");
        write("a.png", "a");
        IOException e = assertThrows(IOException.class,
                () -> ImageSources.open(root.toString(), SourceOptions.defaults()).plan(10));
        assertTrue(e.getMessage().contains("metadata.csv has a row without a file_name"), e.getMessage());
    }
}
