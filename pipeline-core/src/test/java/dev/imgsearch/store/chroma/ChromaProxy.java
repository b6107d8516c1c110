package dev.imgsearch.store.chroma;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;

/**
 * A loopback proxy in front of a real {@link ChromaServer}, for what the npm server (Chroma 1.x, whose Rust frontend
 * has no authentication and builds only HNSW indexes) cannot do itself:
 * <ul>
 *     <li>token authentication as Chroma's token provider does it: every request but the heartbeat needs the token in
 *     the configured header ({@code x-chroma-token: TOKEN} or {@code Authorization: Bearer TOKEN}); none answers
 *     401, a wrong one 403, each with Chroma's {@code {"error", "message"}} body;</li>
 *     <li>answers rewritten as another deployment would give them (a SPANN collection of distributed Chroma).</li>
 * </ul>
 * Everything else passes through unchanged.
 */
public final class ChromaProxy implements AutoCloseable {

    private final URI upstream;
    private final String header;
    private final String expected;
    private final UnaryOperator<String> collectionAnswers;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ExecutorService threads = Executors.newFixedThreadPool(8);
    private final HttpServer server;

    private ChromaProxy(URI upstream, String header, String expected, UnaryOperator<String> collectionAnswers) {
        this.upstream = upstream;
        this.header = header;
        this.expected = expected;
        this.collectionAnswers = collectionAnswers;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        } catch (IOException e) {
            throw new IllegalStateException("no loopback port for the Chroma proxy", e);
        }
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Demands {@code x-chroma-token: TOKEN}. */
    public static ChromaProxy xChromaToken(URI upstream, String token) {
        return new ChromaProxy(upstream, "x-chroma-token", token, UnaryOperator.identity());
    }

    /** Demands {@code Authorization: Bearer TOKEN}. */
    public static ChromaProxy bearer(URI upstream, String token) {
        return new ChromaProxy(upstream, "Authorization", "Bearer " + token, UnaryOperator.identity());
    }

    /** Demands nothing; rewrites each successful answer to {@code GET|POST .../collections[/NAME]} with {@code rewrite}. */
    public static ChromaProxy rewritingCollections(URI upstream, UnaryOperator<String> rewrite) {
        return new ChromaProxy(upstream, null, null, rewrite);
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            if (header != null && !path.equals("/api/v2/heartbeat")) {
                String sent = exchange.getRequestHeaders().getFirst(header);
                if (sent == null) {
                    answer(exchange, 401, "{\"error\":\"AuthError\",\"message\":\"Unauthorized\"}");
                    return;
                }
                if (!Objects.equals(sent, expected)) {
                    answer(exchange, 403, "{\"error\":\"AuthError\",\"message\":\"Forbidden\"}");
                    return;
                }
            }
            HttpResponse<String> response = forward(exchange);
            String body = response.body();
            if (response.statusCode() == 200 && path.matches(".*/databases/[^/]+/collections(/[^/]+)?")) {
                body = collectionAnswers.apply(body);
            }
            answer(exchange, response.statusCode(), body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private HttpResponse<String> forward(HttpExchange exchange) throws IOException, InterruptedException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(upstream.resolve(exchange.getRequestURI().toString()))
                .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (type != null) {
            request.header("Content-Type", type);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
