package dev.imgsearch.bench.preprocess;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Decode + CLIP preprocessing per image over several builds of pipeline-core in one JVM, their passes alternating,
 * so that a change is measured against what it replaces under the same machine state (on a shared VM the speed of
 * separate JVMs drifts by more than most changes). Each build gets its own class loader over its classes folder and
 * the dependency jars. Run by bench/preprocess/ab.sh; arguments: FILE_LIST ROUNDS DEPENDENCY_PATH CLASSES_DIR...
 */
public final class AlternatingBench {

    private static final int WARM_ROUNDS = 2;

    private record Build(String name, Object decoder, Method decode, Object clip, Method toPixelValues) {

        static Build load(Path classes, List<URL> dependencies) throws Exception {
            List<URL> urls = new ArrayList<>();
            urls.add(classes.toUri().toURL());
            urls.addAll(dependencies);
            ClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
            Class<?> decoderClass = loader.loadClass("dev.imgsearch.decode.ImageDecoder");
            Class<?> clipClass = loader.loadClass("dev.imgsearch.preprocess.ClipPreprocessor");
            Class<?> imageClass = loader.loadClass("dev.imgsearch.decode.DecodedImage");
            return new Build(classes.toString(), decoderClass.getConstructor().newInstance(),
                    decoderClass.getMethod("decode", byte[].class),
                    clipClass.getMethod("openAiClip", int.class).invoke(null, 224),
                    clipClass.getMethod("toPixelValues", imageClass));
        }

        /** One pass over the files: thread CPU milliseconds per file (files that fail to decode count too). */
        double pass(byte[][] files, ThreadMXBean threads) throws IllegalAccessException {
            long start = threads.getCurrentThreadCpuTime();
            for (byte[] file : files) {
                try {
                    toPixelValues.invoke(clip, decode.invoke(decoder, (Object) file));
                } catch (InvocationTargetException e) {
                    // a file that fails to decode fails in every build
                }
            }
            return (threads.getCurrentThreadCpuTime() - start) / 1e6 / files.length;
        }
    }

    public static void main(String[] args) throws Exception {
        List<String> paths = Files.readAllLines(Path.of(args[0])).stream().filter(s -> !s.isBlank()).toList();
        int rounds = Integer.parseInt(args[1]);
        if (rounds <= WARM_ROUNDS) {
            throw new IllegalArgumentException("ROUNDS must exceed the " + WARM_ROUNDS + " warm-up rounds");
        }
        List<URL> dependencies = new ArrayList<>();
        for (String jar : args[2].split(":")) {
            dependencies.add(Path.of(jar).toUri().toURL());
        }
        List<Build> builds = new ArrayList<>();
        for (int i = 3; i < args.length; i++) {
            builds.add(Build.load(Path.of(args[i]), dependencies));
        }
        byte[][] files = new byte[paths.size()][];
        for (int i = 0; i < files.length; i++) {
            files[i] = Files.readAllBytes(Path.of(paths.get(i)));
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double[] sums = new double[builds.size()];
        for (int round = 1; round <= rounds; round++) {
            StringBuilder line = new StringBuilder("round " + round + " (ms per image, cpu):");
            for (int b = 0; b < builds.size(); b++) {
                double ms = builds.get(b).pass(files, threads);
                if (round > WARM_ROUNDS) {
                    sums[b] += ms;
                }
                line.append(String.format(" %.3f", ms));
            }
            System.out.println(line);
        }
        for (int b = 0; b < builds.size(); b++) {
            System.out.printf("mean of rounds %d-%d: %.3f ms per image (cpu)  %s%n", WARM_ROUNDS + 1, rounds,
                    sums[b] / (rounds - WARM_ROUNDS), builds.get(b).name);
        }
    }
}
