package dev.imgsearch.serve;

import static dev.imgsearch.serve.ClipRetrievalApiTest.clipClientBody;
import static dev.imgsearch.serve.ClipRetrievalApiTest.clipClientPost;
import static dev.imgsearch.serve.Errors.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code image_url} queries, fetched from a loopback server: allowed everywhere only with
 * {@link ImageUrlPolicy#ANY_ADDRESS}; with {@link ImageUrlPolicy#PUBLIC} every loopback form is refused before a
 * connection is made.
 */
class ImageUrlTest {

    private static ServeFixture fixture;
    private static HttpServer images;
    private static String cakeId;
    private static int requests;

    @BeforeAll
    static void start() throws IOException {
        fixture = ServeFixture.get();
        cakeId = fixture.idOf("cake");
        byte[] cake = Files.readAllBytes(fixture.images.get(cakeId));
        images = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        images.createContext("/", exchange -> {
            synchronized (ImageUrlTest.class) {
                requests++;
            }
            try (exchange) {
                switch (exchange.getRequestURI().getPath()) {
                    case "/cake.jpg" -> {
                        exchange.sendResponseHeaders(200, cake.length);
                        try (OutputStream out = exchange.getResponseBody()) {
                            out.write(cake);
                        }
                    }
                    case "/moved" -> {
                        exchange.getResponseHeaders().add("Location", "/cake.jpg");
                        exchange.sendResponseHeaders(302, -1);
                    }
                    default -> exchange.sendResponseHeaders(404, -1);
                }
            }
        });
        images.start();
    }

    @AfterAll
    static void stop() {
        images.stop(0);
    }

    private static String url(String host, String path) {
        return "http://" + host + ":" + images.getAddress().getPort() + path;
    }

    private static HttpResponse<byte[]> query(Http http, String imageUrl) {
        return clipClientPost(http, clipClientBody(null, null, imageUrl, null, "images"));
    }

    @Test
    void allowedForAnyAddressTheFetchedImageIsSearchedWithRedirectsFollowed() {
        try (SearchServer server = fixture.start(fixture.config().toBuilder().imageUrls(ImageUrlPolicy.ANY_ADDRESS).build())) {
            Http http = new Http(server.port());
            for (String path : List.of("/cake.jpg", "/moved")) {
                HttpResponse<byte[]> response = query(http, url("127.0.0.1", path));
                assertEquals(200, response.statusCode(), Http.text(response));
                assertEquals(cakeId, Http.json(response).get(0).get("id").asText());
            }
            assertError(query(http, url("127.0.0.1", "/gone.jpg")), 422, "image_url answered HTTP 404");
            assertError(query(http, "file:///etc/passwd"), 400, "must be an http or https URL");
            assertError(query(http, "http://user:secret@127.0.0.1/cake.jpg"), 400, "must not carry credentials");
        }
    }

    @Test
    void aLargerImageThanUploadsMayBeIsRefused() {
        try (SearchServer server = fixture.start(fixture.config().toBuilder().imageUrls(ImageUrlPolicy.ANY_ADDRESS)
                .maxUploadBytes(1024).build())) {
            assertError(query(new Http(server.port()), url("127.0.0.1", "/cake.jpg")), 413, "larger than the limit of 1024");
        }
    }

    @Test
    void publicOnlyRefusesLoopbackInEveryFormWithoutConnecting() {
        try (SearchServer server = fixture.start(fixture.config().toBuilder().imageUrls(ImageUrlPolicy.PUBLIC).build())) {
            Http http = new Http(server.port());
            int before;
            synchronized (ImageUrlTest.class) {
                before = requests;
            }
            for (String host : List.of("127.0.0.1", "localhost", "[::1]", "[::ffff:127.0.0.1]", "2130706433")) {
                assertError(query(http, url(host, "/cake.jpg")), 403, "loopback, private or reserved");
            }
            assertError(query(http, url("127.1", "/cake.jpg")), 400, "image_url has no host");
            synchronized (ImageUrlTest.class) {
                assertEquals(before, requests, "no request reached the loopback server");
            }
        }
    }

    @Test
    void publicOnlyKeepsThePublicAddressesOfANameAndFailsANameWithNone() throws Exception {
        InetAddress privateAddress = InetAddress.getByName("10.0.0.7");
        InetAddress publicAddress = InetAddress.getByName("93.184.215.14");
        InetAddress metadataService = InetAddress.getByName("169.254.169.254");
        SocketAddressResolver twoRecords = (host, port, promise) -> promise.succeeded(List.of(
                new InetSocketAddress(privateAddress, port), new InetSocketAddress(publicAddress, port)));
        assertEquals(List.of(new InetSocketAddress(publicAddress, 80)),
                resolve(ImageUrlFetcher.publicOnly(twoRecords), "rebinding.example"));

        SocketAddressResolver privateOnly = (host, port, promise) -> promise.succeeded(List.of(
                new InetSocketAddress(metadataService, port)));
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> resolve(ImageUrlFetcher.publicOnly(privateOnly), "metadata.example"));
        assertInstanceOf(IOException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("metadata.example resolves only to"), e.getCause().getMessage());
    }

    private static List<InetSocketAddress> resolve(SocketAddressResolver resolver, String host) throws Exception {
        CompletableFuture<List<InetSocketAddress>> result = new CompletableFuture<>();
        resolver.resolve(host, 80, Promise.from(result));
        return result.get(30, TimeUnit.SECONDS);
    }
}
