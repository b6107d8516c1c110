package dev.imgsearch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgsearch.jobs.TestPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/quickstart} replaces its OUT folder, so it must never take a folder it did not make. */
class QuickstartTest {

    @TempDir
    Path tmp;

    @Test
    void refusesAFolderItDidNotMakeBeforeBuildingAnything() throws IOException, InterruptedException {
        Path out = Files.createDirectories(tmp.resolve("my-photos"));
        Path precious = Files.writeString(out.resolve("keep.txt"), "mine");

        Process quickstart = new ProcessBuilder("bash", TestPaths.REPO.resolve("bin/quickstart").toString(),
                "--no-serve", out.toString()).redirectErrorStream(true).start();
        String said = new String(quickstart.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertEquals(1, quickstart.waitFor(), said);
        assertTrue(said.contains("quickstart: " + out + " exists and was not made by quickstart"), said);
        assertEquals("mine", Files.readString(precious));
    }
}
