package dev.imgsearch.skypilot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imgsearch.jobs.TestPaths;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** config/getGpusResources.sh, with a stand-in nvidia-smi that lists the given GPU indexes. */
class GpuDiscoveryScriptTest {

    @TempDir
    Path tmp;

    private Process discover(String nvidiaSmiOutput) throws Exception {
        Path fake = tmp.resolve("nvidia-smi");
        Files.writeString(fake, "#!/bin/sh\nprintf '" + nvidiaSmiOutput + "'\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder builder = new ProcessBuilder("bash", TestPaths.REPO.resolve("config/getGpusResources.sh").toString());
        builder.environment().put("PATH", tmp + ":" + builder.environment().get("PATH"));
        Process process = builder.start();
        process.waitFor();
        return process;
    }

    @Test
    void printsEveryGpuAsSparkResourceInformation() throws Exception {
        Process process = discover("0\\n1\\n");
        assertEquals(0, process.exitValue());
        JsonNode json = new ObjectMapper().readTree(process.getInputStream());
        assertEquals("gpu", json.path("name").asText());
        assertEquals("[\"0\",\"1\"]", json.path("addresses").toString());
    }

    @Test
    void noGpuIsAnError() throws Exception {
        Process process = discover("");
        assertNotEquals(0, process.exitValue());
        assertTrue(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).contains("no GPU"));
    }
}
