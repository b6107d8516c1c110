package dev.imgsearch.jobs;

import java.nio.file.Path;

/** Fixtures shared with the rest of the repository; tests run with the module directory as working directory. */
public final class TestPaths {

    public static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    public static final Path TINY_MODEL = REPO.resolve("pipeline-core/src/test/resources/tiny-clip");
    public static final Path SAMPLE_IMAGES = REPO.resolve("samples/images");
    /** The spark-submit jar of the Spark line this build is for (the pom passes its path and Scala version). */
    public static final Path SPARK_SUBMIT_JAR = Path.of(System.getProperty("imgsearch.spark.jar",
            "target/imgsearch/imgsearch-spark4.1_2.13.jar")).toAbsolutePath();
    public static final String SCALA_VERSION = System.getProperty("imgsearch.scala.version", "2.13");

    private TestPaths() {
    }
}
