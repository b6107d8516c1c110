package dev.imgsearch.source.folder;

import dev.imgsearch.source.SourceTestSupport;

import dev.imgsearch.source.ImageSource;
import dev.imgsearch.source.ImageSources;
import dev.imgsearch.source.Shard;
import dev.imgsearch.source.SourceItem;
import dev.imgsearch.source.SourceOptions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static dev.imgsearch.source.SourceTestSupport.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalImageFolderTest {

    @TempDir
    Path root;

    private static Path write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.write(file, bytes);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private ImageSource source() {
        return ImageSources.open(root.toString(), SourceOptions.defaults());
    }

    private static Map<String, SourceItem> byUri(List<SourceItem> items) {
        return items.stream().collect(Collectors.toMap(SourceItem::uri, Function.identity()));
    }

    private String uri(String relative) {
        return root.resolve(relative).toUri().toString();
    }

    @Test
    void listsImagesRecursivelySortedWithAnyCaseExtensionAndSkipsEverythingElse() throws IOException {
        write(root.resolve("b/two.JPG"), bytes("jpg"));
        write(root.resolve("a/one.png"), bytes("png"));
        write(root.resolve("a/deeper/three.WebP"), bytes("webp"));
        write(root.resolve("c.tiff"), bytes("tiff"));
        write(root.resolve("notes.txt"), bytes("not an image"));
        write(root.resolve("no-extension"), bytes("maybe an image, not read"));
        write(root.resolve("._one.png"), bytes("macOS resource fork"));
        write(root.resolve(".cache/hidden.png"), bytes("hidden folder"));

        List<Shard> plan = source().plan(100).shards();
        List<SourceItem> items = readAll(source(), plan);

        assertEquals(List.of(uri("a/deeper/three.WebP"), uri("a/one.png"), uri("b/two.JPG"), uri("c.tiff")),
                items.stream().map(SourceItem::uri).toList());
        assertArrayEquals(bytes("webp"), items.get(0).bytes());
        assertTrue(items.stream().allMatch(i -> i.readError() == null && i.info().metadata().isEmpty()));
    }

    @Test
    void planIsDeterministicAndSplitsIntoShardsOfTheRequestedSize() throws IOException {
        for (int i = 0; i < 7; i++) {
            write(root.resolve("img" + i + ".png"), bytes("image " + i));
        }
        List<Shard> first = source().plan(3).shards();
        List<Shard> second = ImageSources.open(root.toString(), SourceOptions.defaults()).plan(3).shards();

        assertEquals(first, second);
        assertEquals(List.of(3L, 3L, 1L), first.stream().map(Shard::itemCount).toList());
        assertTrue(first.get(0).id().matches("00000-[0-9a-f]{8}"), first.get(0).id());
        assertTrue(first.get(2).id().matches("00002-[0-9a-f]{8}"), first.get(2).id());
        assertEquals(7, readAll(source(), first).size());
    }

    @Test
    void aChangedFileChangesOnlyItsShardsId() throws IOException {
        for (int i = 0; i < 4; i++) {
            write(root.resolve("img" + i + ".png"), bytes("image " + i));
        }
        List<Shard> before = source().plan(2).shards();
        write(root.resolve("img3.png"), bytes("a longer image 3"));
        List<Shard> after = source().plan(2).shards();

        assertEquals(before.get(0).id(), after.get(0).id());
        assertNotEquals(before.get(1).id(), after.get(1).id());
    }

    @Test
    void zeroByteFilesComeAsEmptyBytes() throws IOException {
        write(root.resolve("empty.png"), new byte[0]);
        SourceItem item = readAll(source(), source().plan(10).shards()).get(0);
        assertArrayEquals(new byte[0], item.bytes());
        assertNull(item.readError());
    }

    @Test
    void symlinkLoopsAreNotFollowedButLinkedFilesAndFoldersAre(@TempDir Path elsewhere) throws IOException {
        write(root.resolve("a/one.png"), bytes("one"));
        Files.createSymbolicLink(root.resolve("a/loop"), root);
        write(elsewhere.resolve("outside.png"), bytes("outside"));
        write(elsewhere.resolve("dir/inner.png"), bytes("inner"));
        Files.createSymbolicLink(root.resolve("linked.png"), elsewhere.resolve("outside.png"));
        Files.createSymbolicLink(root.resolve("linkeddir"), elsewhere.resolve("dir"));

        List<SourceItem> items = readAll(source(), source().plan(10).shards());

        assertEquals(List.of(uri("a/one.png"), uri("linked.png"), uri("linkeddir/inner.png")),
                items.stream().map(SourceItem::uri).toList());
        assertArrayEquals(bytes("outside"), items.get(1).bytes());
    }

    @Test
    void unreadableFilesBecomeItemsWithAReadError() throws IOException {
        write(root.resolve("ok.png"), bytes("ok"));
        Path doomed = write(root.resolve("doomed.png"), bytes("deleted after planning"));
        Files.createSymbolicLink(root.resolve("dangling.png"), root.resolve("missing-target.png"));
        List<Shard> plan = source().plan(10).shards();
        Files.delete(doomed);

        Map<String, SourceItem> items = byUri(readAll(source(), plan));

        assertEquals(3, items.size());
        assertArrayEquals(bytes("ok"), items.get(uri("ok.png")).bytes());
        for (String name : List.of("doomed.png", "dangling.png")) {
            SourceItem item = items.get(uri(name));
            assertNull(item.bytes(), name);
            assertTrue(item.readError().startsWith("NoSuchFileException"), item.readError());
            assertFalse(item.readError().contains("\n"));
        }
    }

    @Test
    void filesOverTheSizeLimitAreNotLoaded() throws IOException {
        write(root.resolve("big.png"), new byte[2048]);
        ImageSource source = ImageSources.open(root.toString(), SourceOptions.builder().maxImageBytes(1024).build());
        SourceItem item = readAll(source, source.plan(1).shards()).get(0);
        assertNull(item.bytes());
        assertEquals("file too large: 2048 bytes (limit 1024)", item.readError());
    }

    @Test
    void namesThatAreNotUtf8RoundTripThroughTheUri() throws IOException {
        // Latin-1 "café.png": the raw byte 0xE9 is not valid UTF-8, only a URI can carry it
        Path latin1 = Path.of(URI.create(root.toUri() + "caf%E9.png"));
        write(latin1, bytes("latin-1 name"));
        write(Path.of(URI.create(root.toUri() + "caf%C3%A9-utf8.png")), bytes("utf-8 name"));

        List<Shard> plan = SourceTestSupport.viaJavaSerialization(source().plan(10).shards());
        Map<String, SourceItem> items = byUri(readAll(source(), plan));

        assertArrayEquals(bytes("latin-1 name"), items.get(root.toUri() + "caf%E9.png").bytes());
        assertArrayEquals(bytes("utf-8 name"), items.get(root.toUri() + "caf%C3%A9-utf8.png").bytes());
    }

    @Test
    void captionsTsvAtTheRootIsAttached() throws IOException {
        write(root.resolve("animals/cat.png"), bytes("cat"));
        write(root.resolve("animals/dog.png"), bytes("dog"));
        write(root.resolve("captions.tsv"), bytes("animals/cat.png\tA cat.\n./animals/dog.png\tA dog.\r\nbroken line\n"));

        Map<String, SourceItem> items = byUri(readAll(source(), source().plan(10).shards()));

        assertEquals("A cat.", items.get(uri("animals/cat.png")).caption());
        assertEquals("A dog.", items.get(uri("animals/dog.png")).caption());
    }

    @Test
    void aSingleImageFileIsASourceOfOne() throws IOException {
        Path file = write(root.resolve("only.gif"), bytes("gif"));
        ImageSource source = ImageSources.open(file.toUri().toString(), SourceOptions.defaults());
        List<SourceItem> items = readAll(source, source.plan(5).shards());
        assertEquals(List.of(file.toUri().toString()), items.stream().map(SourceItem::uri).toList());
    }

    @Test
    void aMissingFolderFailsThePlanNamingIt() {
        ImageSource source = ImageSources.open(root.resolve("nope").toString(), SourceOptions.defaults());
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> source.plan(10).shards());
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
    }

    @Test
    void rejectsShardsOfAnotherKindAndNonPositiveShardSizes() throws IOException {
        assertThrows(IllegalArgumentException.class, () -> source().plan(0).shards());
        Shard foreign = new Shard() {
            @Override
            public String id() {
                return "x";
            }

            @Override
            public long itemCount() {
                return 1;
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> source().open(foreign));
        assertTrue(e.getMessage().contains("shard x is of no layout"), e.getMessage());
    }
}
