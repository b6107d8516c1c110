package dev.imgsearch.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private static final RetryPolicy QUICK = new RetryPolicy(4, Duration.ofMillis(5), Duration.ofMillis(20));
    private final HttpClient http = HttpClient.newHttpClient();
    private final Deque<int[]> answers = new ArrayDeque<>();
    private final AtomicInteger requests = new AtomicInteger();
    private HttpServer server;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            int[] answer = answers.isEmpty() ? new int[] {200, -1} : answers.poll();
            if (answer[1] >= 0) {
                exchange.getResponseHeaders().set("Retry-After", Integer.toString(answer[1]));
            }
            exchange.sendResponseHeaders(answer[0], -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private HttpResponse<Void> get(RetryPolicy policy) throws Exception {
        URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
        return policy.send(() -> http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.discarding()));
    }

    @Test
    void retriesServerErrorsAndTooManyRequestsUntilAnAnswerIsFinal() throws Exception {
        answers.add(new int[] {503, -1});
        answers.add(new int[] {429, -1});
        answers.add(new int[] {500, -1});
        assertEquals(200, get(QUICK).statusCode());
        assertEquals(4, requests.get());
    }

    @Test
    void clientErrorsAreFinalAtOnce() throws Exception {
        answers.add(new int[] {404, -1});
        assertEquals(404, get(QUICK).statusCode());
        assertEquals(1, requests.get());
    }

    @Test
    void givesBackTheLastRetryableAnswerWhenAttemptsRunOut() throws Exception {
        for (int i = 0; i < 10; i++) {
            answers.add(new int[] {502, -1});
        }
        assertEquals(502, get(QUICK).statusCode());
        assertEquals(4, requests.get());
    }

    @Test
    void honoursRetryAfterWithinItsCap() throws Exception {
        answers.add(new int[] {429, 1});
        long started = System.nanoTime();
        assertEquals(200, get(QUICK).statusCode());
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toMillis() >= 1000, "waited for Retry-After");

        RetryPolicy capped = new RetryPolicy(2, Duration.ZERO, Duration.ZERO, Duration.ofMillis(10));
        assertEquals(Duration.ofMillis(10), capped.waitAfter(1, Optional.of(Duration.ofHours(1))));
    }

    @Test
    void backoffDoublesUpToItsCapWithJitter() {
        RetryPolicy policy = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofMillis(400));
        for (int i = 0; i < 50; i++) {
            long first = policy.waitAfter(1, Optional.empty()).toMillis();
            long third = policy.waitAfter(3, Optional.empty()).toMillis();
            long ninth = policy.waitAfter(9, Optional.empty()).toMillis();
            assertTrue(first >= 50 && first <= 100, "first wait " + first);
            assertTrue(third >= 200 && third <= 400, "third wait " + third);
            assertTrue(ninth >= 200 && ninth <= 400, "capped wait " + ninth);
        }
    }

    @Test
    void connectionFailuresAreRetriedThenReportedWithTheirCause() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        URI url = URI.create("http://127.0.0.1:" + closedPort + "/");
        AtomicInteger attempts = new AtomicInteger();
        RetryPolicy.RetriesExhaustedException e = assertThrows(RetryPolicy.RetriesExhaustedException.class,
                () -> QUICK.send(() -> {
                    attempts.incrementAndGet();
                    return http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.discarding());
                }));
        assertEquals(4, attempts.get());
        assertEquals(4, e.attempts());
        assertTrue(e.getMessage().startsWith("no answer after 4 attempts: ConnectException"), e.getMessage());
    }
}
