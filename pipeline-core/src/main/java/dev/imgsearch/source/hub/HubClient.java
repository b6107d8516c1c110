package dev.imgsearch.source.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imgsearch.http.RetryPolicy;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP access to one dataset on the Hugging Face Hub, using the endpoints the {@code huggingface_hub} client uses:
 * {@code /api/datasets/{repo}/revision/{rev}}, {@code /api/datasets/{repo}/tree/{rev}/{path}} and
 * {@code /datasets/{repo}/resolve/{rev}/{path}}.
 * Redirects are followed by hand so that the token never leaves the Hub's origin (resolve URLs redirect to a CDN)
 * and range headers survive the hop. Failures are retried per the {@link RetryPolicy}.
 */
public final class HubClient {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(30))
            .build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");
    private static final int MAX_REDIRECTS = 10;
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(5);

    private final URI endpoint;
    private final String token;
    private final String dataset;
    private final RetryPolicy retry;

    public HubClient(String endpoint, String token, String dataset) {
        this(endpoint, token, dataset, RetryPolicy.DEFAULT);
    }

    HubClient(String endpoint, String token, String dataset, RetryPolicy retry) {
        this.endpoint = URI.create(endpoint.endsWith("/") ? endpoint : endpoint + "/");
        this.token = token;
        this.dataset = Objects.requireNonNull(dataset, "dataset");
        this.retry = Objects.requireNonNull(retry, "retry");
    }

    /** The commit a branch, tag or commit id currently points at. */
    String resolveCommit(String revision) throws IOException {
        JsonNode info = getJson(api("revision/" + encode(revision, false)));
        String sha = info.path("sha").asText("");
        if (sha.isEmpty()) {
            throw new IOException("Hugging Face dataset " + dataset + ": no commit id in the answer for revision " + revision);
        }
        return sha;
    }

    /** Entries ({@code type}, {@code path}, {@code size}, {@code oid}, {@code lfs}) under a folder, following pagination. */
    List<JsonNode> listTree(String commit, String folder, boolean recursive) throws IOException {
        String path = folder.isEmpty() ? "" : "/" + encode(folder, false);
        URI next = api("tree/" + encode(commit, false) + path + "?recursive=" + recursive + "&expand=false");
        List<JsonNode> entries = new ArrayList<>();
        while (next != null) {
            HttpResponse<byte[]> response = send(next, null, HttpResponse.BodyHandlers.ofByteArray());
            JsonNode page = JSON.readTree(response.body());
            if (!page.isArray()) {
                throw new IOException("Hugging Face dataset " + dataset + ": tree listing is not a JSON array: " + withoutQuery(next));
            }
            page.forEach(entries::add);
            next = nextPage(response);
        }
        return entries;
    }

    /** Where a file's bytes are served, pinned to a commit. */
    URI resolveUrl(String commit, String file) {
        return endpoint.resolve("datasets/" + dataset + "/resolve/" + encode(commit, false) + "/" + encode(file, true));
    }

    /** Exactly {@code length} bytes starting at {@code start}, by an HTTP range request. */
    byte[] getRange(URI url, long start, int length) throws IOException {
        if (length == 0) {
            return new byte[0];
        }
        String range = "bytes=" + start + "-" + (start + length - 1);
        HttpResponse<byte[]> response = send(url, range, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 206) {
            throw new IOException("Hugging Face dataset " + dataset + ": server ignored the range request " + range
                    + " (HTTP " + response.statusCode() + ") for " + withoutQuery(url));
        }
        byte[] body = response.body();
        if (body.length != length) {
            throw new IOException("Hugging Face dataset " + dataset + ": asked for " + length + " bytes at " + start
                    + ", got " + body.length + " from " + withoutQuery(url));
        }
        return body;
    }

    /**
     * The whole file as a stream. Only a successful answer is streamed; error answers are small and read whole, so a
     * retried attempt never leaves a connection half-read.
     */
    InputStream openStream(URI url) throws IOException {
        return send(url, null, info -> info.statusCode() / 100 == 2
                ? HttpResponse.BodySubscribers.ofInputStream()
                : HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofByteArray(),
                        ByteArrayInputStream::new)).body();
    }

    private JsonNode getJson(URI url) throws IOException {
        return JSON.readTree(send(url, null, HttpResponse.BodyHandlers.ofByteArray()).body());
    }

    private URI api(String rest) {
        return endpoint.resolve("api/datasets/" + dataset + "/" + rest);
    }

    /** Mirrors may hand out links to huggingface.co itself; keep talking to the configured endpoint. */
    private URI nextPage(HttpResponse<?> response) {
        Optional<String> link = response.headers().firstValue("Link");
        if (link.isEmpty()) {
            return null;
        }
        Matcher m = NEXT_LINK.matcher(link.get());
        if (!m.find()) {
            return null;
        }
        URI next = response.uri().resolve(m.group(1));
        if (sameOrigin(next, endpoint)) {
            return next;
        }
        String pathAndQuery = next.getRawPath() + (next.getRawQuery() == null ? "" : "?" + next.getRawQuery());
        return endpoint.resolve(pathAndQuery.startsWith("/") ? pathAndQuery.substring(1) : pathAndQuery);
    }

    private <T> HttpResponse<T> send(URI url, String range, HttpResponse.BodyHandler<T> body) throws IOException {
        HttpResponse<T> response;
        try {
            response = retry.send(() -> followRedirects(url, range, body));
        } catch (RetryPolicy.RetriesExhaustedException e) {
            throw new IOException("Hugging Face dataset " + dataset + ": " + withoutQuery(url) + " failed after "
                    + e.attempts() + " attempts: " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching " + withoutQuery(url), e);
        }
        if (RetryPolicy.isRetryable(response.statusCode())) {
            throw new IOException("Hugging Face dataset " + dataset + ": HTTP " + response.statusCode() + " from "
                    + withoutQuery(response.uri()) + " after " + retry.maxAttempts() + " attempts"
                    + hubMessage(response));
        }
        return requireSuccess(response, url);
    }

    private <T> HttpResponse<T> followRedirects(URI url, String range, HttpResponse.BodyHandler<T> body)
            throws IOException {
        URI current = url;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(current).GET().timeout(REQUEST_TIMEOUT)
                    .header("User-Agent", "imgsearch/0.1 (java)");
            if (range != null) {
                request.header("Range", range);
            }
            if (token != null && sameOrigin(current, endpoint)) {
                request.header("Authorization", "Bearer " + token);
            }
            HttpResponse<T> response;
            try {
                response = HTTP.send(request.build(), body);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while fetching " + withoutQuery(current), e);
            }
            int status = response.statusCode();
            Optional<String> location = response.headers().firstValue("Location");
            if (status / 100 != 3 || status == 304 || location.isEmpty()) {
                return response;
            }
            current = current.resolve(location.get());
        }
        throw new IOException("Hugging Face dataset " + dataset + ": more than " + MAX_REDIRECTS
                + " redirects from " + withoutQuery(url));
    }

    private <T> HttpResponse<T> requireSuccess(HttpResponse<T> response, URI requested) throws IOException {
        int status = response.statusCode();
        if (status / 100 == 2) {
            return response;
        }
        if (status == 401 || status == 403) {
            throw new IOException("Hugging Face dataset " + dataset + " refused access (HTTP " + status + "): it is gated"
                    + " or private; " + (token == null ? "set HF_TOKEN (or run `hf auth login`) with the token of"
                            : "the token sent must belong to")
                    + " an account that has accepted its terms at " + endpoint + "datasets/" + dataset + hubMessage(response));
        }
        if (status == 404) {
            throw new IOException("Hugging Face dataset " + dataset + ": not found: " + withoutQuery(requested)
                    + " (check the dataset name, revision and path; private datasets also answer 404 without HF_TOKEN)"
                    + hubMessage(response));
        }
        throw new IOException("Hugging Face dataset " + dataset + ": HTTP " + status + " from "
                + withoutQuery(response.uri()) + hubMessage(response));
    }

    private static String hubMessage(HttpResponse<?> response) {
        return response.headers().firstValue("X-Error-Message")
                .map(m -> " (Hub says: " + m.replaceAll("\\s+", " ") + ")")
                .orElse("");
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /** Signed CDN URLs carry credentials in the query; error messages show only the rest. */
    private static String withoutQuery(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath();
    }

    /** Percent-encodes like Python's {@code urllib.parse.quote}, optionally keeping '/'. */
    static String encode(String text, boolean keepSlash) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~' || (keepSlash && c == '/')) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
