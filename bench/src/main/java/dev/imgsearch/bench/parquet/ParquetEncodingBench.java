package dev.imgsearch.bench.parquet;

import dev.imgsearch.record.EmbeddingRecord;
import dev.imgsearch.record.RecordParquetWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * Write cost of the embedding column: the output's LIST<FLOAT> (what the embed job writes) against a binary column
 * holding the same float32 little-endian bytes, each through parquet-hadoop as the job uses it.
 *
 * Run by bench/parquet/run.sh; arguments: ROWS DIM OUTDIR.
 */
public final class ParquetEncodingBench {

    static final MessageType BINARY = Types.buildMessage()
            .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("id")
            .required(PrimitiveTypeName.BINARY).named("embedding")
            .named("embedding_binary");

    public static void main(String[] args) throws Exception {
        int rows = Integer.parseInt(args[0]);
        int dim = Integer.parseInt(args[1]);
        Path out = Path.of(args[2]);
        Files.createDirectories(out);
        float[][] vectors = new float[1000][dim];
        Random random = new Random(1);
        for (float[] v : vectors) {
            for (int i = 0; i < dim; i++) {
                v[i] = (float) random.nextGaussian();
            }
        }
        Configuration conf = new Configuration();
        for (int round = 0; round < 2; round++) {
            Path listFile = out.resolve("list.parquet");
            long t0 = System.nanoTime();
            try (RecordParquetWriter w = RecordParquetWriter.forEmbeddings(
                    new org.apache.hadoop.fs.Path(listFile.toUri()), conf)) {
                for (int r = 0; r < rows; r++) {
                    w.write(new EmbeddingRecord("id-" + r, "file:/x/" + r, 1, 1, "0", "m", vectors[r % 1000], null));
                }
            }
            double listSeconds = (System.nanoTime() - t0) / 1e9;

            Path binFile = out.resolve("binary.parquet");
            SimpleGroupFactory groups = new SimpleGroupFactory(BINARY);
            ByteBuffer buffer = ByteBuffer.allocate(dim * 4).order(ByteOrder.LITTLE_ENDIAN);
            t0 = System.nanoTime();
            try (ParquetWriter<Group> w = ExampleParquetWriter.builder(
                            HadoopOutputFile.fromPath(new org.apache.hadoop.fs.Path(binFile.toUri()), conf))
                    .withType(BINARY).withConf(conf).withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                    .withCompressionCodec(CompressionCodecName.SNAPPY).build()) {
                for (int r = 0; r < rows; r++) {
                    buffer.clear();
                    buffer.asFloatBuffer().put(vectors[r % 1000]);
                    w.write(groups.newGroup().append("id", "id-" + r)
                            .append("embedding", Binary.fromConstantByteArray(buffer.array().clone())));
                }
            }
            double binSeconds = (System.nanoTime() - t0) / 1e9;
            double scale = 1_000_000.0 / rows;
            System.out.printf("round %d: %d x %d floats: list<float> %.1f s (%.1f s per 1M, %d MB), binary %.1f s "
                    + "(%.1f s per 1M, %d MB)%n", round, rows, dim, listSeconds, listSeconds * scale,
                    Files.size(listFile) >> 20, binSeconds, binSeconds * scale, Files.size(binFile) >> 20);
        }
    }
}
