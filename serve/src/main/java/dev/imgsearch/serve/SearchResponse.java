package dev.imgsearch.serve;

import dev.imgsearch.store.MetadataSchema;
import dev.imgsearch.store.SearchHit;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A page of search results as the API returns it.
 *
 * @param results    best first
 * @param k          the page size asked for
 * @param offset     results skipped before this page
 * @param hasMore    whether a further page exists
 * @param nextOffset the offset of the next page, or null
 * @param tookMs     server time spent on the search
 */
record SearchResponse(List<Result> results, int k, int offset, boolean hasMore, Integer nextOffset, double tookMs) {

    static final int THUMBNAIL_SIZE = 256;

    /** One image found. */
    record Result(String id, double score, String uri, Long width, Long height, String caption,
                  String imageUrl, String thumbnailUrl) {
    }

    static SearchResponse of(Searcher.Page page, SearchParams params, long startNanos) {
        List<Result> results = page.hits().stream().map(SearchResponse::result).toList();
        double tookMs = Math.round((System.nanoTime() - startNanos) / 10_000.0) / 100.0;
        return new SearchResponse(results, params.k(), params.offset(), page.hasMore(),
                page.hasMore() ? params.offset() + params.k() : null, tookMs);
    }

    static String imageUrl(String id) {
        return "/api/images/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Result result(SearchHit hit) {
        Map<String, Object> meta = hit.metadata();
        String url = imageUrl(hit.id());
        return new Result(hit.id(), hit.score(), (String) meta.get(MetadataSchema.URI),
                asLong(meta.get(MetadataSchema.WIDTH)), asLong(meta.get(MetadataSchema.HEIGHT)),
                (String) meta.get(MetadataSchema.CAPTION), url, url + "?size=" + THUMBNAIL_SIZE);
    }

    private static Long asLong(Object value) {
        return value instanceof Number n ? n.longValue() : null;
    }
}
