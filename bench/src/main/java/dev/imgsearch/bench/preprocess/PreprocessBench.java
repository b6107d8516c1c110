package dev.imgsearch.bench.preprocess;

import dev.imgsearch.decode.DecodedImage;
import dev.imgsearch.decode.ImageDecodeException;
import dev.imgsearch.decode.ImageDecoder;
import dev.imgsearch.preprocess.ClipPreprocessor;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * Single-thread throughput of decode + resize + crop + convert + normalise over a list of files (read into memory
 * first, so disk time is excluded), in wall-clock and in the thread's CPU time (steadier on a shared machine), then
 * a SHA-256 of each 224x224 RGB result for comparison with preprocess_bench.py. Run by bench/preprocess/run.sh;
 * arguments: FILE_LIST OUT.tsv [passes].
 */
public final class PreprocessBench {

    public static void main(String[] args) throws Exception {
        List<String> paths = Files.readAllLines(Path.of(args[0])).stream().filter(s -> !s.isBlank()).toList();
        int passes = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        byte[][] files = new byte[paths.size()][];
        for (int i = 0; i < files.length; i++) {
            files[i] = Files.readAllBytes(Path.of(paths.get(i)));
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        ImageDecoder decoder = new ImageDecoder();
        ClipPreprocessor clip = ClipPreprocessor.openAiClip(224);
        for (int pass = 1; pass <= passes; pass++) {
            long start = System.nanoTime();
            long cpuStart = threads.getCurrentThreadCpuTime();
            int ok = 0;
            double checksum = 0;
            for (byte[] file : files) {
                try {
                    float[] pixels = clip.toPixelValues(decoder.decode(file));
                    checksum += pixels[pixels.length / 2];
                    ok++;
                } catch (ImageDecodeException e) {
                    // counted as failed; the same files fail in Python
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
            System.out.printf("java pass %d: %d files (%d decoded): wall %.2f s = %.1f images/s, "
                    + "cpu %.2f s = %.1f images/s (checksum %.3f)%n", pass, files.length, ok, seconds,
                    files.length / seconds, cpuSeconds, files.length / cpuSeconds, checksum);
        }
        // Where the time goes: the decode alone, in the thread's CPU time (with ImageIO, JPEG colour conversion happens in
        // the resize; libjpeg-turbo converts while decoding).
        long cpuStart = threads.getCurrentThreadCpuTime();
        for (byte[] file : files) {
            try {
                decoder.decode(file);
            } catch (ImageDecodeException e) {
                // as above
            }
        }
        double decodeMs = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e6 / files.length;
        System.out.printf("java decode only: %.2f ms per image (cpu)%n", decodeMs);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(Path.of(args[1])))) {
            for (int i = 0; i < files.length; i++) {
                String result;
                try {
                    DecodedImage image = decoder.decode(files[i]);
                    result = image.mode() + "\t" + HexFormat.of().formatHex(sha.digest(clip.toRgb(image)));
                } catch (ImageDecodeException e) {
                    result = "error\t" + e.getMessage();
                }
                out.println(paths.get(i) + "\t" + result);
            }
        }
    }
}
