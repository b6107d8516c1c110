package dev.imgsearch.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imgsearch.source.MotoServer;
import dev.imgsearch.store.OpenMode;
import dev.imgsearch.store.ShardedBuilds;
import dev.imgsearch.store.StoreUri;
import dev.imgsearch.store.VectorRecord;
import dev.imgsearch.store.VectorStore;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A sharded Lucene store on s3a (a real S3 API, moto), served as {@code serve --store lucene:s3a://...} serves it:
 * not ready until its shards are copied into the local cache and checked, then answering every query as the same
 * records in a store on disk do.
 */
class ShardedS3StoreTest {

    private static final List<String> QUERIES = List.of("a cake", "a red bird", "a dog on grass", "city at night");

    private static MotoServer moto;
    private static VectorStore fromS3;
    private static SearchServer overS3;
    private static SearchServer overDisk;
    private static List<VectorRecord> records;

    @BeforeAll
    static void start() throws Exception {
        ServeFixture fixture = ServeFixture.get();
        moto = MotoServer.start();
        try (S3Client s3 = moto.client()) {
            s3.createBucket(b -> b.bucket("stores"));
        }
        records = fixture.images.keySet().stream().map(id -> fixture.store.get(id).orElseThrow()).toList();
        StoreUri remote = StoreUri.parse("lucene:s3a://stores/samples?shards=2").withHadoopConf(moto.s3aConf());
        ShardedBuilds.build(remote, fixture.store.model(), records, List.of());
        fromS3 = remote.open(OpenMode.READ_ONLY);
        overS3 = fixture.start(fixture.config(), fromS3);
        overDisk = fixture.start(fixture.config());
    }

    @AfterAll
    static void stop() throws IOException {
        for (SearchServer server : new SearchServer[] {overS3, overDisk}) {
            if (server != null) {
                server.stop();
            }
        }
        if (fromS3 != null) {
            fromS3.close();
        }
        if (moto != null) {
            moto.close();
        }
    }

    @Test
    void isReadyOnceItsShardsAreCopiedThenAnswersAsTheStoreOnDisk() throws InterruptedException {
        Http s3 = new Http(overS3.port());
        Http disk = new Http(overDisk.port());
        HttpResponse<byte[]> last = s3.get("/ready");
        for (int i = 0; i < 600 && last.statusCode() != 200; i++) {
            HttpResponse<byte[]> notYet = last;
            assertEquals(503, notYet.statusCode(), () -> Http.text(notYet));
            Thread.sleep(100);
            last = s3.get("/ready");
        }
        HttpResponse<byte[]> ready = last;
        assertEquals(200, ready.statusCode(), () -> "never ready: " + Http.text(ready));
        assertEquals(records.size(), Http.json(ready).get("images").asInt());

        for (String text : QUERIES) {
            String body = "{\"text\":" + Http.JSON.valueToTree(text) + ",\"k\":8}";
            assertEquals(ids(disk.postJson("/api/search", body)), ids(s3.postJson("/api/search", body)), text);
        }
        VectorRecord any = records.get(records.size() / 2);
        String similar = "/api/images/" + any.id() + "/similar?k=5";
        assertEquals(ids(disk.get(similar)), ids(s3.get(similar)), "similar to a stored record");
    }

    private static List<String> ids(HttpResponse<byte[]> response) {
        assertEquals(200, response.statusCode(), () -> Http.text(response));
        List<String> ids = new ArrayList<>();
        for (JsonNode hit : Http.json(response).get("results")) {
            ids.add(hit.get("id").asText() + "@" + String.format("%.5f", hit.get("score").asDouble()));
        }
        assertTrue(!ids.isEmpty(), "a search over " + records.size() + " records finds some");
        return ids;
    }
}
