package dev.imgsearch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgsearch.embed.EmbedOutputFixtures;
import dev.imgsearch.embed.Provenance;
import dev.imgsearch.model.ModelIdentity;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class InspectCommandTest {

    @TempDir
    Path tmp;

    private record Result(int exitCode, String out, String err) {
    }

    private static Result inspect(Path output) {
        StringWriter err = new StringWriter();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            CommandLine cli = Main.commandLine();
            cli.setErr(new PrintWriter(err, true));
            int code = cli.execute("inspect", output.toString());
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(stdout);
        }
    }

    @Test
    void countsOnlyCommittedShardsAndSaysWhatMadeThem() throws Exception {
        Path output = tmp.resolve("out");
        EmbedOutputFixtures.commitShard(output, "00000-aa", 3, EmbedOutputFixtures.PROVENANCE);
        EmbedOutputFixtures.commitShard(output, "00001-bb", 5, EmbedOutputFixtures.PROVENANCE);
        Files.delete(output.resolve("_committed/00001-bb.json"));

        Result r = inspect(output);
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("embeddings: 3\n"), r.out());
        assertTrue(r.out().contains("errors: 1 "), r.out());
        assertTrue(r.out().contains("made with: tiny (sha256 abababababab), pre"), r.out());
    }

    @Test
    void refusesAnOutputThatMixesModels() throws Exception {
        Path output = tmp.resolve("mixed");
        EmbedOutputFixtures.commitShard(output, "00000-aa", 2, EmbedOutputFixtures.PROVENANCE);
        EmbedOutputFixtures.commitShard(output, "00001-bb", 2,
                new Provenance(new ModelIdentity("other", "cd".repeat(32)), "pre", 8));

        Result r = inspect(output);
        assertEquals(1, r.exitCode());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("imgsearch: error: " + output + " mixes embeddings of two models"), r.err());
    }

    @Test
    void aTruncatedPartIsNamedInOneLine() throws Exception {
        Path output = tmp.resolve("torn");
        EmbedOutputFixtures.commitShard(output, "00000-aa", 2, EmbedOutputFixtures.PROVENANCE);
        Path part = output.resolve("embeddings/part-00000-aa.parquet");
        byte[] bytes = Files.readAllBytes(part);
        Files.write(part, java.util.Arrays.copyOf(bytes, bytes.length / 2));

        Result r = inspect(output);
        assertEquals(1, r.exitCode());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("cannot read embeddings file") && r.err().contains("part-00000-aa.parquet"),
                r.err());
    }
}
