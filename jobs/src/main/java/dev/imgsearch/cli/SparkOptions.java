package dev.imgsearch.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/** Spark settings taken the way spark-submit takes them; under spark-submit its own settings also apply. */
final class SparkOptions {

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master (default: the one spark-submit set, else local[*] in this JVM).")
    String master;

    @Option(names = "--properties-file", paramLabel = "FILE",
            description = "Spark properties file, e.g. one of config/spark-*.conf.")
    Path propertiesFile;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "A Spark property; repeatable.")
    Map<String, String> conf = new LinkedHashMap<>();

    /** The properties file's entries, then --conf, then --master: later ones win. */
    Map<String, String> settings() throws IOException {
        Map<String, String> settings = new LinkedHashMap<>();
        if (propertiesFile != null) {
            if (!Files.isRegularFile(propertiesFile)) {
                throw new IllegalArgumentException("properties file not found: " + propertiesFile);
            }
            Properties props = new Properties();
            try (Reader in = Files.newBufferedReader(propertiesFile)) {
                props.load(in);
            }
            props.stringPropertyNames().stream().sorted()
                    .forEach(k -> settings.put(k, props.getProperty(k).strip()));
        }
        settings.putAll(conf);
        if (master != null) {
            settings.put("spark.master", master);
        }
        return settings;
    }
}
