package dev.imgsearch.source.tar;

import dev.imgsearch.record.RecordIds;
import dev.imgsearch.source.ByteRange;
import dev.imgsearch.source.DatasetFiles;
import dev.imgsearch.source.ImageFetcher;
import dev.imgsearch.source.ImageSource;
import dev.imgsearch.source.ImageSources;
import dev.imgsearch.source.ItemLocation;
import dev.imgsearch.source.Shard;
import dev.imgsearch.source.SourceItem;
import dev.imgsearch.source.SourceOptions;
import dev.imgsearch.source.SourcePlan;
import dev.imgsearch.source.SourceTestSupport;
import dev.imgsearch.source.files.LocalDatasetFiles;
import dev.imgsearch.source.parquet.ParquetFixtures;
import org.apache.parquet.io.InputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileNotFoundException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.SocketException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.imgsearch.source.SourceTestSupport.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TarSourceTest {

    @TempDir
    Path dir;

    private static byte[] image(int seed) {
        return ParquetFixtures.image(seed, 300 + seed);
    }

    private static List<SourceItem> items(String location, SourceOptions options) throws IOException {
        ImageSource source = ImageSources.open(location, options);
        return readAll(source, SourceTestSupport.viaJavaSerialization(source.plan(1).shards()));
    }

    private static byte[] readBack(SourceItem item) throws IOException {
        return new ImageFetcher(SourceOptions.defaults()).fetch(ItemLocation.of(item.uri(), item.info().member()), 1 << 20);
    }

    @Test
    void samplesAreMembersSharingAKeyWithCaptionMetadataLabelAndTheirOffsets() throws IOException {
        Path tar = TarFixtures.write(dir.resolve("shard-00000.tar"), TarFixtures.members()
                .add("000.jpg", image(0)).add("000.txt", "  a cat  \n")
                .add("001.png", image(1)).add("001.json", "{\"caption\": \"a dog\", \"width\": 640, \"url\": \"http://x\"}")
                .add("a/002.seg.png", image(2)).add("a/002.jpg", image(3)).add("a/002.cls", "7\n"));

        List<SourceItem> items = items(tar.toString(), SourceOptions.defaults());

        String base = tar.toUri() + "#";
        assertEquals(List.of(base + "000.jpg", base + "001.png", base + "a/002.jpg"),
                items.stream().map(SourceItem::uri).toList());
        assertArrayEquals(image(0), items.get(0).bytes());
        assertEquals(new ByteRange(512, image(0).length), items.get(0).info().member());
        assertEquals("a cat", items.get(0).caption());
        assertEquals("a dog", items.get(1).caption());
        assertEquals(Map.of("width", 640, "url", "http://x"), items.get(1).info().metadata());
        assertArrayEquals(image(3), items.get(2).bytes(), "jpg is preferred over another image member");
        assertEquals("7", items.get(2).info().label());
        for (SourceItem item : items) {
            assertArrayEquals(item.bytes(), readBack(item), "one ranged read at the recorded offset: " + item.uri());
        }
    }

    @Test
    void gzippedShardsAndBracePatternsReadAlikeAndEachTarIsOneShard() throws IOException {
        for (int shard = 0; shard < 3; shard++) {
            TarFixtures.write(dir.resolve("shards-0000" + shard + ".tar.gz"), TarFixtures.members()
                    .add("s" + shard + "/a.jpg", image(shard)).add("s" + shard + "/b.jpg", image(10 + shard)));
        }
        ImageSource source = ImageSources.open(dir.resolve("shards-{00000..00001}.tar.gz").toString(),
                SourceOptions.defaults());

        List<Shard> plan = source.plan(1000).shards();
        List<SourceItem> items = readAll(source, plan);

        assertEquals(2, plan.size(), "the pattern names two of the three");
        assertTrue(plan.get(0).id().matches("shards-00000\\.[0-9a-f]{8}"), plan.get(0).id());
        assertEquals(Shard.UNKNOWN_COUNT, plan.get(0).itemCount());
        assertEquals(4, items.size());
        assertArrayEquals(image(11), items.get(3).bytes());
        assertArrayEquals(image(11), readBack(items.get(3)), "decompressed through to the member");

        FileNotFoundException missing = assertThrows(FileNotFoundException.class, () -> ImageSources.open(
                dir.resolve("shards-{00002..00003}.tar.gz").toString(), SourceOptions.defaults()).plan(10));
        assertTrue(missing.getMessage().contains("shards-00003.tar.gz"), missing.getMessage());
    }

    @Test
    void aFolderOfShardsIsReadAsWebDatasetCountingTheFilesBesideThem() throws IOException {
        TarFixtures.write(dir.resolve("00000.tar"), TarFixtures.members().add("0.jpg", image(0)));
        TarFixtures.write(dir.resolve("00001.tgz"), TarFixtures.members().add("1.jpg", image(1)));
        Files.writeString(dir.resolve("00000_stats.json"), "{}");
        ParquetFixtures.writeHf(dir.resolve("00000.parquet"), ParquetFixtures.rows(1, 8, 0, 0), 1);
        Files.writeString(dir.resolve(".DS_Store"), "");

        SourcePlan plan = ImageSources.open(dir.toString(), SourceOptions.defaults()).plan(100);

        assertEquals(2, plan.shards().size());
        assertEquals(Map.of(TarLayout.NOT_TARS, 2L, SourcePlan.HIDDEN, 2L), plan.skipped(), ".DS_Store and the Parquet writer's .crc");
    }

    @Test
    void aTornTarKeepsTheSamplesBeforeTheTearAndRecordsTheTornOne() throws IOException {
        Path tar = TarFixtures.write(dir.resolve("torn.tar"), TarFixtures.members()
                .add("0.jpg", image(0)).add("0.txt", "zero").add("1.jpg", image(1)).add("2.jpg", image(2)));
        long cut = 3 * 1024 + 512 + 100; // each member is a 512-byte header and its data padded to 512: inside 2.jpg
        try (RandomAccessFile file = new RandomAccessFile(tar.toFile(), "rw")) {
            file.setLength(cut);
        }
        Path gz = TarFixtures.write(dir.resolve("torn.tar.gz"), TarFixtures.members()
                .add("0.jpg", image(0)).add("1.jpg", image(1)));
        try (RandomAccessFile file = new RandomAccessFile(gz.toFile(), "rw")) {
            file.setLength(file.length() / 2);
        }

        List<SourceItem> items = items(tar.toString(), SourceOptions.defaults());
        List<SourceItem> gzItems = items(gz.toString(), SourceOptions.defaults());

        assertEquals(3, items.size());
        assertArrayEquals(image(1), items.get(1).bytes());
        assertEquals(tar.toUri() + "#2.jpg", items.get(2).uri());
        assertNull(items.get(2).bytes());
        assertTrue(items.get(2).readError().startsWith("torn or corrupt tar: it breaks off in 2.jpg"),
                items.get(2).readError());
        Path header = TarFixtures.write(dir.resolve("header.tar"), TarFixtures.members()
                .add("0.jpg", image(0)).add("1.jpg", image(1)));
        try (RandomAccessFile file = new RandomAccessFile(header.toFile(), "rw")) {
            file.setLength(1024 + 100); // inside the second member's header
        }
        List<SourceItem> headerItems = items(header.toString(), SourceOptions.defaults());
        assertEquals(1, headerItems.size(), "the sample the tear may have cut is not passed off as whole");
        assertTrue(headerItems.get(0).readError().contains("breaks off in a header"), headerItems.get(0).readError());
        SourceItem lastGz = gzItems.get(gzItems.size() - 1);
        assertNull(lastGz.bytes());
        assertTrue(lastGz.readError().startsWith("torn or corrupt tar"), lastGz.readError());
    }

    @Test
    void hostileMembersBecomeErrorRowsWithTheirReasonNeverAFailedShard() throws IOException {
        Path tar = TarFixtures.write(dir.resolve("hostile.tar"), TarFixtures.members()
                .add("../../etc/evil.jpg", image(0))
                .add("/abs/path.jpg", image(1))
                .add("big.jpg", new byte[5000])
                .add("ok.jpg", image(2))
                .add("textonly.txt", "no image here")
                .add("ok.json", "{\"a\": 1}")
                .add("ok.jpg", image(3))
                .add("._hidden.jpg", image(4))
                .add("noextension", image(5)));

        List<SourceItem> items = items(tar.toString(), SourceOptions.builder().maxImageBytes(4096).build());

        Map<String, String> errors = new java.util.LinkedHashMap<>();
        items.stream().filter(i -> i.bytes() == null).forEach(i -> errors.put(
                i.uri().substring(i.uri().indexOf('#') + 1), i.readError()));
        assertEquals(List.of("../../etc/evil.jpg", "/abs/path.jpg", "big.jpg", "textonly", "ok"),
                errors.keySet().stream().filter(k -> !k.startsWith("ok.jpg~")).toList());
        assertTrue(errors.get("../../etc/evil.jpg").startsWith("unsafe member name"), errors.toString());
        assertTrue(errors.get("/abs/path.jpg").startsWith("unsafe member name"), errors.toString());
        assertEquals("file too large: 5000 bytes (limit 4096)", errors.get("big.jpg"));
        assertTrue(errors.get("textonly").startsWith("no image in sample textonly"), errors.toString());
        assertTrue(errors.get("ok").startsWith("duplicate key ok: an earlier sample"), errors.toString());
        assertTrue(errors.entrySet().stream().anyMatch(e -> e.getKey().startsWith("ok.jpg~")
                && e.getValue().equals("duplicate member name ok.jpg (the first one is used)")), errors.toString());
        List<SourceItem> good = items.stream().filter(i -> i.bytes() != null).toList();
        assertEquals(1, good.size());
        assertArrayEquals(image(2), good.get(0).bytes(), "the first of a repeated key is kept");
        assertEquals(items.size(), items.stream().map(i -> RecordIds.forUri(i.uri())).distinct().count(),
                "every row has its own id");
    }

    @Test
    void aStorageFailureMidTarFailsTheShardInsteadOfCommittingItShort() throws IOException {
        Path tar = TarFixtures.write(dir.resolve("remote.tar"), TarFixtures.members()
                .add("0.jpg", image(0)).add("1.jpg", image(1)).add("2.jpg", image(2)));
        LocalDatasetFiles local = new LocalDatasetFiles(tar);
        DatasetFiles.StoredFile file = local.list().files().get(0);
        DatasetFiles failing = new DatasetFiles() {
            @Override
            public Listing list() throws IOException {
                return local.list();
            }

            @Override
            public InputStream open(StoredFile f) throws IOException {
                InputStream in = local.open(f);
                return new FilterInputStream(in) {
                    private long read;

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        if (read >= 2048) {
                            throw new SocketException("Connection reset");
                        }
                        int n = super.read(b, off, (int) Math.min(len, 2048 - read));
                        read += Math.max(0, n);
                        return n;
                    }
                };
            }

            @Override
            public InputFile inputFile(StoredFile f) {
                throw new UnsupportedOperationException();
            }

            @Override
            public byte[] read(StoredFile f, long offset, int length) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void close() {
            }
        };

        try (TarSamples samples = new TarSamples(failing, file, 1 << 20)) {
            assertArrayEquals(image(0), samples.next().bytes());
            UncheckedIOException e = assertThrows(UncheckedIOException.class, samples::hasNext);
            assertTrue(e.getMessage().contains("Connection reset"), e.getMessage());
        }
    }
}
