package dev.imgsearch.bench.store;

import dev.imgsearch.record.EmbeddingRecord;
import dev.imgsearch.record.RecordIds;
import dev.imgsearch.record.RecordParquetWriter;
import java.io.BufferedWriter;
import java.io.DataOutputStream;
import java.io.FileOutputStream;
import java.io.BufferedOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;

/**
 * Writes N clustered unit vectors as an embed job's output (OUT/embeddings/part-*.parquet, what `imgsearch build`
 * reads) and the same records for other clients: OUT/vectors.f32 (little-endian float32) and OUT/records.tsv
 * (id, uri, sha256). 1000 Gaussian centres, noise sigma 0.5 per component, as bench/store's StoreBench.
 *
 * Run by bench/store/ingest.sh; arguments: N DIM OUT.
 */
public final class MakeEmbeddings {
    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        int dim = Integer.parseInt(args[1]);
        Path out = Path.of(args[2]);
        Files.createDirectories(out.resolve("embeddings"));
        Random random = new Random(7);
        float[][] centres = new float[1000][dim];
        for (float[] c : centres) {
            for (int i = 0; i < dim; i++) {
                c[i] = (float) random.nextGaussian();
            }
        }
        Configuration conf = new Configuration();
        ByteBuffer bytes = ByteBuffer.allocate(dim * 4).order(ByteOrder.LITTLE_ENDIAN);
        RecordParquetWriter writer = null;
        try (DataOutputStream raw = new DataOutputStream(new BufferedOutputStream(
                        new FileOutputStream(out.resolve("vectors.f32").toFile()), 1 << 20));
                BufferedWriter tsv = Files.newBufferedWriter(out.resolve("records.tsv"))) {
            for (int r = 0; r < n; r++) {
                if (r % 10_000 == 0) {
                    if (writer != null) {
                        writer.close();
                    }
                    writer = RecordParquetWriter.forEmbeddings(new org.apache.hadoop.fs.Path(
                            out.resolve("embeddings").resolve(String.format("part-%05d.parquet", r / 10_000)).toUri()),
                            conf);
                }
                float[] centre = centres[random.nextInt(centres.length)];
                float[] v = new float[dim];
                double norm = 0;
                for (int i = 0; i < dim; i++) {
                    v[i] = centre[i] + (float) (0.5 * random.nextGaussian());
                    norm += v[i] * v[i];
                }
                for (int i = 0; i < dim; i++) {
                    v[i] /= (float) Math.sqrt(norm);
                }
                String uri = "file:/bench/img-" + r + ".png";
                String sha = RecordIds.sha256Hex(uri.getBytes());
                writer.write(new EmbeddingRecord(RecordIds.forUri(uri), uri, 640, 480, sha, "bench", v, null));
                bytes.clear();
                bytes.asFloatBuffer().put(v);
                raw.write(bytes.array());
                tsv.write(RecordIds.forUri(uri) + "\t" + uri + "\t" + sha + "\n");
            }
        } finally {
            if (writer != null) {
                writer.close();
            }
        }
    }
}
