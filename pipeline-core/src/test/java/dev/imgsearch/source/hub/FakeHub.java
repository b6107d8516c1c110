package dev.imgsearch.source.hub;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback stand-in for the Hugging Face Hub: the revision, tree (paginated) and resolve endpoints, resolve
 * redirecting to a separate "CDN" server that answers range requests. Gated datasets refuse resolve without the
 * right bearer token, as the Hub does. Faults (429, 5xx) can be queued per path prefix.
 */
public final class FakeHub implements Closeable {

    public static final String TOKEN = "hf_test_token";
    private static final int PAGE_SIZE = 2;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern API = Pattern.compile("/api/datasets/([^/]+/[^/]+)/(revision|tree)/([^/]+)(?:/(.*))?");
    private static final Pattern RESOLVE = Pattern.compile("/datasets/([^/]+/[^/]+)/resolve/([^/]+)/(.+)");

    /** One commit of a dataset: repository path to file bytes. */
    public record Commit(String sha, Map<String, byte[]> files) {
    }

    private record Fault(int status, String retryAfter) {
    }

    private final HttpServer hub;
    private final HttpServer cdn;
    private final Map<String, Map<String, Commit>> refs = new ConcurrentHashMap<>();
    private final Map<String, Commit> commits = new ConcurrentHashMap<>();
    private final Map<String, Boolean> gated = new ConcurrentHashMap<>();
    private final Map<String, Deque<Fault>> faults = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> cdnBytes = new ConcurrentHashMap<>();
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final List<String> cdnAuthorizations = Collections.synchronizedList(new ArrayList<>());

    public FakeHub() throws IOException {
        hub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        cdn = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hub.createContext("/", this::hub);
        cdn.createContext("/", this::cdn);
        hub.start();
        cdn.start();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + hub.getAddress().getPort();
    }

    /** Adds a commit of {@code repo} holding the given local files under their repository paths, and points a ref at it. */
    public Commit publish(String repo, String ref, Map<String, Path> files) throws IOException {
        Map<String, byte[]> contents = new TreeMap<>();
        for (Map.Entry<String, Path> file : files.entrySet()) {
            contents.put(file.getKey(), Files.readAllBytes(file.getValue()));
        }
        String sha = String.format("%040x", commits.size() + 1L);
        Commit commit = new Commit(sha, contents);
        commits.put(repo + "@" + sha, commit);
        refs.computeIfAbsent(repo, r -> new ConcurrentHashMap<>()).put(ref, commit);
        return commit;
    }

    public void gate(String repo) {
        gated.put(repo, true);
    }

    /** The next {@code times} requests whose path starts with {@code pathPrefix} get {@code status}. */
    void fail(String pathPrefix, int status, String retryAfter, int times) {
        Deque<Fault> queue = faults.computeIfAbsent(pathPrefix, p -> new ArrayDeque<>());
        for (int i = 0; i < times; i++) {
            queue.add(new Fault(status, retryAfter));
        }
    }

    long cdnBytesServed(String repo, String file) {
        return cdnBytes.getOrDefault(repo + "/" + file, new AtomicLong()).get();
    }

    /** "METHOD path" of every request the Hub (not the CDN) answered. */
    List<String> requests() {
        return List.copyOf(requests);
    }

    List<String> cdnAuthorizations() {
        return List.copyOf(cdnAuthorizations);
    }

    private void hub(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            requests.add(exchange.getRequestMethod() + " " + path);
            if (injectFault(exchange, path)) {
                return;
            }
            Matcher api = API.matcher(path);
            Matcher resolve = RESOLVE.matcher(path);
            if (api.matches()) {
                Commit commit = commit(api.group(1), decode(api.group(3)));
                if (commit == null) {
                    send(exchange, 404, "application/json", "{\"error\":\"Revision not found\"}".getBytes(StandardCharsets.UTF_8));
                } else if (api.group(2).equals("revision")) {
                    send(exchange, 200, "application/json", JSON.writeValueAsBytes(
                            JSON.createObjectNode().put("id", api.group(1)).put("sha", commit.sha())));
                } else {
                    tree(exchange, commit, api.group(4) == null ? "" : decode(api.group(4)));
                }
            } else if (resolve.matches()) {
                String repo = resolve.group(1);
                if (gated.containsKey(repo) && !authorized(exchange, repo)) {
                    return;
                }
                Commit commit = commit(repo, decode(resolve.group(2)));
                String file = decode(resolve.group(3));
                if (commit == null || !commit.files().containsKey(file)) {
                    send(exchange, 404, "text/plain", "Entry not found".getBytes(StandardCharsets.UTF_8));
                    return;
                }
                exchange.getResponseHeaders().set("Location", "http://127.0.0.1:" + cdn.getAddress().getPort()
                        + "/blobs/" + repo + "/" + commit.sha() + "/" + resolve.group(3) + "?signature=secret");
                send(exchange, 302, "text/plain", new byte[0]);
            } else {
                send(exchange, 404, "text/plain", "no such endpoint".getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private boolean authorized(HttpExchange exchange, String repo) throws IOException {
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        if (auth == null) {
            exchange.getResponseHeaders().set("X-Error-Code", "GatedRepo");
            exchange.getResponseHeaders().set("X-Error-Message", "Access to dataset " + repo + " is restricted. You must"
                    + " have access to it and be authenticated to access it. Please log in.");
            send(exchange, 401, "text/plain", new byte[0]);
            return false;
        }
        if (!auth.equals("Bearer " + TOKEN)) {
            exchange.getResponseHeaders().set("X-Error-Code", "GatedRepo");
            send(exchange, 403, "text/plain", new byte[0]);
            return false;
        }
        return true;
    }

    private void tree(HttpExchange exchange, Commit commit, String folder) throws IOException {
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        boolean recursive = Boolean.parseBoolean(query.getOrDefault("recursive", "false"));
        String prefix = folder.isEmpty() ? "" : folder + "/";
        List<ObjectNode> entries = new ArrayList<>();
        java.util.Set<String> dirs = new java.util.TreeSet<>();
        for (Map.Entry<String, byte[]> file : commit.files().entrySet()) {
            if (!file.getKey().startsWith(prefix)) {
                continue;
            }
            String rest = file.getKey().substring(prefix.length());
            if (!recursive && rest.contains("/")) {
                dirs.add(prefix + rest.substring(0, rest.indexOf('/')));
                continue;
            }
            ObjectNode entry = JSON.createObjectNode().put("type", "file").put("path", file.getKey())
                    .put("size", file.getValue().length).put("oid", Integer.toHexString(file.getKey().hashCode()));
            entry.putObject("lfs").put("oid", dev.imgsearch.record.RecordIds.sha256Hex(file.getValue()))
                    .put("size", file.getValue().length);
            entries.add(entry);
        }
        for (String dir : dirs) {
            entries.add(JSON.createObjectNode().put("type", "directory").put("path", dir).put("size", 0));
        }
        if (entries.isEmpty() && !folder.isEmpty()) {
            send(exchange, 404, "application/json", "{\"error\":\"not found\"}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        int cursor = Integer.parseInt(query.getOrDefault("cursor", "0"));
        ArrayNode page = JSON.createArrayNode();
        entries.subList(cursor, Math.min(entries.size(), cursor + PAGE_SIZE)).forEach(page::add);
        if (cursor + PAGE_SIZE < entries.size()) {
            exchange.getResponseHeaders().set("Link", "<" + endpoint() + exchange.getRequestURI().getRawPath()
                    + "?recursive=" + recursive + "&expand=false&cursor=" + (cursor + PAGE_SIZE) + ">; rel=\"next\"");
        }
        send(exchange, 200, "application/json", JSON.writeValueAsBytes(page));
    }

    private void cdn(HttpExchange exchange) throws IOException {
        try (exchange) {
            cdnAuthorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            String[] parts = exchange.getRequestURI().getRawPath().split("/", 6); // "", blobs, org, name, sha, path
            String repo = parts[2] + "/" + parts[3];
            String file = decode(parts[5]);
            if (injectFault(exchange, "/blobs/")) {
                return;
            }
            byte[] bytes = commits.get(repo + "@" + parts[4]).files().get(file);
            String range = exchange.getRequestHeaders().getFirst("Range");
            Matcher m = range == null ? null : Pattern.compile("bytes=(\\d+)-(\\d+)").matcher(range);
            if (m == null || !m.matches()) {
                cdnBytes.computeIfAbsent(repo + "/" + file, f -> new AtomicLong()).addAndGet(bytes.length);
                send(exchange, 200, "application/octet-stream", bytes);
                return;
            }
            int start = Integer.parseInt(m.group(1));
            int end = Math.min(bytes.length - 1, Integer.parseInt(m.group(2)));
            byte[] slice = java.util.Arrays.copyOfRange(bytes, start, end + 1);
            cdnBytes.computeIfAbsent(repo + "/" + file, f -> new AtomicLong()).addAndGet(slice.length);
            exchange.getResponseHeaders().set("Content-Range", "bytes " + start + "-" + end + "/" + bytes.length);
            send(exchange, 206, "application/octet-stream", slice);
        }
    }

    private boolean injectFault(HttpExchange exchange, String path) throws IOException {
        for (Map.Entry<String, Deque<Fault>> entry : faults.entrySet()) {
            if (path.startsWith(entry.getKey())) {
                Fault fault = entry.getValue().poll();
                if (fault != null) {
                    if (fault.retryAfter() != null) {
                        exchange.getResponseHeaders().set("Retry-After", fault.retryAfter());
                    }
                    send(exchange, fault.status(), "text/plain", "injected".getBytes(StandardCharsets.UTF_8));
                    return true;
                }
            }
        }
        return false;
    }

    private Commit commit(String repo, String revision) {
        Commit byRef = refs.getOrDefault(repo, Map.of()).get(revision);
        return byRef != null ? byRef : commits.get(repo + "@" + revision);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                query.put(decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        }
        return query;
    }

    private static String decode(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        hub.stop(0);
        cdn.stop(0);
    }
}
