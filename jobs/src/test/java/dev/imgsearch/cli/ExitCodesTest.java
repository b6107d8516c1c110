package dev.imgsearch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.stream.Stream;
import picocli.CommandLine;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The README's promise, command by command: a usage error exits 2, a runtime failure 1, each with one line. */
class ExitCodesTest {

    @TempDir
    static Path tmp;

    private static String err(int expected, String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        int code = cli.execute(args);
        assertEquals(expected, code, () -> String.join(" ", args) + " -> " + err);
        assertEquals(1, err.toString().strip().lines().count(), err::toString);
        return err.toString();
    }

    static Stream<Arguments> usageErrors() {
        return Stream.of(
                Arguments.of("embed", new String[] {"embed", "--input", "x", "--output", "y", "--batch-size", "0"}),
                Arguments.of("embed", new String[] {"embed", "--input", "x", "--output", "y", "--shard-index", "3"}),
                Arguments.of("build", new String[] {"build", "--embeddings", "x", "--store", "lucene:/x",
                    "--batch-size", "0"}),
                Arguments.of("validate", new String[] {"validate", "--embeddings", "x", "--store", "lucene:/x",
                    "--sample", "0"}),
                Arguments.of("validate", new String[] {"validate", "--embeddings", "x", "--store", "lucene:/x",
                    "-k", "0"}),
                Arguments.of("search", new String[] {"search", "cat", "--store", "lucene:/x", "-k", "0"}),
                Arguments.of("search", new String[] {"search", "cat", "--store", "lucene:/x", "--model",
                    "https://example.com/m.zip#sha256=nothex"}),
                Arguments.of("serve", new String[] {"serve", "--store", "lucene:/x", "--port", "70000"}),
                Arguments.of("inspect", new String[] {"inspect"}),
                Arguments.of("preprocess", new String[] {"preprocess", "x.png", "-o", "x.npy", "--mean", "1,2"}),
                Arguments.of("launch", new String[] {"launch", "embed", "--input", "x", "--output", "y", "--jobs",
                    "2", "--only", "5", "--yaml", "../skypilot/embed.yaml", "--dry-run"}));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("usageErrors")
    void usageErrorsExitTwo(String command, String[] args) {
        String line = err(2, args);
        assertTrue(line.startsWith("imgsearch: ") && line.contains("--help"), line);
    }

    static Stream<Arguments> failures() {
        String missing = tmp.resolve("missing").toString();
        return Stream.of(
                Arguments.of("embed", new String[] {"embed", "--input", missing, "--output", tmp.resolve("o").toString(),
                    "--master", "local[1]", "--conf", "spark.ui.enabled=false"}),
                Arguments.of("build", new String[] {"build", "--embeddings", missing, "--store",
                    "lucene:" + tmp.resolve("index"), "--master", "local[1]", "--conf", "spark.ui.enabled=false"}),
                Arguments.of("validate", new String[] {"validate", "--embeddings", missing, "--store",
                    "lucene:" + tmp.resolve("index")}),
                Arguments.of("inspect", new String[] {"inspect", missing}),
                Arguments.of("preprocess", new String[] {"preprocess", missing, "-o", tmp.resolve("x.npy").toString()}),
                Arguments.of("launch", new String[] {"launch", "embed", "--input", "x", "--output", "y", "--yaml",
                    missing}),
                Arguments.of("embed", new String[] {"embed", "--input", "x", "--output", "y", "--properties-file",
                    missing}));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("failures")
    void runtimeFailuresExitOne(String command, String[] args) {
        String line = err(1, args);
        assertTrue(line.startsWith("imgsearch: error: "), line);
    }
}
