package dev.imgsearch.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SkyLauncherTest {

    @TempDir
    Path tmp;

    private static List<SkyJob> jobs(int n) {
        return EmbedFanOut.jobs("embed", n, Set.of(), Path.of("skypilot/embed.yaml"), null,
                Map.of("INPUT", "s3a://b/i", "OUTPUT", "s3a://b/o"), List.of());
    }

    @Test
    void launchRunsOneSkyCommandPerJobInOrder() throws Exception {
        FakeSky sky = FakeSky.in(tmp);
        StringWriter out = new StringWriter();
        List<SkyJob> jobs = jobs(3);
        new SkyLauncher(sky.path(), new PrintWriter(out)).launch(jobs);
        List<List<String>> calls = sky.calls();
        assertEquals(3, calls.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(jobs.get(i).command(sky.path()).subList(1, jobs.get(i).command(sky.path()).size()),
                    calls.get(i));
        }
        assertTrue(out.toString().contains("started 3 jobs"), out.toString());
    }

    @Test
    void aRefusedLaunchStopsAndSaysWhichJobsDidNotStart() throws Exception {
        FakeSky sky = FakeSky.in(tmp);
        sky.failFrom(3);
        List<SkyJob> jobs = jobs(5);
        SkyLaunchException e = assertThrows(SkyLaunchException.class,
                () -> new SkyLauncher(sky.path(), new PrintWriter(new StringWriter())).launch(jobs));
        assertEquals(3, sky.calls().size(), "nothing is tried after the refused job");
        assertEquals(jobs.subList(2, 5), e.notStarted());
        assertTrue(e.getMessage().contains("embed-2-of-5 (exit 1)"), e.getMessage());
        assertTrue(e.getMessage().contains("started: embed-0-of-5, embed-1-of-5"), e.getMessage());
    }

    @Test
    void aMissingSkyCliIsExplained() {
        IOException e = assertThrows(IOException.class, () -> new SkyLauncher(tmp.resolve("no-sky").toString(),
                new PrintWriter(new StringWriter())).launch(jobs(1)));
        assertTrue(e.getMessage().contains("pip install skypilot"), e.getMessage());
    }

    @Test
    void printShowsTheCommandsAndRunsNothing() throws Exception {
        FakeSky sky = FakeSky.in(tmp);
        StringWriter out = new StringWriter();
        new SkyLauncher(sky.path(), new PrintWriter(out)).print(jobs(2));
        assertEquals(0, sky.calls().size());
        List<String> lines = out.toString().lines().toList();
        assertEquals(2, lines.size());
        assertEquals(ShellWords.join(jobs(2).get(1).command(sky.path())), lines.get(1));
    }
}
