package dev.imgsearch.skypilot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.imgsearch.jobs.TestPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** A SkyPilot task YAML of this repository, read with a YAML parser. */
record SkyPilotTask(Path file, JsonNode yaml) {

    static final Path DIR = TestPaths.REPO.resolve("skypilot");

    static SkyPilotTask read(String name) {
        Path file = DIR.resolve(name);
        try {
            return new SkyPilotTask(file, new ObjectMapper(new YAMLFactory()).readTree(file.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<SkyPilotTask> all() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted()
                    .map(f -> read(f.getFileName().toString())).toList();
        }
    }

    String name() {
        return file.getFileName().toString();
    }

    /** The envs section; a null value is an env the user must set. */
    Map<String, String> envs() {
        return strings("envs");
    }

    Map<String, String> secrets() {
        return strings("secrets");
    }

    String setup() {
        return yaml.path("setup").asText();
    }

    String run() {
        return yaml.path("run").asText();
    }

    private Map<String, String> strings(String section) {
        Map<String, String> values = new LinkedHashMap<>();
        yaml.path(section).fields().forEachRemaining(e -> values.put(e.getKey(),
                e.getValue().isNull() ? null : e.getValue().asText()));
        return values;
    }
}
