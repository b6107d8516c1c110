package dev.imgsearch.store.lucene.similarity;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which kernels a JVM gets, by its flags: each case is a JVM of its own, since the choice is made once per JVM. */
class FloatSimilaritiesTest {

    @Test
    void withTheModuleAndC2TheKernelsAreSimd() throws Exception {
        String chosen = chosenIn("--add-modules=jdk.incubator.vector");
        assertTrue(chosen.startsWith("VectorApiFloatSimilarity\tLucene vectors: SIMD (jdk.incubator.vector, "), chosen);
    }

    @Test
    void withoutTheModuleTheKernelsAreScalarAndTheLogNamesTheFlag() throws Exception {
        assertEquals("ScalarFloatSimilarity\tLucene vectors: scalar similarity, without SIMD: "
                + "start the JVM with --add-modules jdk.incubator.vector to enable it", chosenIn());
    }

    @Test
    void withoutC2TheKernelsAreScalarEvenWithTheModule() throws Exception {
        assertEquals("ScalarFloatSimilarity\tLucene vectors: scalar similarity, without SIMD: "
                        + "-XX:TieredStopAtLevel=1 turns off the C2 compiler that SIMD needs",
                chosenIn("--add-modules=jdk.incubator.vector", "-XX:TieredStopAtLevel=1"));
    }

    /** Prints the chosen kernels' class and the note logged about them. */
    public static final class PrintChoice {
        public static void main(String[] args) {
            FloatSimilarities.Choice choice = FloatSimilarities.choice();
            System.out.println(choice.similarity().getClass().getSimpleName() + "\t" + choice.note());
        }
    }

    private static String chosenIn(String... jvmFlags) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmFlags));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), PrintChoice.class.getName()));
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child JVM did not finish");
        assertEquals(0, child.exitValue(), out);
        List<String> lines = out.lines().filter(line -> !line.startsWith("SLF4J")).toList();
        assertEquals(1, lines.size(), out);
        return lines.get(0);
    }
}
