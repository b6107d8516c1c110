package dev.imgsearch.jobs;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A SPARK_HOME that is only a jars/ folder linking the Spark jars of the test class path (what a Spark distribution's
 * jars/ holds), without the application's own libraries, which reach Spark through the spark-submit jar.
 */
public final class TestSparkHome {

    private static final List<String> APPLICATION_JARS = List.of("/dev/imgsearch/", "/ai/djl/", "/com/twelvemonkeys/",
            "/com/github/usefulness/", "/info/picocli/", "/org/apache/lucene/", "/io/javalin/", "/hadoop-aws/",
            "/software/amazon/", "/com/amazonaws/", "/joda-time/", "/org/apache/httpcomponents/",
            "/jackson-dataformat-cbor/", "/org/junit/", "/org/opentest4j/", "/org/apiguardian/", "/io/prometheus/",
            "/org/seleniumhq/", "/com/fasterxml/jackson/dataformat/", "/org/yaml/", "/pipeline-core/target/",
            "/serve/target/", "/jobs/target/");

    private TestSparkHome() {
    }

    public static Path create(Path sparkHome) throws IOException {
        Path jars = Files.createDirectories(sparkHome.resolve("jars"));
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.endsWith(".jar") && APPLICATION_JARS.stream().noneMatch(entry::contains)) {
                Path jar = Path.of(entry);
                Path link = jars.resolve(jar.getFileName());
                if (!Files.exists(link)) {
                    Files.createSymbolicLink(link, jar);
                }
            }
        }
        return sparkHome;
    }
}
