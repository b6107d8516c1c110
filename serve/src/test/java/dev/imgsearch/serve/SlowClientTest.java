package dev.imgsearch.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Slow and silent clients against a running server: they must not hold it. Every socket here is a real TCP
 * connection on loopback; the attacker opens a few hundred of them and keeps them open for a few seconds.
 */
class SlowClientTest {

    private static final int SLOW_SOCKETS = 300;
    private static final Duration ATTACK = Duration.ofSeconds(6);
    /** "Keeps answering": every probe must complete within this, a generous bound for a loopback request. */
    private static final Duration ANSWERED_WITHIN = Duration.ofSeconds(1);
    private static final String KEY = "slow-client-test-key";

    private final ServeFixture fixture = ServeFixture.get();

    @Test
    void healthAndSearchKeepAnsweringWhileHundredsOfSlowBodiesArrive() throws Exception {
        try (SearchServer server = fixture.start(fixture.config())) {
            Http http = new Http(server.port());
            for (int i = 0; i < 3; i++) {
                // Warm: the first search of a fresh server compiles its code paths, which is not what is measured.
                probe(http, "/api/search?text=warm");
            }
            List<String> unanswered = new ArrayList<>();
            int probes = 0;
            try (SlowBodies attack = new SlowBodies(server.port(), SLOW_SOCKETS)) {
                attack.start();
                long end = System.nanoTime() + ATTACK.toNanos();
                while (System.nanoTime() < end) {
                    for (String path : List.of("/health", "/api/search?k=3&text=" + SearchApiTest.encode("a red car"))) {
                        probes++;
                        String failure = probe(http, path);
                        if (failure != null) {
                            unanswered.add(path + ": " + failure);
                        }
                    }
                    Thread.sleep(200);
                }
                assertTrue(unanswered.isEmpty(), unanswered.size() + " of " + probes + " probes unanswered, first: "
                        + (unanswered.isEmpty() ? "" : unanswered.get(0)));
                assertTrue(attack.opened.get() >= SLOW_SOCKETS, "only " + attack.opened + " slow sockets opened");
                Map<Integer, Integer> answers = attack.answers();
                assertTrue(answers.getOrDefault(503, 0) > 0,
                        "bodies beyond the readers' cap are refused at once: " + answers);
                assertTrue(answers.getOrDefault(408, 0) > 0, "bodies below the minimum rate are cut: " + answers);
                assertTrue(Set.of(408, 503).containsAll(answers.keySet()),
                        "slow bodies get 408 or 503, nothing else: " + answers);
            }
        }
    }

    @Test
    void unauthenticatedRequestsAreRefusedBeforeTheirBodyIsRead() throws IOException {
        try (SearchServer server = fixture.start(fixture.config().toBuilder().apiKey(KEY).build());
             Socket socket = connect(server.port())) {
            // A megabyte is announced, ten bytes are sent, then nothing: the 401 must not wait for the rest.
            send(socket, "POST /api/search/image HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/jpeg\r\n"
                    + "Content-Length: 1000000\r\n\r\n0123456789");
            String response = readResponse(socket);
            assertTrue(response.startsWith("HTTP/1.1 401 "), response);
            assertTrue(response.contains("missing API key"), response);
        }
    }

    @Test
    void aBodySlowerThanTheMinimumRateIsCutWith408() throws IOException, InterruptedException {
        try (SearchServer server = fixture.start(fixture.config()); Socket socket = connect(server.port())) {
            send(socket, "POST /api/search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 5000\r\n\r\n{");
            String response = null;
            for (int i = 0; i < 50 && response == null; i++) {
                Thread.sleep(200);
                if (socket.getInputStream().available() > 0) {
                    response = readResponse(socket);
                } else {
                    send(socket, " ");
                }
            }
            assertTrue(response != null && response.startsWith("HTTP/1.1 408 "), String.valueOf(response));
            assertTrue(response.contains("the request body arrived too slowly"), response);
        }
    }

    @Test
    void headersThatTrickleInAreCutAtTheHeaderTimeout() throws IOException, InterruptedException {
        ServerConfig config = fixture.config().toBuilder().headerTimeout(Duration.ofMillis(500)).build();
        try (SearchServer server = fixture.start(config); Socket socket = connect(server.port())) {
            send(socket, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            boolean closed = false;
            for (int i = 0; i < 50 && !closed; i++) {
                Thread.sleep(200);
                try {
                    send(socket, "X-Slow-" + i + ": y\r\n");
                    socket.setSoTimeout(1);
                    closed = socket.getInputStream().read() == -1;
                } catch (SocketTimeoutException stillOpen) {
                    // Nothing to read yet: the server keeps waiting for the rest of the headers.
                } catch (IOException reset) {
                    closed = true;
                }
            }
            assertTrue(closed, "a connection sending one header line every 200 ms is still open after 10 s");
            assertEquals(200, new Http(server.port()).get("/health").statusCode(), "other clients are served");
        }
    }

    /** Null when {@code path} answered 200 within {@link #ANSWERED_WITHIN}, else what happened. */
    private static String probe(Http http, String path) {
        try {
            HttpResponse<byte[]> response = http.send(http.request(path).timeout(ANSWERED_WITHIN).GET().build());
            return response.statusCode() == 200 ? null : response.statusCode() + " " + Http.text(response);
        } catch (UncheckedIOException e) {
            return e.getCause().toString();
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(5_000);
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** The status line and headers, and as much of the body as arrives within the socket's timeout. */
    private static String readResponse(Socket socket) throws IOException {
        socket.setSoTimeout(5_000);
        InputStream in = socket.getInputStream();
        StringBuilder text = new StringBuilder();
        byte[] buffer = new byte[8192];
        try {
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                if (text.indexOf("\r\n\r\n") >= 0 && text.indexOf("}") > text.indexOf("\r\n\r\n")) {
                    break;
                }
            }
        } catch (SocketTimeoutException | java.net.SocketException e) {
            // What arrived is the answer; the server may close the connection after it.
        }
        return text.toString();
    }

    /**
     * Keeps {@code sockets} connections sending request bodies far slower than any real client: half trickle one
     * byte a second, half fall silent after their first byte. A connection the server answers or closes is replaced a
     * second later, as a real attacker would, and the statuses it got are counted.
     */
    private static final class SlowBodies implements AutoCloseable {

        private final int port;
        private final Socket[] slots;
        private final long[] due;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicInteger opened = new AtomicInteger();
        private final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        private final Thread thread = new Thread(this::run, "slow-bodies");

        SlowBodies(int port, int sockets) {
            this.port = port;
            this.slots = new Socket[sockets];
            this.due = new long[sockets];
        }

        void start() {
            thread.setDaemon(true);
            thread.start();
        }

        Map<Integer, Integer> answers() {
            Map<Integer, Integer> counts = new TreeMap<>();
            statuses.forEach((status, n) -> counts.put(status, n.get()));
            return counts;
        }

        private void run() {
            while (!stop.get()) {
                long now = System.nanoTime();
                for (int i = 0; i < slots.length; i++) {
                    if (now >= due[i]) {
                        step(i, now);
                    }
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void step(int i, long now) {
            try {
                if (slots[i] == null) {
                    slots[i] = connect(port);
                    slots[i].setSoTimeout(1_000);
                    // Bodies within the limits of their route: an image upload, and a JSON search.
                    String head = i % 2 == 0
                            ? "POST /api/search/image HTTP/1.1\r\nContent-Type: image/jpeg\r\nContent-Length: 100000\r\n"
                            : "POST /api/search HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n";
                    // The first body byte comes with the headers, so Jetty hands the request to a thread at once.
                    send(slots[i], head + "Host: 127.0.0.1\r\n\r\n" + (i % 2 == 0 ? "\u00ff" : "{"));
                    opened.incrementAndGet();
                } else if (slots[i].getInputStream().available() > 0) {
                    String response = readResponse(slots[i]);
                    statuses.computeIfAbsent(Integer.parseInt(response.split(" ", 3)[1]), s -> new AtomicInteger())
                            .incrementAndGet();
                    replace(i, now);
                    return;
                } else if (i % 4 < 2) {
                    send(slots[i], "x");
                }
                due[i] = now + 1_000_000_000L;
            } catch (IOException | RuntimeException e) {
                replace(i, now);
            }
        }

        private void replace(int i, long now) {
            closeQuietly(slots[i]);
            slots[i] = null;
            due[i] = now + 1_000_000_000L;
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(10_000);
            for (Socket socket : slots) {
                closeQuietly(socket);
            }
        }

        private static void closeQuietly(Socket socket) {
            if (socket == null) {
                return;
            }
            try {
                socket.close();
            } catch (IOException e) {
                // Closing an attacker's socket: nothing to report.
            }
        }
    }
}
