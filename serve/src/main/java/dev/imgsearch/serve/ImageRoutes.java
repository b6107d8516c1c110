package dev.imgsearch.serve;

import dev.imgsearch.decode.ImageFormat;
import dev.imgsearch.source.ByteRange;
import dev.imgsearch.store.MetadataSchema;
import dev.imgsearch.store.VectorRecord;
import io.javalin.http.Context;
import io.javalin.http.Header;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code GET /api/images/{id}}: an indexed image's original bytes, or a thumbnail with {@code ?size=N}; and
 * {@code GET /image/{image_path}}, where the SkyPilot example's page loads the originals of its results.
 */
final class ImageRoutes {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,255}");
    private static final long CACHE_SECONDS = 86_400;

    private final Searcher searcher;
    private final OriginalImages originals;
    private final Thumbnails thumbnails;
    private final WorkPool work;
    private final String cacheControl;

    ImageRoutes(Searcher searcher, OriginalImages originals, Thumbnails thumbnails, WorkPool work,
                boolean privateResponses) {
        this.searcher = searcher;
        this.originals = originals;
        this.thumbnails = thumbnails;
        this.work = work;
        this.cacheControl = (privateResponses ? "private" : "public") + ", max-age=" + CACHE_SECONDS;
    }

    /** The {@code id} path parameter, checked: record ids are never paths, so nothing path-like gets through. */
    static String id(Context ctx) {
        return id(ctx, "id");
    }

    /** Whether {@code text} has the form of a record id. */
    static boolean isId(String text) {
        return ID.matcher(text).matches();
    }

    private static String id(Context ctx, String parameter) {
        String id = ctx.pathParam(parameter);
        if (!isId(id)) {
            throw ApiException.badRequest("invalid image id '" + ParamParser.abbreviate(id)
                    + "': ids are 1 to 256 letters, digits, '.', '_', ':' or '-'");
        }
        return id;
    }

    void image(Context ctx) {
        String id = id(ctx);
        Integer size = size(ctx.queryParams("size"));
        for (String name : ctx.queryParamMap().keySet()) {
            if (!name.equals("size")) {
                throw ApiException.badRequest("unknown parameter '" + name + "'; known: size");
            }
        }
        serve(ctx, id, size);
    }

    /** {@code GET /image/{image_path}}: the original; {@code image_path} is what {@code POST /search} answered. */
    void skyPilotImage(Context ctx) {
        serve(ctx, id(ctx, "image_path"), null);
    }

    private void serve(Context ctx, String id, Integer size) {
        VectorRecord record = searcher.get(id);
        Object uri = record.metadata().get(MetadataSchema.URI);
        if (!(uri instanceof String location)) {
            throw ApiException.notFound("image '" + id + "' has no source uri");
        }
        Object sha256 = record.metadata().get(MetadataSchema.SHA256);
        String etag = sha256 == null ? null : "\"" + sha256 + (size == null ? "" : "-" + size) + "\"";
        if (etag != null) {
            ctx.header(Header.ETAG, etag);
            ctx.header(Header.CACHE_CONTROL, cacheControl);
            if (matches(ctx.header(Header.IF_NONE_MATCH), etag)) {
                ctx.status(304);
                return;
            }
        }
        Thumbnails.Thumbnail cached = size == null || etag == null ? null : thumbnails.cached(etag);
        if (cached != null) {
            ctx.contentType(cached.contentType()).result(cached.bytes());
            return;
        }
        byte[] original = originals.read(location, member(record));
        ImageFormat format = ImageFormat.sniff(original);
        if (format == null) {
            throw new ApiException(422, "the source of image '" + id + "' is not in an image format this server serves");
        }
        if (size == null) {
            ctx.contentType(format.mediaType()).result(original);
            return;
        }
        Thumbnails.Thumbnail thumbnail = work.decoding(original, () -> thumbnails.scale(original, size));
        if (etag != null) {
            thumbnails.remember(etag, thumbnail);
        }
        ctx.contentType(thumbnail.contentType()).result(thumbnail.bytes());
    }

    /** The tar member's offset and length its record keeps, or null for whole files and rows. */
    private static ByteRange member(VectorRecord record) {
        Object offset = record.metadata().get(MetadataSchema.SOURCE_OFFSET);
        Object length = record.metadata().get(MetadataSchema.SOURCE_LENGTH);
        return offset instanceof Number o && length instanceof Number l ? new ByteRange(o.longValue(), l.longValue()) : null;
    }

    private static Integer size(List<String> values) {
        if (values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw ApiException.badRequest("parameter 'size' is given " + values.size() + " times");
        }
        String text = values.get(0).strip();
        if (!text.matches("[0-9]{1,5}")
                || Integer.parseInt(text) < Thumbnails.MIN_SIZE || Integer.parseInt(text) > Thumbnails.MAX_SIZE) {
            throw ApiException.badRequest("size must be an integer between " + Thumbnails.MIN_SIZE + " and "
                    + Thumbnails.MAX_SIZE + ", got '" + ParamParser.abbreviate(values.get(0)) + "'");
        }
        return Integer.parseInt(text);
    }

    private static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.strip();
            if (tag.equals("*") || tag.equals(etag) || tag.equals("W/" + etag)) {
                return true;
            }
        }
        return false;
    }
}
