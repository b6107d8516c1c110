package dev.imgsearch.bench.embed;

import dev.imgsearch.embed.ClipEmbedder;
import dev.imgsearch.embed.ShardEmbedder;
import dev.imgsearch.model.ClipModel;
import dev.imgsearch.record.RecordParquetWriter;
import dev.imgsearch.source.ImageSource;
import dev.imgsearch.source.ImageSources;
import dev.imgsearch.source.Shard;
import dev.imgsearch.source.SourceOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;

/**
 * The embed task's body ({@link ShardEmbedder}: read, SHA-256, decode, preprocess, model call, Parquet) against the
 * preprocessing alone, and the ways of spreading one GPU's work over several cores. Run by bench/embed/task.sh;
 * arguments: {@code INPUT_DIR MODEL_DIR SCRATCH_DIR MODE [CORES]}, where MODE is
 * <ul>
 *   <li>{@code per-task}: on one core, decode + preprocess of every image (files read into memory first), the model
 *       call alone (batches of prepared pixels), and whole shards through ShardEmbedder with one thread;</li>
 *   <li>{@code spread}: on CORES cores, one task with a preprocessing pool of CORES threads against CORES tasks of
 *       one thread each, run at once (Spark's many tasks per GPU), each over every shard of the input.</li>
 * </ul>
 * Each figure is the second of two passes (the first warms the JIT), in wall-clock images/s.
 */
public final class EmbedTaskBench {

    private static final int BATCH = 32;
    private static final int SHARD = 256;

    private final ImageSource source;
    private final List<Shard> shards;
    private final ClipEmbedder embedder;
    private final Path scratch;
    private int outputs;

    private EmbedTaskBench(ImageSource source, List<Shard> shards, ClipEmbedder embedder, Path scratch) {
        this.source = source;
        this.shards = shards;
        this.embedder = embedder;
        this.scratch = scratch;
    }

    public static void main(String[] args) throws Exception {
        ImageSource source = ImageSources.open(args[0], SourceOptions.defaults());
        List<Shard> shards = source.plan(SHARD).shards();
        try (ClipModel model = ClipModel.load(Path.of(args[1]))) {
            EmbedTaskBench bench = new EmbedTaskBench(source, shards, ClipEmbedder.of(model), Path.of(args[2]));
            switch (args[3]) {
                case "per-task" -> bench.perTask();
                case "spread" -> bench.spread(Integer.parseInt(args[4]));
                default -> throw new IllegalArgumentException("mode is per-task or spread, got " + args[3]);
            }
        }
    }

    private void perTask() throws Exception {
        List<byte[]> files = new ArrayList<>();
        for (Shard shard : shards) {
            try (var items = source.open(shard)) {
                items.forEachRemaining(item -> files.add(item.bytes()));
            }
        }
        double preprocess = 0;
        double model = 0;
        double task = 0;
        for (int pass = 1; pass <= 2; pass++) {
            long start = System.nanoTime();
            List<float[]> prepared = new ArrayList<>();
            for (byte[] file : files) {
                prepared.add(embedder.pixels(embedder.decode(file)));
                if (prepared.size() > BATCH) {
                    prepared.remove(0);
                }
            }
            preprocess = files.size() / seconds(start);
            float[][] batch = prepared.subList(0, BATCH).toArray(float[][]::new);
            start = System.nanoTime();
            for (int i = 0; i < files.size(); i += BATCH) {
                embedder.embedPixels(batch);
            }
            model = files.size() / seconds(start);
            start = System.nanoTime();
            long images = 0;
            for (Shard shard : shards) {
                images += embedShard(shard, 1);
            }
            task = images / seconds(start);
        }
        // The task's time per image less the model call's: what reading, hashing, preprocessing and Parquet cost.
        double withoutModel = 1 / (1 / task - 1 / model);
        System.out.printf("per-task: %d images, one core: preprocess only %.1f images/s, model call only %.1f "
                + "images/s, embed task %.1f images/s = %.0f%% of preprocess only; less its model call %.1f "
                + "images/s = %.0f%%%n", files.size(), preprocess, model, task, 100 * task / preprocess, withoutModel,
                100 * withoutModel / preprocess);
    }

    private void spread(int cores) throws Exception {
        double pooled = 0;
        double tasks = 0;
        for (int pass = 1; pass <= 2; pass++) {
            long start = System.nanoTime();
            long images = 0;
            for (Shard shard : shards) {
                images += embedShard(shard, cores);
            }
            pooled = images / seconds(start);
            start = System.nanoTime();
            images = 0;
            ExecutorService executor = Executors.newFixedThreadPool(cores);
            try {
                List<Future<Long>> done = new ArrayList<>();
                for (int t = 0; t < cores; t++) {
                    int task = t;
                    done.add(executor.submit(() -> {
                        long n = 0;
                        for (int s = task; s < shards.size(); s += cores) {
                            n += embedShard(shards.get(s), 1);
                        }
                        return n;
                    }));
                }
                for (Future<Long> f : done) {
                    images += f.get();
                }
            } finally {
                executor.shutdown();
            }
            tasks = images / seconds(start);
        }
        System.out.printf("spread over %d cores: one task with a pool of %d threads %.1f images/s, %d tasks of one "
                + "thread %.1f images/s (pool / tasks = %.2f)%n", cores, cores, pooled, cores, tasks, pooled / tasks);
    }

    /** One shard through ShardEmbedder into fresh Parquet files, as the embed task writes it; the rows it wrote. */
    private long embedShard(Shard shard, int threads) throws IOException {
        Path dir;
        synchronized (this) {
            dir = scratch.resolve("out-" + outputs++);
        }
        Files.createDirectories(dir);
        Configuration conf = new Configuration();
        ShardEmbedder.Counts counts;
        try (var items = source.open(shard);
                RecordParquetWriter embeddings = RecordParquetWriter.forEmbeddings(
                        new org.apache.hadoop.fs.Path(dir.resolve("e.parquet").toUri()), conf);
                RecordParquetWriter errors = RecordParquetWriter.forErrors(
                        new org.apache.hadoop.fs.Path(dir.resolve("f.parquet").toUri()), conf)) {
            counts = new ShardEmbedder(embedder, BATCH, threads).embed(items, embeddings, errors);
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        return counts.embedded() + counts.failed();
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
