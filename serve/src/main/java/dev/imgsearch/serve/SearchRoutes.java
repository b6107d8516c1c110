package dev.imgsearch.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imgsearch.store.MetadataFilter;
import dev.imgsearch.store.MetadataSchema;
import dev.imgsearch.store.SearchHit;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** The search endpoints: text, image upload, more-like-this, and the SkyPilot example's {@code POST /search}. */
final class SearchRoutes {

    /** One result of the SkyPilot-compatible route: {@code image_path} is the id {@code GET /image/...} serves. */
    record CompatResult(String imagePath, double similarity) {
    }

    private static final int COMPAT_DEFAULT_RESULTS = 5;

    private final ModelState model;
    private final Searcher searcher;
    private final ParamParser parser;
    private final ServerConfig config;
    private final ObjectMapper mapper;
    private final WorkPool work;

    SearchRoutes(ModelState model, Searcher searcher, MetadataSchema schema, ServerConfig config, ObjectMapper mapper,
                 WorkPool work) {
        this.model = model;
        this.searcher = searcher;
        this.parser = new ParamParser(config.maxK(), schema);
        this.config = config;
        this.mapper = mapper;
        this.work = work;
    }

    /** {@code GET /api/search?text=...}: shareable text search. */
    void textFromQuery(Context ctx) {
        long start = System.nanoTime();
        String text = ParamParser.text(single(ctx.queryParams("text")), "text");
        SearchParams params = parser.fromText(ctx::queryParams, ctx.queryParamMap().keySet(), Set.of("text"));
        ctx.json(SearchResponse.of(searcher.search(model.embedder().text(text), params), params, start));
    }

    /** {@code POST /api/search} with a JSON body: a {@code text}, or an {@code embedding} to search with as it is. */
    void fromJson(Context ctx) {
        long start = System.nanoTime();
        ObjectNode body = HttpBodies.jsonObject(ctx, mapper);
        SearchParams params = parser.fromJson(body, Set.of("text", "embedding"));
        float[] query;
        if (body.hasNonNull("embedding")) {
            if (body.hasNonNull("text")) {
                throw ApiException.badRequest("give text or embedding, not both");
            }
            query = ParamParser.embedding(body.get("embedding"), "embedding", model.queryDimension());
        } else {
            query = model.embedder().text(ParamParser.text(ParamParser.jsonText(body, "text"), "text"));
        }
        ctx.json(SearchResponse.of(searcher.search(query, params), params, start));
    }

    /** {@code POST /api/search/image}: a multipart field {@code image}, or the image as the raw body. */
    void image(Context ctx) {
        long start = System.nanoTime();
        byte[] image;
        SearchParams params;
        if (ctx.isMultipartFormData()) {
            image = multipartImage(ctx);
            Map<String, List<String>> form = ctx.formParamMap();
            Function<String, List<String>> values = name -> {
                List<String> all = new ArrayList<>(ctx.queryParams(name));
                all.addAll(form.getOrDefault(name, List.of()));
                return all;
            };
            Set<String> present = new HashSet<>(ctx.queryParamMap().keySet());
            present.addAll(form.keySet());
            params = parser.fromText(values, present, Set.of("image"));
        } else {
            params = parser.fromText(ctx::queryParams, ctx.queryParamMap().keySet(), Set.of());
            image = HttpBodies.read(ctx, config.maxUploadBytes(), "the uploaded image");
        }
        if (image.length == 0) {
            throw ApiException.badRequest("no image: send it as the multipart field 'image' or as the raw request body");
        }
        float[] vector = work.decoding(image, () -> model.embedder().image(image));
        ctx.json(SearchResponse.of(searcher.search(vector, params), params, start));
    }

    /** {@code GET /api/images/{id}/similar}: more like an indexed image, that image itself left out. */
    void similar(Context ctx) {
        long start = System.nanoTime();
        String id = ImageRoutes.id(ctx);
        SearchParams params = parser.fromText(ctx::queryParams, ctx.queryParamMap().keySet(), Set.of());
        ctx.json(SearchResponse.of(searcher.similar(id, params), params, start));
    }

    /** {@code POST /search} as the SkyPilot vector-database example serves it: {@code {"text", "n_results"}}. */
    void compat(Context ctx) {
        ObjectNode body = HttpBodies.jsonObject(ctx, mapper);
        body.fieldNames().forEachRemaining(name -> {
            if (!name.equals("text") && !name.equals("n_results")) {
                throw ApiException.badRequest("unknown field '" + name + "'; known: text, n_results");
            }
        });
        String text = ParamParser.text(ParamParser.jsonText(body, "text"), "text");
        int n = body.hasNonNull("n_results") ? ParamParser.jsonInt(body.get("n_results"), "n_results") : COMPAT_DEFAULT_RESULTS;
        if (n < 1 || n > config.maxK()) {
            throw ApiException.badRequest("n_results must be between 1 and " + config.maxK() + ", got " + n);
        }
        SearchParams params = new SearchParams(n, 0, MetadataFilter.NONE, Double.NEGATIVE_INFINITY);
        List<CompatResult> results = new ArrayList<>();
        for (SearchHit hit : searcher.search(model.embedder().text(text), params).hits()) {
            results.add(new CompatResult(hit.id(), hit.score()));
        }
        ctx.json(results);
    }

    private byte[] multipartImage(Context ctx) {
        long limit = config.maxUploadBytes();
        if (ctx.req().getContentLengthLong() > limit + HttpBodies.MAX_JSON_BYTES) {
            throw HttpBodies.tooLarge(ctx, "the uploaded image", limit);
        }
        UploadedFile file;
        try {
            file = ctx.uploadedFile("image");
        } catch (Exception e) {
            // Jetty's multipart parser throws IOException (through Kotlin, unchecked) and IllegalStateException.
            ApiException refused = HttpBodies.refusal(e);
            if (refused != null) {
                throw refused;
            }
            String message = String.valueOf(e.getMessage());
            if (message.contains("exceed")) {
                throw HttpBodies.tooLarge(ctx, "the uploaded image", limit);
            }
            throw ApiException.badRequest("malformed multipart body: " + message.lines().findFirst().orElse(""));
        }
        if (file == null) {
            throw ApiException.badRequest("the multipart body has no file field named 'image'");
        }
        if (file.size() > limit) {
            throw new ApiException(413, "the uploaded image is larger than the limit of " + limit + " bytes");
        }
        try (InputStream in = file.content()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw ApiException.badRequest("could not read the uploaded image: " + e.getMessage());
        }
    }

    private static String single(List<String> values) {
        if (values.size() > 1) {
            throw ApiException.badRequest("parameter 'text' is given " + values.size() + " times");
        }
        return values.isEmpty() ? null : values.get(0);
    }
}
