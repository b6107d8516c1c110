package dev.imgsearch.skypilot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgsearch.jobs.TestPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** config/imgsearch-defaults.conf documents every setting of every task, with the task's own default. */
class JobDefaultsTest {

    private record Entry(String value, String doc) {
    }

    /** KEY=VALUE lines of the dotenv file, each with the comment lines just above it. */
    private static Map<String, Entry> defaults() throws IOException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        StringBuilder doc = new StringBuilder();
        for (String line : Files.readAllLines(TestPaths.REPO.resolve("config/imgsearch-defaults.conf"))) {
            if (line.startsWith("#")) {
                doc.append(line.substring(1).strip()).append(' ');
            } else if (line.isBlank()) {
                doc.setLength(0);
            } else {
                int eq = line.indexOf('=');
                assertTrue(eq > 0, "not KEY=VALUE: " + line);
                entries.put(line.substring(0, eq), new Entry(line.substring(eq + 1), doc.toString()));
                doc.setLength(0);
            }
        }
        return entries;
    }

    @Test
    void everyTaskSettingIsDocumentedWithTheTasksDefault() throws Exception {
        Map<String, Entry> defaults = defaults();
        Set<String> used = new HashSet<>();
        for (SkyPilotTask task : SkyPilotTask.all()) {
            task.envs().forEach((key, value) -> {
                used.add(key);
                Entry entry = defaults.get(key);
                assertTrue(entry != null, task.name() + ": " + key + " is not in config/imgsearch-defaults.conf");
                assertTrue(entry.doc().length() > 20, key + " has no description");
                if (value == null) {
                    assertTrue(entry.doc().contains("Required"), key + " is required by " + task.name());
                } else {
                    assertEquals(value, entry.value(), task.name() + ": default of " + key);
                }
            });
        }
        assertEquals(used, defaults.keySet(), "settings no task reads");
    }

    @Test
    void secretsAreNamedButNeverGivenAValue() throws Exception {
        Map<String, Entry> defaults = defaults();
        String file = Files.readString(TestPaths.REPO.resolve("config/imgsearch-defaults.conf"));
        for (SkyPilotTask task : SkyPilotTask.all()) {
            for (String secret : task.secrets().keySet()) {
                assertTrue(!defaults.containsKey(secret) && file.contains(secret), secret);
            }
        }
    }

    @Test
    void theInstalledVersionsAreTheOnesTheBuildUses() throws Exception {
        String pom = Files.readString(TestPaths.REPO.resolve("pom.xml"));
        Map<String, Entry> defaults = defaults();
        assertEquals(property(pom, "spark.version"), defaults.get("SPARK_VERSION").value());
        String libtorch = defaults.get("LIBTORCH_URL").value();
        assertTrue(libtorch.contains("-" + property(pom, "pytorch.version") + "%2Bcu128.zip"),
                "libtorch must match DJL's pytorch-jni " + property(pom, "pytorch.version") + ": " + libtorch);
        for (String profile : List.of("config/spark-gpu.conf", "config/spark-gpu-cluster.conf")) {
            assertTrue(Files.readString(TestPaths.REPO.resolve(profile)).contains("cu128"), profile);
        }
    }

    private static String property(String pom, String name) {
        int start = pom.indexOf("<" + name + ">") + name.length() + 2;
        return pom.substring(start, pom.indexOf("</" + name + ">"));
    }
}
