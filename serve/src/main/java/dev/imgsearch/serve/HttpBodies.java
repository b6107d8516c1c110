package dev.imgsearch.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.BadMessageException;

/** Reads request bodies under a size limit, so no client can make the server buffer more than it allows. */
final class HttpBodies {

    /** A refused body is read and thrown away up to this much, so the client still gets its 413 on a clean connection. */
    private static final long DRAIN_LIMIT = 128L * 1024 * 1024;

    static final int MAX_JSON_BYTES = 64 * 1024;

    private HttpBodies() {
    }

    /** The whole body, or a 413 when it is larger than {@code limit}. */
    static byte[] read(Context ctx, long limit, String what) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > limit) {
            throw tooLarge(ctx, what, limit);
        }
        try {
            byte[] bytes = ctx.req().getInputStream().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (bytes.length > limit) {
                throw tooLarge(ctx, what, limit);
            }
            return bytes;
        } catch (IOException e) {
            ApiException refused = refusal(e);
            throw refused != null ? refused : ApiException.badRequest("could not read the request body: " + e.getMessage());
        }
    }

    /**
     * Jetty's refusal of a body while it was being read (slower than the minimum rate, silent past the idle timeout,
     * malformed chunks), found anywhere among {@code e}'s causes, as the error the client gets; null if there is none.
     */
    static ApiException refusal(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof BadMessageException bad) {
                return new ApiException(bad.getCode(), bad.getCode() == 408
                        ? "the request body arrived too slowly: " + bad.getReason()
                        : "malformed request body: " + bad.getReason());
            }
            if (cause instanceof TimeoutException) {
                return new ApiException(408, "the request body stopped arriving: nothing came within the idle timeout");
            }
        }
        return null;
    }

    /** A 413 for a body over {@code limit}, after discarding what is left of it. */
    static ApiException tooLarge(Context ctx, String what, long limit) {
        drain(ctx);
        return new ApiException(413, what + " is larger than the limit of " + limit + " bytes");
    }

    /** The body as a JSON object, or a 400 saying what is wrong with it. */
    static ObjectNode jsonObject(Context ctx, ObjectMapper mapper) {
        return jsonObject(ctx, mapper, MAX_JSON_BYTES);
    }

    /** As {@link #jsonObject(Context, ObjectMapper)}, for bodies that may carry an image as text (up to {@code limit}). */
    static ObjectNode jsonObject(Context ctx, ObjectMapper mapper, long limit) {
        byte[] body = read(ctx, limit, "the JSON body");
        if (body.length == 0) {
            throw ApiException.badRequest("the request body is empty; send a JSON object");
        }
        JsonNode node;
        try {
            node = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("malformed JSON: " + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw ApiException.badRequest("could not read the request body: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest("the request body must be a JSON object");
        }
        return (ObjectNode) node;
    }

    static void drain(Context ctx) {
        if (ctx.req().getContentLengthLong() > DRAIN_LIMIT) {
            return;
        }
        try {
            InputStream in = ctx.req().getInputStream();
            long skipped = 0;
            byte[] sink = new byte[64 * 1024];
            for (int n = in.read(sink); n > 0 && skipped < DRAIN_LIMIT; n = in.read(sink)) {
                skipped += n;
            }
        } catch (IOException | IllegalStateException | BadMessageException e) {
            // The body is unreadable, too slow or already consumed: Jetty then closes the connection after the response.
        }
    }
}
