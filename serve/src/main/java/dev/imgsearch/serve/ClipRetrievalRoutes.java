package dev.imgsearch.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imgsearch.store.MetadataFilter;
import dev.imgsearch.store.MetadataSchema;
import dev.imgsearch.store.SearchHit;
import dev.imgsearch.store.SearchRequest;
import dev.imgsearch.store.VectorRecord;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * clip-retrieval's back-end API, so that its {@code ClipClient} and its web front end search this server unchanged:
 * {@code POST /knn-service}, {@code GET /indices-list} and {@code POST /metadata}. Request bodies are read as JSON
 * whatever their content type (ClipClient sends none, the front end text/plain), and fields this API does not know
 * are ignored, as clip-retrieval ignores them.
 *
 * <p>{@code use_safety_model}, {@code use_violence_detector}, {@code use_mclip}, {@code aesthetic_score} and
 * {@code aesthetic_weight} are accepted and ignored: this server has no safety, violence or aesthetic models and no
 * multilingual text tower. {@code modality} must be {@code image}: the index holds image embeddings only.
 */
final class ClipRetrievalRoutes {

    /** clip-retrieval's front end asks for 3,000 result ids and the metadata of the first 40. */
    static final int MAX_RESULT_IDS = SearchRequest.MAX_K - 1;
    static final int MAX_METADATA_IDS = 1_000;

    private final ModelState model;
    private final Searcher searcher;
    private final ServerConfig config;
    private final ObjectMapper mapper;
    private final ImageUrlFetcher imageUrls;
    private final RequestUrls urls;
    private final WorkPool work;

    ClipRetrievalRoutes(ModelState model, Searcher searcher, ServerConfig config, ObjectMapper mapper,
                        ImageUrlFetcher imageUrls, RequestUrls urls, WorkPool work) {
        this.model = model;
        this.searcher = searcher;
        this.config = config;
        this.mapper = mapper;
        this.imageUrls = imageUrls;
        this.urls = urls;
        this.work = work;
    }

    /** {@code GET /indices-list}: the one index this server serves. */
    void indicesList(Context ctx) {
        ctx.json(List.of(config.indexName()));
    }

    /**
     * {@code POST /knn-service}: the nearest images to a {@code text}, a base64 {@code image}, an {@code image_url}
     * or an {@code embedding_input}, taken in that order of precedence as clip-retrieval does. Answers
     * {@code max(num_images, num_result_ids)} results; the first {@code num_images} carry {@code url} and
     * {@code caption}, the rest only {@code id} and {@code similarity} (their metadata is at {@code /metadata}).
     */
    void knnService(Context ctx) {
        ObjectNode body = HttpBodies.jsonObject(ctx, mapper, config.maxUploadBytes() + HttpBodies.MAX_JSON_BYTES);
        index(body);
        String modality = ParamParser.jsonText(body, "modality");
        if (modality != null && !modality.equals("image")) {
            throw ApiException.badRequest("modality '" + ParamParser.abbreviate(modality) + "' is not served: this "
                    + "index holds image embeddings only; use modality 'image'");
        }
        int numImages = count(body, "num_images", null, config.maxK());
        int numResultIds = Math.max(numImages, count(body, "num_result_ids", numImages, MAX_RESULT_IDS));
        boolean deduplicate = flag(body, "deduplicate");
        float[] query = query(body);
        SearchParams params = new SearchParams(numResultIds, 0, MetadataFilter.NONE, Double.NEGATIVE_INFINITY);
        List<SearchHit> hits = searcher.search(query, params).hits();
        if (deduplicate) {
            hits = NearDuplicates.drop(hits, numImages, id -> searcher.get(id).vector());
        }
        String base = urls.base(ctx);
        List<Map<String, Object>> results = new ArrayList<>();
        for (SearchHit hit : hits) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("id", hit.id());
            result.put("similarity", hit.score());
            if (results.size() < numImages) {
                result.putAll(metadata(base, hit.id(), hit.metadata()));
            }
            results.add(result);
        }
        ctx.json(results);
    }

    /** {@code POST /metadata} {@code {"ids": [...], "indice_name": ...}}: url and caption by id; null for unknown ids. */
    void metadata(Context ctx) {
        ObjectNode body = HttpBodies.jsonObject(ctx, mapper);
        JsonNode ids = body.get("ids");
        if (ids == null || !ids.isArray()) {
            throw ApiException.badRequest("ids must be an array of result ids");
        }
        if (ids.isEmpty()) {
            ctx.json(List.of());
            return;
        }
        index(body);
        if (ids.size() > MAX_METADATA_IDS) {
            throw ApiException.badRequest("at most " + MAX_METADATA_IDS + " ids per request, got " + ids.size());
        }
        String base = urls.base(ctx);
        List<Map<String, Object>> answers = new ArrayList<>();
        for (JsonNode node : ids) {
            if (!node.isTextual() && !node.isIntegralNumber()) {
                throw ApiException.badRequest("ids must be strings, got " + node.getNodeType().name().toLowerCase());
            }
            String id = node.asText();
            VectorRecord record = known(id);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("id", id);
            answer.put("metadata", record == null ? null : metadata(base, id, record.metadata()));
            answers.add(answer);
        }
        ctx.json(answers);
    }

    private VectorRecord known(String id) {
        if (!ImageRoutes.isId(id)) {
            return null;
        }
        try {
            return searcher.get(id);
        } catch (ApiException e) {
            if (e.status() == 404) {
                return null;
            }
            throw e;
        }
    }

    private static Map<String, Object> metadata(String base, String id, Map<String, Object> metadata) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("url", base + SearchResponse.imageUrl(id));
        fields.put("caption", metadata.get(MetadataSchema.CAPTION));
        return fields;
    }

    private float[] query(ObjectNode body) {
        String text = ParamParser.jsonText(body, "text");
        if (text != null && !text.isEmpty()) {
            return model.embedder().text(ParamParser.text(text, "text"));
        }
        String image = ParamParser.jsonText(body, "image");
        if (image != null) {
            byte[] bytes;
            try {
                bytes = Base64.getMimeDecoder().decode(image);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("image must be the image file in base64: " + e.getMessage());
            }
            return work.decoding(bytes, () -> model.embedder().image(bytes));
        }
        String imageUrl = ParamParser.jsonText(body, "image_url");
        if (imageUrl != null) {
            byte[] fetched = imageUrls.fetch(imageUrl);
            return work.decoding(fetched, () -> model.embedder().image(fetched));
        }
        if (body.hasNonNull("embedding_input")) {
            return ParamParser.embedding(body.get("embedding_input"), "embedding_input", model.queryDimension());
        }
        throw ApiException.badRequest("give one of text, image (base64), image_url or embedding_input");
    }

    private void index(ObjectNode body) {
        String index = ParamParser.jsonText(body, "indice_name");
        if (index == null) {
            throw ApiException.badRequest("indice_name is missing; this server serves '" + config.indexName() + "'");
        }
        if (!index.equals(config.indexName())) {
            throw ApiException.notFound("no index named '" + ParamParser.abbreviate(index) + "'; this server serves '"
                    + config.indexName() + "' (GET /indices-list)");
        }
    }

    private static int count(ObjectNode body, String field, Integer fallback, int max) {
        if (!body.hasNonNull(field)) {
            if (fallback == null) {
                throw ApiException.badRequest(field + " is missing");
            }
            return fallback;
        }
        int value = ParamParser.jsonInt(body.get(field), field);
        if (value < 1 || value > max) {
            throw ApiException.badRequest(field + " must be between 1 and " + max + ", got " + value);
        }
        return value;
    }

    private static boolean flag(ObjectNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            throw ApiException.badRequest(field + " must be true or false");
        }
        return node.booleanValue();
    }
}
