package dev.imgsearch.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.imgsearch.common.OneLine;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The model used when none is given: OpenAI CLIP ViT-B/32 as DJL publishes it in TorchScript (Hugging Face's
 * CLIPModel traced by DJL, the model of DJL's CLIP example), with the Hugging Face tokenizer of
 * {@code openai/clip-vit-base-patch32} and a synthesised descriptor.
 *
 * <p>Neither artifact has a published SHA-256. The tokenizer URL is pinned to a git commit of the Hugging Face
 * repository, so its bytes cannot change, and both downloads are checked against the digest their servers declare
 * (see {@link ArtifactDownloader}); set the SHA-256 properties below to pin them exactly.
 *
 * <p>Overrides (system property, else environment variable), e.g. for a mirror or a test server:
 * {@code imgsearch.default-model.url} / {@code IMGSEARCH_DEFAULT_MODEL_URL},
 * {@code imgsearch.default-model.sha256} / {@code IMGSEARCH_DEFAULT_MODEL_SHA256},
 * {@code imgsearch.default-tokenizer.url} / {@code IMGSEARCH_DEFAULT_TOKENIZER_URL},
 * {@code imgsearch.default-tokenizer.sha256} / {@code IMGSEARCH_DEFAULT_TOKENIZER_SHA256}.
 */
public final class DefaultModel {

    public static final String NAME = "openai/clip-vit-base-patch32";
    public static final String MODEL_URL = "https://resources.djl.ai/demo/pytorch/clip.zip";
    public static final String TOKENIZER_URL = "https://huggingface.co/openai/clip-vit-base-patch32/resolve/"
            + "3d74acf9a28c67741b2f4f2ea7635f0aaf6f0268/tokenizer.json";

    private static final float[] OPENAI_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    private static final float[] OPENAI_STD = {0.26862954f, 0.26130258f, 0.27577711f};

    private DefaultModel() {
    }

    /** Where the default model's two files come from, after overrides. */
    record Source(URI model, String modelSha256, URI tokenizer, String tokenizerSha256) {

        static Source configured() {
            return new Source(
                    URI.create(setting("imgsearch.default-model.url", MODEL_URL)),
                    sha256Setting("imgsearch.default-model.sha256"),
                    URI.create(setting("imgsearch.default-tokenizer.url", TOKENIZER_URL)),
                    sha256Setting("imgsearch.default-tokenizer.sha256"));
        }

        /** Everything that selects the cached copy. */
        String identity() {
            return model + "#" + modelSha256 + "|" + tokenizer + "#" + tokenizerSha256;
        }
    }

    /**
     * The descriptor of DJL's TorchScript ViT-B/32. It was traced on the CPU with CPU constants in its graph
     * (DJL's documentation: "The current model can only run on CPU"), hence {@code cpu_only}. It is Hugging Face's
     * CLIPModel, whose text tower slices its position table, and DJL's own example feeds it unpadded token rows:
     * batches are cut to their longest text.
     */
    static ModelDescriptor descriptor(String modelFile) {
        return new ModelDescriptor(NAME, 512, 224, OPENAI_MEAN, OPENAI_STD, 77, 0, modelFile, "tokenizer.json", true,
                TextPadding.LONGEST, false);
    }

    /** Downloads, checks and lays out the default model in {@code dir}. */
    static void assemble(Source source, ArtifactDownloader downloader, Path dir) throws IOException {
        try {
            Path zip = dir.resolve(".download.zip");
            downloader.download(source.model(), source.modelSha256(), zip);
            Zips.extract(zip, dir);
            Files.delete(zip);
            Path tokenizer = dir.resolve("tokenizer.json");
            downloader.download(source.tokenizer(), source.tokenizerSha256(), tokenizer);
            checkTokenizer(tokenizer, source.tokenizer());
            String modelFile = dir.relativize(torchScriptFile(dir, source.model())).toString()
                    .replace(File.separatorChar, '/');
            descriptor(modelFile).write(dir);
        } catch (ModelUnavailableException e) {
            throw new ModelUnavailableException("cannot download the default CLIP model: " + e.getMessage(), e);
        }
    }

    private static Path torchScriptFile(Path dir, URI from) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> models = files.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().endsWith(".pt"))
                    .toList();
            if (models.size() != 1) {
                throw new IOException(from + " should hold exactly one TorchScript .pt file but holds " + models.size());
            }
            return models.get(0);
        }
    }

    private static void checkTokenizer(Path file, URI from) throws IOException {
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(from + " is not a tokenizer.json: " + OneLine.of(e), e);
        }
        Set<String> specials = new HashSet<>();
        json.path("added_tokens").forEach(t -> specials.add(t.path("content").asText()));
        if (!"BPE".equals(json.path("model").path("type").asText())
                || !specials.containsAll(Set.of("<|startoftext|>", "<|endoftext|>"))) {
            throw new IOException(from + " is not a CLIP BPE tokenizer.json");
        }
    }

    private static String setting(String property, String fallback) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
        }
        return value == null || value.isBlank() ? fallback : value.strip();
    }

    private static String sha256Setting(String property) {
        String value = setting(property, null);
        if (value != null && !value.matches("[0-9A-Fa-f]{64}")) {
            throw new IllegalArgumentException(property + " must be 64 hex digits, not " + value);
        }
        return value == null ? null : value.toLowerCase(Locale.ROOT);
    }
}
