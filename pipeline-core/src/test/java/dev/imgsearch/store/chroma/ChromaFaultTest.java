package dev.imgsearch.store.chroma;

import dev.imgsearch.store.MetadataSchema;
import dev.imgsearch.store.OpenMode;
import dev.imgsearch.store.VectorRecord;
import dev.imgsearch.http.RetryPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Upserts survive the server being killed and restarted under them, without losing or duplicating a record. */
class ChromaFaultTest {

    private static final int CALLS = 200;
    private static final int PER_CALL = 10;

    @TempDir
    Path data;

    @Test
    void upsertsCompleteExactlyAcrossAServerKilledAndRestartedMidway() throws Exception {
        RetryPolicy patient = new RetryPolicy(40, Duration.ofMillis(50), Duration.ofSeconds(1));
        ChromaStoreOptions options = ChromaStoreOptions.builder().retry(patient).build();
        List<VectorRecord> records = ChromaVectorStoreTest.records(CALLS * PER_CALL, 16,
                Map.of(MetadataSchema.URI, "file:/same.png"), new Random(8));
        AtomicInteger done = new AtomicInteger();
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (ChromaServer server = ChromaServer.start(data.resolve("chroma"));
             ChromaVectorStore store = ChromaVectorStore.open(server.url(), "faults", OpenMode.CREATE_OR_WRITE, options)) {
            Future<?> upserts = writer.submit(() -> {
                for (int call = 0; call < CALLS; call++) {
                    store.upsert(records.subList(call * PER_CALL, (call + 1) * PER_CALL));
                    done.incrementAndGet();
                }
                return null;
            });
            while (done.get() < CALLS / 4 && !upserts.isDone()) {
                Thread.sleep(5);
            }
            server.kill();
            int doneAtKill = done.get();
            Thread.sleep(300);
            server.start();

            upserts.get(120, TimeUnit.SECONDS);

            assertTrue(doneAtKill < CALLS, "the server must die mid-series; all " + CALLS + " calls were already done");
            assertEquals(CALLS * PER_CALL, store.count());
            assertEquals(records.get(CALLS * PER_CALL - 1).metadata(),
                    store.get("r" + (CALLS * PER_CALL - 1)).orElseThrow().metadata());
        } finally {
            writer.shutdownNow();
        }
    }
}
