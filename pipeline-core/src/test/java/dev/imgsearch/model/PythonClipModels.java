package dev.imgsearch.model;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Models made for a test by {@code tools/clip_model.py} with Debian's python3-torch (installed by
 * {@code .ci/install-test-deps.sh}): those too large to commit, and variants of the tiny one.
 */
final class PythonClipModels {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path TOOL = Path.of("../tools/clip_model.py");

    private PythonClipModels() {
    }

    /** Runs {@code tools/clip_model.py ARGS...} and fails the test with its output if it does not succeed. */
    static void run(String... args) throws IOException, InterruptedException {
        if (!Files.isExecutable(PYTHON)) {
            fail("this test needs Debian's python3 with python3-torch at " + PYTHON
                    + ": install them with 'sudo apt-get install -y python3-torch' (or run .ci/install-test-deps.sh)");
        }
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), TOOL.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            fail(String.join(" ", command) + " failed:\n" + new String(output, StandardCharsets.UTF_8));
        }
    }

    /**
     * A random-weight model with CLIP ViT-B/32's text tower (12 layers, width 512, 8 heads, 77 tokens, 512-d output)
     * and a one-layer image tower, which the text tests do not use and which keeps the file at ~155 MB.
     */
    static Path vitB32SizedText(Path dir) throws IOException, InterruptedException {
        run("tiny", dir.toString(), "--dim", "512", "--width", "512", "--text-layers", "12", "--text-heads", "8",
                "--vision-width", "64", "--vision-layers", "1", "--vision-heads", "4");
        return dir;
    }
}
