package dev.imgsearch.source;

import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** Small Parquet files shaped like the datasets library writes them, made with parquet-hadoop's example writer. */
final class ParquetFixtures {

    /** The Hub's Parquet export of an image dataset: {@code image: struct<bytes, path>}, a caption and a class label. */
    static final MessageType HF_SCHEMA = MessageTypeParser.parseMessageType("""
            message schema {
              optional group image {
                optional binary bytes;
                optional binary path (STRING);
              }
              optional binary caption (STRING);
              optional int64 label;
              optional group tags (LIST) {
                repeated group list { optional binary element (STRING); }
              }
            }""");

    /** A plain table with a binary image column. */
    static final MessageType BINARY_SCHEMA = MessageTypeParser.parseMessageType("""
            message schema {
              required binary img;
              optional binary text (STRING);
              required int32 width;
              optional boolean flagged;
            }""");

    /** One row: image bytes (null for a null image), an optional path-only image, caption, label. */
    record Row(byte[] image, String pathOnly, String caption, long label) {
    }

    private ParquetFixtures() {
    }

    static byte[] image(int seed, int size) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Rows with distinct random images; every {@code nullEvery}-th row (if positive) has a null image. */
    static List<Row> rows(int count, int imageSize, int seedBase, int nullEvery) {
        return java.util.stream.IntStream.range(0, count)
                .mapToObj(i -> new Row(nullEvery > 0 && i % nullEvery == nullEvery - 1 ? null
                        : image(seedBase + i, imageSize), null, "caption " + (seedBase + i), seedBase + i))
                .toList();
    }

    static void writeHf(Path file, List<Row> rows, int rowsPerGroup) throws IOException {
        Files.createDirectories(file.getParent());
        SimpleGroupFactory groups = new SimpleGroupFactory(HF_SCHEMA);
        try (ParquetWriter<Group> writer = writer(file, HF_SCHEMA, rowsPerGroup)) {
            for (Row row : rows) {
                Group g = groups.newGroup();
                if (row.image() != null) {
                    g.addGroup("image").append("bytes", Binary.fromConstantByteArray(row.image()))
                            .append("path", "img" + row.label() + ".png");
                } else if (row.pathOnly() != null) {
                    g.addGroup("image").append("path", row.pathOnly());
                }
                if (row.caption() != null) {
                    g.append("caption", row.caption());
                }
                g.append("label", row.label());
                g.addGroup("tags").addGroup("list").append("element", "t" + row.label());
                writer.write(g);
            }
        }
    }

    static void writeBinary(Path file, List<Row> rows, int rowsPerGroup) throws IOException {
        Files.createDirectories(file.getParent());
        SimpleGroupFactory groups = new SimpleGroupFactory(BINARY_SCHEMA);
        try (ParquetWriter<Group> writer = writer(file, BINARY_SCHEMA, rowsPerGroup)) {
            for (Row row : rows) {
                Group g = groups.newGroup()
                        .append("img", Binary.fromConstantByteArray(row.image()))
                        .append("width", (int) row.label());
                if (row.caption() != null) {
                    g.append("text", row.caption());
                }
                writer.write(g);
            }
        }
    }

    private static ParquetWriter<Group> writer(Path file, MessageType schema, int rowsPerGroup) throws IOException {
        // Written with what Parquet 1.13 (Spark 3.5) has too: Hadoop's output file, not LocalOutputFile, and a row
        // group closed by the size check that runs every rowsPerGroup rows, not by a row count limit.
        return ExampleParquetWriter.builder(HadoopOutputFile.fromPath(
                        new org.apache.hadoop.fs.Path(file.toUri()), new org.apache.hadoop.conf.Configuration()))
                .withType(schema)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .withRowGroupSize(1L)
                .withMinRowCountForPageSizeCheck(rowsPerGroup)
                .withMaxRowCountForPageSizeCheck(rowsPerGroup)
                .withDictionaryEncoding(false)
                .build();
    }
}
