package dev.imgsearch.record;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Rows read back exactly as written, from our writer and from Parquet laid out the other ways writers lay it out. */
class RecordParquetReaderTest {

    private static final Configuration CONF = new Configuration();

    @TempDir
    java.nio.file.Path tmp;

    @Test
    void everyFieldOfEveryRowReadsBackAsWritten() throws IOException {
        List<EmbeddingRecord> written = List.of(
                new EmbeddingRecord("a", "s3a://bucket/a.jpg", 640, 480, "sha-a", "clip-vit-b-32",
                        new float[] {0.25f, -1.5f, 3e-8f}, "a cat", "cats", "{\"k\":1}", 1024L, 77L),
                new EmbeddingRecord("b", "file:/b.png", 1, 2, "sha-b", "clip-vit-b-32", new float[] {1f, 2f, 3f},
                        null),
                new EmbeddingRecord("c", "file:/c.png", 3, 4, "sha-c", "clip-vit-b-32", new float[1000], "x"));
        Path file = path("embeddings.parquet");
        try (RecordParquetWriter writer = RecordParquetWriter.forEmbeddings(file, CONF)) {
            for (EmbeddingRecord record : written) {
                writer.write(record);
            }
        }
        List<EmbeddingRecord> read = readAll(file);
        assertEquals(written.size(), read.size());
        for (int i = 0; i < written.size(); i++) {
            EmbeddingRecord expected = written.get(i);
            EmbeddingRecord actual = read.get(i);
            assertArrayEquals(expected.embedding(), actual.embedding(), 0f, expected.id());
            assertEquals(expected, new EmbeddingRecord(actual.id(), actual.uri(), actual.width(), actual.height(),
                    actual.sha256(), actual.model(), expected.embedding(), actual.caption(), actual.label(),
                    actual.metadata(), actual.sourceOffset(), actual.sourceLength()), expected.id());
        }
    }

    @Test
    void anOlderOutputWithoutTheLaterColumnsAndATwoLevelListReadsThemAsNull() throws IOException {
        MessageType older = Types.buildMessage()
                .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("id")
                .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("uri")
                .required(PrimitiveTypeName.INT32).named("width")
                .required(PrimitiveTypeName.INT32).named("height")
                .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("sha256")
                .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("model")
                .requiredGroup().as(LogicalTypeAnnotation.listType())
                .repeated(PrimitiveTypeName.FLOAT).named("array").named("embedding")
                .optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("caption")
                .named("older");
        Path file = path("older.parquet");
        SimpleGroupFactory groups = new SimpleGroupFactory(older);
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(file).withConf(CONF)
                .withType(older).build()) {
            for (int row = 0; row < 2; row++) {
                Group group = groups.newGroup().append("id", "id-" + row).append("uri", "file:/" + row + ".jpg")
                        .append("width", 10 + row).append("height", 20).append("sha256", "sha-" + row)
                        .append("model", "m");
                Group list = group.addGroup("embedding");
                list.append("array", row + 0.5f).append("array", -row - 0.5f);
                if (row == 0) {
                    group.append("caption", "first");
                }
                writer.write(group);
            }
        }
        List<EmbeddingRecord> read = readAll(file);
        assertEquals(2, read.size());
        assertEquals("id-1", read.get(1).id());
        assertEquals(11, read.get(1).width());
        assertArrayEquals(new float[] {1.5f, -1.5f}, read.get(1).embedding());
        assertEquals("first", read.get(0).caption());
        assertNull(read.get(1).caption(), "a row's null must not keep the row before's value");
        assertNull(read.get(0).label());
        assertNull(read.get(0).sourceOffset());
    }

    @Test
    void errorRowsReadBack() throws IOException {
        Path file = path("errors.parquet");
        FailedImage failure = new FailedImage("x", "file:/x.jpg", "decode", "truncated JPEG");
        try (RecordParquetWriter writer = RecordParquetWriter.forErrors(file, CONF)) {
            writer.write(failure);
        }
        try (RecordParquetReader reader = new RecordParquetReader(file, CONF)) {
            assertEquals(failure, reader.nextFailure());
            assertNull(reader.nextFailure());
        }
    }

    @Test
    void aMissingFileFailsAtOpen() {
        assertThrows(IOException.class, () -> new RecordParquetReader(path("absent.parquet"), CONF));
    }

    private List<EmbeddingRecord> readAll(Path file) throws IOException {
        List<EmbeddingRecord> read = new ArrayList<>();
        try (RecordParquetReader reader = new RecordParquetReader(file, CONF)) {
            for (EmbeddingRecord record = reader.nextEmbedding(); record != null; record = reader.nextEmbedding()) {
                read.add(record);
            }
        }
        return read;
    }

    private Path path(String name) {
        return new Path(tmp.resolve(name).toUri());
    }
}
