package dev.imgsearch.jobs;

import java.nio.file.Path;

/** Fixtures shared with the rest of the repository; tests run with the module directory as working directory. */
public final class TestPaths {

    public static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    public static final Path TINY_MODEL = REPO.resolve("pipeline-core/src/test/resources/tiny-clip");
    public static final Path SAMPLE_IMAGES = REPO.resolve("samples/images");

    private TestPaths() {
    }
}
