package dev.imgsearch.jobs;

import dev.imgsearch.record.EmbeddingRecord;
import dev.imgsearch.record.RecordIds;
import dev.imgsearch.record.RecordParquetWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;

/** Embeddings output written directly, with random unit vectors: what the build job reads, without a model. */
public final class EmbeddingFixtures {

    public static final int DIM = 32;

    private EmbeddingFixtures() {
    }

    /** Writes {@code count} embedding rows for images {@code first..first+count-1} into one part file. */
    public static void writePart(Path output, String part, int first, int count, String imageVersion) throws IOException {
        writePart(output, part, IntStream.range(first, first + count).toArray(), imageVersion, DIM,
                new Random(first * 31L + imageVersion.hashCode()));
    }

    /** Writes one row of {@code dimension} for each of {@code images} into one part file. */
    public static void writePart(Path output, String part, int[] images, int dimension) throws IOException {
        writePart(output, part, images, "v1", dimension, new Random(part.hashCode()));
    }

    private static void writePart(Path output, String part, int[] images, String imageVersion, int dimension,
            Random random) throws IOException {
        Path file = output.resolve("embeddings").resolve("part-" + part + ".parquet");
        Files.createDirectories(file.getParent());
        try (RecordParquetWriter writer = RecordParquetWriter.forEmbeddings(
                new org.apache.hadoop.fs.Path(file.toUri()), new Configuration())) {
            for (int i : images) {
                String uri = uri(i);
                float[] v = new float[dimension];
                double norm = 0;
                for (int d = 0; d < dimension; d++) {
                    v[d] = (float) random.nextGaussian();
                    norm += v[d] * v[d];
                }
                for (int d = 0; d < dimension; d++) {
                    v[d] /= (float) Math.sqrt(norm);
                }
                String sha = RecordIds.sha256Hex((uri + imageVersion).getBytes());
                writer.write(new EmbeddingRecord(RecordIds.forUri(uri), uri, 64, 48, sha, "test-model", v,
                        i % 2 == 0 ? "caption " + i : null));
            }
        }
    }

    /** The source of image {@code i}, whose id is {@code RecordIds.forUri} of it. */
    public static String uri(int i) {
        return "file:/images/img-" + i + ".png";
    }

}
