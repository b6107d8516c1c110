package dev.imgsearch.source.parquet;

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
import java.util.Map;
import java.util.Random;

/** Small Parquet files shaped like the datasets library writes them, made with parquet-hadoop's example writer. */
public final class ParquetFixtures {

    /** The Hub's Parquet export of an image dataset: {@code image: struct<bytes, path>}, a caption and a class label. */
    public static final MessageType HF_SCHEMA = MessageTypeParser.parseMessageType("""
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
    public static final MessageType BINARY_SCHEMA = MessageTypeParser.parseMessageType("""
            message schema {
              required binary img;
              optional binary text (STRING);
              required int32 width;
              optional boolean flagged;
            }""");

    /** One row: image bytes (null for a null image), an optional path-only image, caption, label. */
    public record Row(byte[] image, String pathOnly, String caption, long label) {
    }

    private ParquetFixtures() {
    }

    public static byte[] image(int seed, int size) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Rows with distinct random images; every {@code nullEvery}-th row (if positive) has a null image. */
    public static List<Row> rows(int count, int imageSize, int seedBase, int nullEvery) {
        return java.util.stream.IntStream.range(0, count)
                .mapToObj(i -> new Row(nullEvery > 0 && i % nullEvery == nullEvery - 1 ? null
                        : image(seedBase + i, imageSize), null, "caption " + (seedBase + i), seedBase + i))
                .toList();
    }

    public static void writeHf(Path file, List<Row> rows, int rowsPerGroup) throws IOException {
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

    public static void writeBinary(Path file, List<Row> rows, int rowsPerGroup) throws IOException {
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

    /** The datasets library's {@code huggingface} file metadata: an Image feature, a ClassLabel with names. */
    public static final String FEATURES = "{\"info\": {\"features\": {\"picture\": {\"_type\": \"Image\"},"
            + " \"label\": {\"names\": [\"cat\", \"dog\"], \"_type\": \"ClassLabel\"},"
            + " \"caption\": {\"dtype\": \"string\", \"_type\": \"Value\"}}}}";

    /** As the datasets library writes a dataset whose image column is named {@code picture}: label 0 or 1. */
    public static void writeDatasetsLibrary(Path file, List<Row> rows) throws IOException {
        Files.createDirectories(file.getParent());
        MessageType schema = MessageTypeParser.parseMessageType("""
                message schema {
                  optional group picture { optional binary bytes; optional binary path (STRING); }
                  optional binary caption (STRING);
                  optional int64 label;
                  optional double score;
                }""");
        SimpleGroupFactory groups = new SimpleGroupFactory(schema);
        try (ParquetWriter<Group> writer = new WithFileMetadata(HadoopOutputFile.fromPath(
                        new org.apache.hadoop.fs.Path(file.toUri()), new org.apache.hadoop.conf.Configuration()),
                schema, Map.of("huggingface", FEATURES)).withWriteMode(ParquetFileWriter.Mode.OVERWRITE).build()) {
            for (Row row : rows) {
                Group g = groups.newGroup();
                g.addGroup("picture").append("bytes", Binary.fromConstantByteArray(row.image()));
                g.append("caption", row.caption()).append("label", row.label() % 2).append("score", row.label() / 2.0);
                writer.write(g);
            }
        }
    }

    /** Groups written with key-value file metadata, by what Parquet 1.13 (Spark 3.5) has too. */
    private static final class WithFileMetadata extends ParquetWriter.Builder<Group, WithFileMetadata> {
        private final MessageType schema;
        private final Map<String, String> metadata;

        WithFileMetadata(org.apache.parquet.io.OutputFile file, MessageType schema, Map<String, String> metadata) {
            super(file);
            this.schema = schema;
            this.metadata = metadata;
        }

        @Override
        protected WithFileMetadata self() {
            return this;
        }

        @Override
        protected org.apache.parquet.hadoop.api.WriteSupport<Group> getWriteSupport(
                org.apache.hadoop.conf.Configuration conf) {
            return new org.apache.parquet.hadoop.api.WriteSupport<>() {
                private org.apache.parquet.example.data.GroupWriter writer;

                @Override
                public WriteContext init(org.apache.hadoop.conf.Configuration configuration) {
                    return new WriteContext(schema, metadata);
                }

                @Override
                public void prepareForWrite(org.apache.parquet.io.api.RecordConsumer consumer) {
                    writer = new org.apache.parquet.example.data.GroupWriter(consumer, schema);
                }

                @Override
                public void write(Group record) {
                    writer.write(record);
                }
            };
        }
    }

    /** A table of image URLs, as img2dataset takes for input. */
    public static void writeUrls(Path file) throws IOException {
        MessageType schema = MessageTypeParser.parseMessageType(
                "message schema { optional binary url (STRING); optional binary caption (STRING); }");
        try (ParquetWriter<Group> writer = writer(file, schema, 10)) {
            writer.write(new SimpleGroupFactory(schema).newGroup().append("url", "https://example.com/a.jpg")
                    .append("caption", "a"));
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
