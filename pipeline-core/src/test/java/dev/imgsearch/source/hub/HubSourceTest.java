package dev.imgsearch.source.hub;

import dev.imgsearch.source.Shard;
import dev.imgsearch.source.SourceItem;
import dev.imgsearch.source.SourceTestSupport;

import dev.imgsearch.source.ImageSource;
import dev.imgsearch.source.ImageSources;
import dev.imgsearch.source.SourceOptions;
import dev.imgsearch.source.parquet.ParquetFixtures;

import dev.imgsearch.http.RetryPolicy;
import dev.imgsearch.source.ImageFetcher;
import dev.imgsearch.source.ItemLocation;
import dev.imgsearch.source.SourcePlan;
import dev.imgsearch.source.tar.TarFixtures;
import dev.imgsearch.source.tar.TarLayout;
import dev.imgsearch.source.parquet.ParquetFixtures.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.imgsearch.source.SourceTestSupport.read;
import static dev.imgsearch.source.SourceTestSupport.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HubSourceTest {

    @TempDir
    Path dir;
    private FakeHub hub;

    @BeforeEach
    void startHub() throws IOException {
        hub = new FakeHub();
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    private SourceOptions options() {
        return options(null);
    }

    private SourceOptions options(String token) {
        return SourceOptions.builder().hfEndpoint(hub.endpoint()).hfToken(token).build();
    }

    private Path hfFile(String name, List<Row> rows, int rowsPerGroup) throws IOException {
        Path file = dir.resolve(name);
        ParquetFixtures.writeHf(file, rows, rowsPerGroup);
        return file;
    }

    /** acme/pets: the Parquet export with a train split of two files and a test split. */
    private void publishPets() throws IOException {
        hub.publish("acme/pets", "refs/convert/parquet", Map.of(
                "default/train/0000.parquet", hfFile("t0.parquet", ParquetFixtures.rows(10, 64, 0, 4), 3),
                "default/train/0001.parquet", hfFile("t1.parquet", ParquetFixtures.rows(5, 64, 10, 0), 5),
                "default/test/0000.parquet", hfFile("e0.parquet", ParquetFixtures.rows(3, 64, 20, 0), 5)));
    }

    @Test
    void readsOneSplitOfTheParquetExportWithCaptionsFieldsAndNullImages() throws IOException {
        publishPets();
        ImageSource source = ImageSources.open("hf://datasets/acme/pets@~parquet/default/train", options());

        List<Shard> plan = source.plan(6).shards();
        List<SourceItem> items = readAll(source, SourceTestSupport.viaJavaSerialization(plan));

        assertEquals(List.of("0000.rg0-1", "0000.rg2-3", "0001.rg0-0"),
                plan.stream().map(s -> s.id().substring(0, s.id().lastIndexOf('.'))).toList());
        assertEquals(15, items.size());
        assertEquals("hf://datasets/acme/pets@~parquet/default/train/0000.parquet#row=0", items.get(0).uri());
        assertEquals("hf://datasets/acme/pets@~parquet/default/train/0001.parquet#row=4", items.get(14).uri());
        assertArrayEquals(ParquetFixtures.image(0, 64), items.get(0).bytes());
        assertArrayEquals(ParquetFixtures.image(14, 64), items.get(14).bytes());
        assertEquals("caption 14", items.get(14).caption());
        assertEquals("14", items.get(14).info().label());
        assertNull(items.get(3).bytes());
        assertEquals("null image", items.get(3).readError());
    }

    @Test
    void planIsDeterministicAndPinnedToTheCommitItResolved() throws IOException {
        publishPets();
        ImageSource source = ImageSources.open("hf://datasets/acme/pets@~parquet/default", options());
        List<Shard> plan = source.plan(100).shards();
        assertEquals(plan, source.plan(100).shards());
        assertEquals(3, plan.size(), "both splits of the default config");

        hub.publish("acme/pets", "refs/convert/parquet", Map.of(
                "default/train/0000.parquet", hfFile("new.parquet", ParquetFixtures.rows(1, 8, 99, 0), 5)));
        List<SourceItem> items = read(source, plan.get(1));

        assertArrayEquals(ParquetFixtures.image(0, 64), items.get(0).bytes(), "still the planned commit's file");
        assertEquals(10, items.size());
    }

    @Test
    void readingOneRowGroupShardFetchesOnlyTheFooterAndThatRowGroup() throws IOException {
        Path big = hfFile("big.parquet", ParquetFixtures.rows(16, 30_000, 0, 0), 2);
        hub.publish("acme/big", "refs/convert/parquet", Map.of("default/train/0000.parquet", big));
        ImageSource source = ImageSources.open("hf://datasets/acme/big@~parquet/default/train", options());
        List<Shard> plan = source.plan(2).shards();
        assertEquals(8, plan.size());
        long afterPlan = hub.cdnBytesServed("acme/big", "default/train/0000.parquet");

        List<SourceItem> items = read(source, plan.get(5));

        long fileSize = java.nio.file.Files.size(big);
        long fetched = hub.cdnBytesServed("acme/big", "default/train/0000.parquet") - afterPlan;
        assertArrayEquals(ParquetFixtures.image(10, 30_000), items.get(0).bytes());
        assertEquals("hf://datasets/acme/big@~parquet/default/train/0000.parquet#row=11", items.get(1).uri());
        assertTrue(fetched < 2 * 30_000 + 2 * HttpRangeInputFile.WINDOW,
                "fetched " + fetched + " bytes of a " + fileSize + "-byte file for one row group");
        assertTrue(fileSize > 8 * 30_000, "the file holds all eight row groups");
    }

    @Test
    void followsResolveRedirectsToTheCdnWithoutSendingItTheToken() throws IOException {
        publishPets();
        ImageSource source = ImageSources.open("hf://datasets/acme/pets@~parquet/default/test", options("hf_abc"));
        assertEquals(3, readAll(source, source.plan(10).shards()).size());
        assertFalse(hub.cdnAuthorizations().isEmpty());
        assertTrue(hub.cdnAuthorizations().stream().allMatch("null"::equals), hub.cdnAuthorizations().toString());
    }

    @Test
    void gatedDatasetsNeedTheToken() throws IOException {
        hub.publish("acme/gated", "refs/convert/parquet",
                Map.of("default/train/0000.parquet", hfFile("g.parquet", ParquetFixtures.rows(2, 8, 0, 0), 5)));
        hub.gate("acme/gated");
        String uri = "hf://datasets/acme/gated@~parquet/default/train";

        IOException anonymous = assertThrows(IOException.class, () -> ImageSources.open(uri, options()).plan(10).shards());
        assertEquals("Hugging Face dataset acme/gated refused access (HTTP 401): it is gated or private; set HF_TOKEN (or run `hf auth login`) with"
                + " the token of an account that has accepted its terms at " + hub.endpoint() + "/datasets/acme/gated"
                + " (Hub says: Access to dataset acme/gated is restricted. You must have access to it and be"
                + " authenticated to access it. Please log in.)", anonymous.getMessage());

        IOException wrongToken = assertThrows(IOException.class,
                () -> ImageSources.open(uri, options("hf_wrong")).plan(10).shards());
        assertTrue(wrongToken.getMessage().startsWith("Hugging Face dataset acme/gated refused access (HTTP 403)"),
                wrongToken.getMessage());
        assertFalse(wrongToken.getMessage().contains("hf_wrong"), "the token never appears in messages");

        ImageSource authorized = ImageSources.open(uri, options(FakeHub.TOKEN));
        assertEquals(2, readAll(authorized, authorized.plan(10).shards()).size());
    }

    @Test
    void honoursRetryAfterOn429AndRetriesServerErrors() throws IOException {
        publishPets();
        hub.fail("/api/datasets/acme/pets/tree/", 429, "1", 1);
        hub.fail("/datasets/acme/pets/resolve/", 503, null, 1);
        hub.fail("/blobs/", 502, null, 1);
        ImageSource source = ImageSources.open("hf://datasets/acme/pets@~parquet/default/test", options());

        long start = System.nanoTime();
        List<SourceItem> items = readAll(source, source.plan(10).shards());
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertEquals(3, items.size());
        assertTrue(took.toMillis() >= 1000, "waited for Retry-After: " + took);
        // the parent folder's listing (is default/test a file?), refused once with 429, then the folder's own
        assertEquals(3, hub.requests().stream().filter(r -> r.startsWith("GET /api/datasets/acme/pets/tree/")).count());
    }

    @Test
    void retriesAreBounded() {
        hub.fail("/api/", 500, null, 10);
        HubClient client = new HubClient(hub.endpoint(), null, "acme/pets",
                new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(10)));
        IOException e = assertThrows(IOException.class, () -> client.resolveCommit("main"));
        assertEquals("Hugging Face dataset acme/pets: HTTP 500 from " + hub.endpoint()
                + "/api/datasets/acme/pets/revision/main after 3 attempts", e.getMessage());
        assertEquals(3, hub.requests().size());
    }

    @Test
    void connectionFailuresAreRetriedThenReported() throws IOException {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        HubClient client = new HubClient("http://127.0.0.1:" + closedPort, null, "acme/pets",
                new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(10)));
        IOException e = assertThrows(IOException.class, () -> client.resolveCommit("main"));
        assertTrue(e.getMessage().startsWith("Hugging Face dataset acme/pets: http://127.0.0.1:" + closedPort
                + "/api/datasets/acme/pets/revision/main failed after 2 attempts: java.net.ConnectException"), e.getMessage());
    }

    @Test
    void aMissingDatasetOrRevisionIsNamed() throws IOException {
        IOException e = assertThrows(IOException.class,
                () -> ImageSources.open("hf://datasets/acme/nothing", options()).plan(10).shards());
        assertTrue(e.getMessage().startsWith("Hugging Face dataset acme/nothing: not found: " + hub.endpoint()
                + "/api/datasets/acme/nothing/revision/main"), e.getMessage());

        publishPets();
        IOException noSplit = assertThrows(IOException.class,
                () -> ImageSources.open("hf://datasets/acme/pets@~parquet/default/validation", options()).plan(10).shards());
        assertTrue(noSplit.getMessage().startsWith("Hugging Face dataset acme/pets: not found"), noSplit.getMessage());
    }

    @Test
    void readsTheRepositorysOwnParquetFilesAtANamedRevision() throws IOException {
        hub.publish("acme/raw", "main", Map.of(
                "data/train-00000-of-00002.parquet", hfFile("r0.parquet", ParquetFixtures.rows(2, 8, 0, 0), 5),
                "data/train-00001-of-00002.parquet", hfFile("r1.parquet", ParquetFixtures.rows(2, 8, 2, 0), 5),
                "README.md", hfFile("r2.parquet", ParquetFixtures.rows(1, 8, 0, 0), 5)));
        ImageSource folder = ImageSources.open("hf://datasets/acme/raw@main/data", options());
        ImageSource file = ImageSources.open("hf://datasets/acme/raw@main/data/train-00001-of-00002.parquet", options());

        List<SourceItem> all = readAll(folder, folder.plan(10).shards());
        List<SourceItem> one = readAll(file, file.plan(10).shards());

        assertEquals(4, all.size());
        assertEquals("hf://datasets/acme/raw@main/data/train-00001-of-00002.parquet#row=1", all.get(3).uri());
        assertEquals(all.subList(2, 4).stream().map(SourceItem::uri).toList(), one.stream().map(SourceItem::uri).toList());
    }

    private static byte[] fetch(SourceOptions options, SourceItem item) throws IOException {
        return new ImageFetcher(options).fetch(ItemLocation.of(item.uri(), item.info().member()), 1 << 20);
    }

    @Test
    void theRepositorysOwnTarShardsAtMainAreReadByDefaultAndServedBackByRange() throws IOException {
        Path s0 = TarFixtures.write(dir.resolve("s0.tar"), TarFixtures.members()
                .add("000.jpg", ParquetFixtures.image(0, 900)).add("000.txt", "zero")
                .add("001.jpg", ParquetFixtures.image(1, 900)));
        Path s1 = TarFixtures.write(dir.resolve("s1.tar.gz"), TarFixtures.members()
                .add("002.jpg", ParquetFixtures.image(2, 900)));
        Path readme = Files.writeString(dir.resolve("README.md"), "# wds");
        hub.publish("acme/wds", "main", Map.of("train/shard-000.tar", s0, "train/shard-001.tar.gz", s1,
                "README.md", readme, ".gitattributes", readme));
        hub.gate("acme/wds");
        SourceOptions options = options(FakeHub.TOKEN);
        ImageSource source = ImageSources.open("hf://datasets/acme/wds", options);

        SourcePlan plan = source.plan(100);
        List<SourceItem> items = readAll(source, SourceTestSupport.viaJavaSerialization(plan.shards()));

        assertEquals(2, plan.shards().size());
        assertEquals(Map.of(TarLayout.NOT_TARS, 1L, SourcePlan.HIDDEN, 1L), plan.skipped());
        assertEquals("hf://datasets/acme/wds@main/train/shard-000.tar#000.jpg", items.get(0).uri());
        assertEquals("zero", items.get(0).caption());
        assertEquals(3, items.size());
        for (SourceItem item : items) {
            assertArrayEquals(item.bytes(), fetch(options, item), item.uri());
        }
        assertTrue(hub.cdnAuthorizations().stream().allMatch("null"::equals), "the token never reaches the CDN");
    }

    @Test
    void anImagefolderRepositoryWithMetadataAtMain() throws IOException {
        Path csv = Files.writeString(dir.resolve("metadata.csv"), "file_name,text\ncat.png,a cat\n");
        Path cat = Files.write(dir.resolve("cat.png"), ParquetFixtures.image(7, 500));
        Path dog = Files.write(dir.resolve("dog.png"), ParquetFixtures.image(8, 500));
        hub.publish("acme/folder", "main", Map.of("data/train/metadata.csv", csv, "data/train/cat.png", cat,
                "data/test/dog.png", dog));
        ImageSource source = ImageSources.open("hf://datasets/acme/folder/data", options());

        List<SourceItem> items = readAll(source, source.plan(10).shards());

        assertEquals(List.of("hf://datasets/acme/folder@main/data/test/dog.png",
                "hf://datasets/acme/folder@main/data/train/cat.png"), items.stream().map(SourceItem::uri).toList());
        assertEquals("a cat", items.get(1).caption());
        assertArrayEquals(ParquetFixtures.image(8, 500), fetch(options(), items.get(0)));
    }

    @Test
    void aPartialExportIsRefusedUnlessAllowedAndThenMarkedPartial() throws IOException {
        hub.publish("acme/huge", "refs/convert/parquet", Map.of(
                "default/partial-train/0000.parquet", hfFile("p0.parquet", ParquetFixtures.rows(3, 16, 0, 0), 3),
                "default/test/0000.parquet", hfFile("p1.parquet", ParquetFixtures.rows(2, 16, 3, 0), 3)));
        String uri = "hf://datasets/acme/huge@~parquet";

        IOException refused = assertThrows(IOException.class, () -> ImageSources.open(uri, options()).plan(10));
        assertEquals("Hugging Face dataset acme/huge: its Parquet export is partial (the Hub converts only about the"
                + " first 5 GB of a large split: default/partial-train), so embedding it would leave out the rest;"
                + " read the repository's own files (hf://datasets/acme/huge), or allow the partial export"
                + " (--allow-partial) knowingly", refused.getMessage());

        SourcePlan taken = ImageSources.open(uri, options().toBuilder().allowPartial(true).build()).plan(10);
        assertTrue(taken.partial());
        assertEquals(2, taken.shards().size());
        assertFalse(ImageSources.open(uri + "/default/test", options()).plan(10).partial(), "a whole split is whole");
    }

    @Test
    void parquetRowsAreServedBackFromTheirRowGroup() throws IOException {
        publishPets();
        SourceItem item = readAll(ImageSources.open("hf://datasets/acme/pets@~parquet/default/train", options()),
                ImageSources.open("hf://datasets/acme/pets@~parquet/default/train", options()).plan(100).shards()).get(13);
        assertArrayEquals(ParquetFixtures.image(13, 64), fetch(options(), item));
    }
}
