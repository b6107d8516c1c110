package dev.imgsearch.serve;

import static dev.imgsearch.serve.Errors.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Big images uploaded at once: the server decodes as many as its decode memory holds and answers the rest 503 with
 * {@code Retry-After}; a server-side limit is never reported as the client's error.
 */
class HeavyUploadTest {

    private static final long MIB = 1024 * 1024;
    private static final int UPLOADS = 12;

    private final ServeFixture fixture = ServeFixture.get();

    @Test
    void concurrentBigUploadsGet200Or503WithRetryAfterAndNeverAClientError() throws Exception {
        // 3 megapixels take 48 MB to decode: one at a time fits 64 MiB, and one waits.
        byte[] photo = jpeg(2000, 1500);
        ServerConfig config = fixture.config().toBuilder().workers(1).workQueue(1).decodeMemoryBytes(64 * MIB).build();
        ExecutorService clients = Executors.newFixedThreadPool(UPLOADS);
        try (SearchServer server = fixture.start(config)) {
            Http http = new Http(server.port());
            CountDownLatch go = new CountDownLatch(1);
            List<Future<HttpResponse<byte[]>>> uploads = new ArrayList<>();
            for (int i = 0; i < UPLOADS; i++) {
                uploads.add(clients.submit(() -> {
                    go.await();
                    return http.post("/api/search/image?k=3", "image/jpeg", photo);
                }));
            }
            go.countDown();
            Map<Integer, Integer> statuses = new TreeMap<>();
            for (Future<HttpResponse<byte[]>> upload : uploads) {
                HttpResponse<byte[]> response = upload.get(120, TimeUnit.SECONDS);
                statuses.merge(response.statusCode(), 1, Integer::sum);
                if (response.statusCode() == 503) {
                    assertError(response, 503, "the server is busy");
                    assertEquals("1", response.headers().firstValue("Retry-After").orElse(null), Http.text(response));
                } else {
                    assertEquals(200, response.statusCode(), Http.text(response));
                }
            }
            assertTrue(statuses.getOrDefault(200, 0) >= 1, "some uploads are searched: " + statuses);
            assertTrue(statuses.getOrDefault(503, 0) >= 1, "the rest are refused, not queued without end: " + statuses);
            assertTrue(Http.text(http.get("/metrics")).contains("imgsearch_refused_total{limit=\"work_queue\"}"));
            assertEquals(200, http.post("/api/search/image?k=3", "image/jpeg", photo).statusCode(),
                    "once the burst is over the same upload is searched");
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void anImageWhoseDecodingCannotFitTheServersMemoryIsA503NotA422() throws IOException {
        ServerConfig config = fixture.config().toBuilder().decodeMemoryBytes(64 * MIB).build();
        try (SearchServer server = fixture.start(config)) {
            HttpResponse<byte[]> response = new Http(server.port()).post("/api/search/image", "image/png",
                    WorkPoolTest.png(4000, 3000));
            assertError(response, 503, "the image is 4000x3000 pixels, which takes about 183 MiB to decode, more than"
                    + " this server's decode memory of 64 MiB");
            assertFalse(response.headers().firstValue("Retry-After").isPresent(), "retrying cannot help");
        }
    }

    /** A photo-like JPEG: smooth gradients with noise, so it compresses as a photo does rather than to nothing. */
    private static byte[] jpeg(int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(7);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int noise = random.nextInt(32);
                image.setRGB(x, y, ((x * 255 / width) << 16) | ((y * 255 / height) << 8) | (noise * 4));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpg", out);
        return out.toByteArray();
    }
}
