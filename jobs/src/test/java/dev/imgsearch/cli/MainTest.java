package dev.imgsearch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {

    private record Result(int exitCode, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void helpListsTheCommands() {
        Result r = run("--help");
        assertEquals(0, r.exitCode());
        for (String command : new String[] {"embed", "inspect", "preprocess"}) {
            assertTrue(r.out().contains(command), "--help should list " + command + ":\n" + r.out());
        }
    }

    @Test
    void versionNamesTheProjectVersion() {
        Result r = run("--version");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().startsWith("imgsearch 0."), r.out());
    }

    @Test
    void unknownOptionIsOneLineAndExitCodeTwo() {
        Result r = run("embed", "--input", "x", "--output", "y", "--bogus");
        assertEquals(2, r.exitCode());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("--bogus"), r.err());
    }

    @Test
    void missingRequiredOptionIsOneLineAndExitCodeTwo() {
        Result r = run("embed", "--output", "y");
        assertEquals(2, r.exitCode());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("--input"), r.err());
    }

    @Test
    void noCommandIsAnError() {
        Result r = run();
        assertEquals(2, r.exitCode());
    }

    @Test
    void failureIsOneLineWithExitCodeOne() {
        Result r = run("inspect", "/nonexistent/output");
        assertEquals(1, r.exitCode());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("imgsearch: error: no embeddings under"), r.err());
    }
}
