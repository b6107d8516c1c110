package dev.imgsearch.skypilot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imgsearch.jobs.TestPaths;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The task YAMLs' structure: what SkyPilot reads from them, checked without SkyPilot. */
class SkyPilotYamlTest {

    /** SkyPilot's task and service fields that these tasks use. */
    private static final Set<String> TASK_FIELDS = Set.of("name", "workdir", "num_nodes", "resources", "envs",
            "secrets", "file_mounts", "setup", "run", "service");
    private static final Set<String> RESOURCE_FIELDS = Set.of("cpus", "memory", "disk_size", "accelerators",
            "use_spot", "ports", "job_recovery", "ordered", "any_of");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Z_][A-Z0-9_]*");

    @Test
    void everyTaskParsesAndUsesOnlyKnownFields() throws Exception {
        List<SkyPilotTask> tasks = SkyPilotTask.all();
        assertEquals(List.of("build.yaml", "embed-cluster.yaml", "embed.yaml", "serve.yaml"),
                tasks.stream().map(SkyPilotTask::name).toList());
        for (SkyPilotTask task : tasks) {
            task.yaml().fieldNames().forEachRemaining(
                    field -> assertTrue(TASK_FIELDS.contains(field), task.name() + ": unknown field " + field));
            task.yaml().path("resources").fieldNames().forEachRemaining(
                    field -> assertTrue(RESOURCE_FIELDS.contains(field), task.name() + ": unknown resource " + field));
            assertEquals(".", task.yaml().path("workdir").asText(), task.name() + " runs repository scripts");
            assertFalse(task.run().isBlank(), task.name());
            assertTrue(task.setup().contains("skypilot/install.sh"), task.name());
        }
    }

    @Test
    void envsAreStringsWithShellNames() throws Exception {
        for (SkyPilotTask task : SkyPilotTask.all()) {
            for (String section : List.of("envs", "secrets")) {
                task.yaml().path(section).fields().forEachRemaining(e -> {
                    assertTrue(ENV_NAME.matcher(e.getKey()).matches(), task.name() + ": " + e.getKey());
                    assertTrue(e.getValue().isTextual() || e.getValue().isNull(),
                            task.name() + ": " + e.getKey() + " must be a quoted string or null");
                });
            }
        }
    }

    @Test
    void bucketMountsUseDeclaredEnvs() throws Exception {
        Pattern reference = Pattern.compile("\\$\\{([A-Z_][A-Z0-9_]*)}");
        for (SkyPilotTask task : SkyPilotTask.all()) {
            task.yaml().path("file_mounts").fields().forEachRemaining(mount -> {
                JsonNode source = mount.getValue().path("source");
                Matcher m = reference.matcher(source.asText());
                assertTrue(m.find(), task.name() + ": " + mount.getKey() + " should come from an env");
                assertTrue(task.envs().containsKey(m.group(1)), task.name() + ": " + m.group(1) + " is not declared");
                assertTrue(Set.of("MOUNT", "MOUNT_CACHED", "COPY").contains(mount.getValue().path("mode").asText()));
            });
        }
    }

    @Test
    void everyRepositoryFileATaskNamesExists() throws Exception {
        Pattern path = Pattern.compile("\\b((?:skypilot|config)/[A-Za-z0-9_.-]+)");
        for (SkyPilotTask task : SkyPilotTask.all()) {
            Matcher m = path.matcher(task.setup() + "\n" + task.run());
            while (m.find()) {
                assertTrue(Files.isRegularFile(TestPaths.REPO.resolve(m.group(1))), task.name() + ": " + m.group(1));
            }
        }
    }

    @Test
    void gpuJobsTryEverySpotGpuBeforeAnyOnDemandOne() {
        for (String name : List.of("embed.yaml", "embed-cluster.yaml")) {
            JsonNode resources = SkyPilotTask.read(name).yaml().path("resources");
            List<String> spot = new ArrayList<>();
            List<String> onDemand = new ArrayList<>();
            for (JsonNode candidate : resources.path("ordered")) {
                String gpu = candidate.path("accelerators").asText();
                assertTrue(gpu.endsWith(":1"), name + ": one GPU per machine, got " + gpu);
                if (candidate.path("use_spot").asBoolean()) {
                    assertTrue(onDemand.isEmpty(), name + ": spot " + gpu + " after an on-demand candidate");
                    spot.add(gpu);
                } else {
                    onDemand.add(gpu);
                }
            }
            assertFalse(spot.isEmpty(), name);
            assertEquals(spot, onDemand, name + ": the on-demand fallback should offer the same GPUs");
            assertTrue(Set.of("FAILOVER", "EAGER_NEXT_REGION")
                    .contains(resources.path("job_recovery").path("strategy").asText()), name);
        }
    }

    @Test
    void theClusterTaskHasSeveralNodes() {
        assertTrue(SkyPilotTask.read("embed-cluster.yaml").yaml().path("num_nodes").asInt() >= 2);
    }

    @Test
    void theServiceIsReadyWhenTheServerSaysSoAndScalesWithLoad() {
        JsonNode service = SkyPilotTask.read("serve.yaml").yaml().path("service");
        assertEquals("/ready", service.path("readiness_probe").path("path").asText());
        JsonNode policy = service.path("replica_policy");
        assertTrue(policy.path("min_replicas").asInt() >= 1);
        assertTrue(policy.path("max_replicas").asInt() > policy.path("min_replicas").asInt());
        assertTrue(policy.path("target_qps_per_replica").asDouble() > 0, "autoscaling needs a target QPS");
        assertTrue(SkyPilotTask.read("serve.yaml").yaml().path("resources").path("ports").isInt());
    }
}
