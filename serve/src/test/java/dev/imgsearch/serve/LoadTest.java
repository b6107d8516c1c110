package dev.imgsearch.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A bounded load run on loopback: concurrent clients mixing every search kind and thumbnails, with zero errors. */
class LoadTest {

    private static final int CLIENTS = 8;
    private static final int REQUESTS_PER_CLIENT = 40;
    private static final long TIME_LIMIT_SECONDS = 120;

    @Test
    void concurrentClientsGetOnlySuccessfulAnswers() throws Exception {
        ServeFixture fixture = ServeFixture.get();
        List<String> ids = new ArrayList<>(fixture.images.keySet());
        byte[] upload = Files.readAllBytes(fixture.images.get(ids.get(0)));
        String[] texts = {"a dog", "red car", "a city at night", "fresh fruit", "an old telephone"};
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());

        try (SearchServer server = fixture.start(fixture.config())) {
            Http http = new Http(server.port());
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            long start = System.nanoTime();
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                clients.add(pool.submit(() -> {
                    for (int i = 0; i < REQUESTS_PER_CLIENT; i++) {
                        int n = client * REQUESTS_PER_CLIENT + i;
                        long t0 = System.nanoTime();
                        HttpResponse<byte[]> response;
                        try {
                            response = switch (n % 5) {
                                case 0 -> http.get("/api/search?k=10&text=" + SearchApiTest.encode(texts[n % texts.length]));
                                case 1 -> http.postJson("/search", "{\"text\": \"" + texts[n % texts.length] + "\", \"n_results\": 5}");
                                case 2 -> http.get("/api/images/" + ids.get(n % ids.size()) + "/similar?k=8&page=2");
                                case 3 -> http.get("/api/images/" + ids.get(n % ids.size()) + "?size=128");
                                default -> http.post("/api/search/image?k=5", "application/octet-stream", upload);
                            };
                        } catch (RuntimeException e) {
                            failures.add(n + ": " + e);
                            continue;
                        }
                        latencies.add(System.nanoTime() - t0);
                        if (response.statusCode() != 200) {
                            failures.add(n + ": " + response.statusCode() + " " + Http.text(response));
                        }
                    }
                }));
            }
            pool.shutdown();
            assertTrue(pool.awaitTermination(TIME_LIMIT_SECONDS, TimeUnit.SECONDS),
                    "the load run did not finish within " + TIME_LIMIT_SECONDS + " s");
            for (Future<?> f : clients) {
                f.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            List<Long> sorted = new ArrayList<>(latencies);
            Collections.sort(sorted);
            System.out.printf("load: %d requests from %d clients in %.2f s (%.0f req/s), p50 %.1f ms, p99 %.1f ms%n",
                    sorted.size(), CLIENTS, seconds, sorted.size() / seconds,
                    sorted.get(sorted.size() / 2) / 1e6, sorted.get((int) (sorted.size() * 0.99)) / 1e6);
        }
        assertTrue(failures.isEmpty(), failures.size() + " failures, first: " + failures.peek());
        assertEquals(CLIENTS * REQUESTS_PER_CLIENT, latencies.size());
    }
}
