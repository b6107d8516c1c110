package dev.imgsearch.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EmbedFanOutTest {

    private static final Path YAML = Path.of("skypilot/embed.yaml");
    private static final Map<String, String> ENV = Map.of("INPUT", "s3a://b/images", "OUTPUT", "s3a://b/out");

    @Test
    void eachJobGetsItsPartAndTheSharedSettings() {
        List<SkyJob> jobs = EmbedFanOut.jobs("embed", 3, Set.of(), YAML, null, ENV, List.of("HF_TOKEN"));
        assertEquals(List.of("embed-0-of-3", "embed-1-of-3", "embed-2-of-3"), jobs.stream().map(SkyJob::name).toList());
        for (int i = 0; i < 3; i++) {
            Map<String, String> env = jobs.get(i).env();
            assertEquals("3", env.get("NUM_SHARDS"));
            assertEquals(String.valueOf(i), env.get("SHARD_INDEX"));
            assertEquals("s3a://b/images", env.get("INPUT"));
            assertEquals("s3a://b/out", env.get("OUTPUT"));
            assertEquals(List.of("HF_TOKEN"), jobs.get(i).secrets());
        }
    }

    @Test
    void jobNumbersArePaddedSoNamesSortInOrder() {
        List<SkyJob> jobs = EmbedFanOut.jobs("embed", 12, Set.of(), YAML, null, ENV, List.of());
        assertEquals("embed-00-of-12", jobs.get(0).name());
        assertEquals("embed-11-of-12", jobs.get(11).name());
    }

    @Test
    void onlyStartsTheChosenJobsWithTheirOriginalParts() {
        List<SkyJob> jobs = EmbedFanOut.jobs("embed", 8, Set.of(6, 2), YAML, null, ENV, List.of());
        assertEquals(List.of("embed-2-of-8", "embed-6-of-8"), jobs.stream().map(SkyJob::name).toList());
        assertEquals("2", jobs.get(0).env().get("SHARD_INDEX"));
        assertEquals("8", jobs.get(1).env().get("NUM_SHARDS"));
    }

    @Test
    void aJobThatDoesNotExistIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EmbedFanOut.jobs("embed", 4, Set.of(4), YAML, null, ENV, List.of()));
        assertTrue(e.getMessage().contains("0 to 3"), e.getMessage());
    }

    @Test
    void thePartKeysCannotBeSetByHand() {
        Map<String, String> env = new LinkedHashMap<>(ENV);
        env.put("SHARD_INDEX", "1");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EmbedFanOut.jobs("embed", 4, Set.of(), YAML, null, env, List.of()));
        assertTrue(e.getMessage().startsWith("SHARD_INDEX"), e.getMessage());
    }

    @Test
    void theCommandLaunchesTheYamlDetachedWithEveryEnvAndSecret() {
        SkyJob job = new SkyJob("embed-1-of-2", YAML, Path.of("my.env"),
                new LinkedHashMap<>(Map.of("INPUT", "s3a://b/i")), List.of("HF_TOKEN"));
        assertEquals(List.of("sky", "jobs", "launch", "skypilot/embed.yaml", "--name", "embed-1-of-2", "--yes",
                "--detach-run", "--env-file", "my.env", "--env", "INPUT=s3a://b/i", "--secret", "HF_TOKEN"),
                job.command("sky"));
    }
}
