package dev.imgsearch.serve;

import dev.imgsearch.common.OneLine;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.api.Response;
import org.eclipse.jetty.client.util.InputStreamResponseListener;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/**
 * Fetches the image a query names by URL, as far as the {@link ImageUrlPolicy} allows: http(s) only, at most
 * {@code maxBytes}, within {@value #TIMEOUT_SECONDS} s in all, at most {@value #MAX_REDIRECTS} redirects, no proxy.
 *
 * <p>Under {@link ImageUrlPolicy#PUBLIC} every host name is checked where it is resolved, inside the HTTP client, for
 * the first request and every redirect alike: the connection goes to the addresses that were checked, so a name that
 * resolves differently a moment later (DNS rebinding) cannot slip a private address in.
 */
final class ImageUrlFetcher implements AutoCloseable {

    static final int TIMEOUT_SECONDS = 10;
    static final int MAX_REDIRECTS = 3;

    /** A host that resolved only to addresses the policy refuses. */
    private static final class RefusedAddress extends IOException {
        RefusedAddress(String host) {
            super(host + " resolves only to loopback, private or reserved addresses", null);
        }
    }

    private final ImageUrlPolicy policy;
    private final long maxBytes;
    private final HttpClient client;

    ImageUrlFetcher(ImageUrlPolicy policy, long maxBytes) {
        this.policy = policy;
        this.maxBytes = maxBytes;
        this.client = policy == ImageUrlPolicy.OFF ? null : startClient(policy);
    }

    private static HttpClient startClient(ImageUrlPolicy policy) {
        HttpClient client = new HttpClient();
        QueuedThreadPool executor = new QueuedThreadPool(16, 2);
        executor.setName("imgsearch-image-url");
        executor.setDaemon(true);
        ScheduledExecutorScheduler scheduler = new ScheduledExecutorScheduler("imgsearch-image-url-timer", true);
        client.setExecutor(executor);
        client.setScheduler(scheduler);
        SocketAddressResolver resolver = new SocketAddressResolver.Async(executor, scheduler,
                TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        client.setSocketAddressResolver(policy == ImageUrlPolicy.PUBLIC ? publicOnly(resolver) : resolver);
        client.setFollowRedirects(true);
        client.setMaxRedirects(MAX_REDIRECTS);
        client.setConnectTimeout(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        client.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, "imgsearch"));
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the HTTP client for image URLs: " + OneLine.of(e), e);
        }
        return client;
    }

    /** Keeps the public addresses a name resolves to, and fails the connection when there are none. */
    static SocketAddressResolver publicOnly(SocketAddressResolver resolver) {
        return (host, port, promise) -> resolver.resolve(host, port, new Promise<>() {
            @Override
            public void succeeded(List<InetSocketAddress> addresses) {
                List<InetSocketAddress> allowed = addresses.stream()
                        .filter(a -> PublicAddresses.isPublic(a.getAddress()))
                        .toList();
                if (allowed.isEmpty()) {
                    promise.failed(new RefusedAddress(host));
                } else {
                    promise.succeeded(allowed);
                }
            }

            @Override
            public void failed(Throwable failure) {
                promise.failed(failure);
            }
        });
    }

    /** The bytes at {@code url}, or the 4xx that says why not. */
    byte[] fetch(String url) {
        if (policy == ImageUrlPolicy.OFF) {
            throw new ApiException(403, "image_url queries are off on this server, because they make it fetch URLs for "
                    + "its clients; start it with --allow-image-urls to allow them, or send the image itself");
        }
        URI uri = checked(url);
        InputStreamResponseListener listener = new InputStreamResponseListener();
        client.newRequest(uri).timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS).send(listener);
        Response response;
        try {
            response = listener.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "interrupted while fetching image_url");
        } catch (TimeoutException e) {
            throw new ApiException(422, "image_url did not answer within " + TIMEOUT_SECONDS + " s");
        } catch (ExecutionException e) {
            throw failed(e.getCause());
        }
        try (InputStream body = listener.getInputStream()) {
            if (response.getStatus() != 200) {
                throw new ApiException(422, "image_url answered HTTP " + response.getStatus());
            }
            long declared = response.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
            if (declared > maxBytes) {
                throw tooLarge();
            }
            byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw tooLarge();
            }
            return bytes;
        } catch (IOException e) {
            throw failed(e);
        } finally {
            response.abort(new IOException("done with image_url"));
        }
    }

    private ApiException tooLarge() {
        return new ApiException(413, "the image at image_url is larger than the limit of " + maxBytes + " bytes");
    }

    private static ApiException failed(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof RefusedAddress refused) {
                return new ApiException(403, "image_url is not fetched: " + refused.getMessage()
                        + " (the server allows only public addresses; --allow-private-image-urls lifts that)");
            }
            if (t instanceof TimeoutException) {
                return new ApiException(422, "image_url did not answer within " + TIMEOUT_SECONDS + " s");
            }
        }
        return new ApiException(422, "could not fetch image_url: " + OneLine.of(cause));
    }

    private static URI checked(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw ApiException.badRequest("image_url is not a valid URL: " + ParamParser.abbreviate(url));
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw ApiException.badRequest("image_url must be an http or https URL, not '"
                    + ParamParser.abbreviate(url) + "'");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw ApiException.badRequest("image_url has no host: " + ParamParser.abbreviate(url));
        }
        if (uri.getRawUserInfo() != null) {
            throw ApiException.badRequest("image_url must not carry credentials");
        }
        return uri;
    }

    @Override
    public void close() {
        if (client != null) {
            try {
                client.stop();
            } catch (Exception e) {
                // Stopping releases threads and sockets; a failure to do so changes nothing for the caller.
            }
        }
    }
}
