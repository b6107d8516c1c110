package dev.imgsearch.record;

import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.api.InitContext;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

import java.util.Arrays;
import java.util.Map;

/**
 * Materialises embedding rows straight into {@link EmbeddingRecord}s. Parquet's generic {@code Group} rows make one
 * object per list element (512 per CLIP row), which made reading a 1M-row output on one core take minutes; here the
 * floats go into one growing array. The embedding's list may be nested either way Parquet writers do (3-level
 * {@code list/element}, or 2-level): every float leaf under it is the next component. Columns an older output lacks
 * read as null, as they did.
 */
final class EmbeddingReadSupport extends ReadSupport<EmbeddingRecord> {

    @Override
    public ReadContext init(InitContext context) {
        return new ReadContext(context.getFileSchema());
    }

    @Override
    public RecordMaterializer<EmbeddingRecord> prepareForRead(Configuration conf, Map<String, String> metadata,
                                                              MessageType fileSchema, ReadContext readContext) {
        return new Materializer(readContext.getRequestedSchema());
    }

    private static final class Materializer extends RecordMaterializer<EmbeddingRecord> {
        private final Row row;

        Materializer(MessageType schema) {
            this.row = new Row(schema);
        }

        @Override
        public EmbeddingRecord getCurrentRecord() {
            return row.record();
        }

        @Override
        public GroupConverter getRootConverter() {
            return row;
        }
    }

    /** One row's fields as they stream in, by column position. */
    private static final class Row extends GroupConverter {
        private final Converter[] fields;
        private final Object[] values;
        private final int[] index = new int[Field.values().length];
        private float[] embedding = new float[512];
        private int dimension;

        Row(GroupType schema) {
            fields = new Converter[schema.getFieldCount()];
            values = new Object[schema.getFieldCount()];
            Arrays.fill(index, -1);
            for (int i = 0; i < fields.length; i++) {
                Type field = schema.getType(i);
                Field known = Field.named(field.getName());
                if (known != null) {
                    index[known.ordinal()] = i;
                }
                fields[i] = known == Field.EMBEDDING ? floats(field) : value(i);
            }
        }

        private Converter value(int position) {
            return new PrimitiveConverter() {
                @Override
                public void addBinary(Binary value) {
                    values[position] = value.toStringUsingUTF8();
                }

                @Override
                public void addInt(int value) {
                    values[position] = value;
                }

                @Override
                public void addLong(long value) {
                    values[position] = value;
                }
            };
        }

        private Converter floats(Type type) {
            if (type.isPrimitive()) {
                return new PrimitiveConverter() {
                    @Override
                    public void addFloat(float value) {
                        if (dimension == embedding.length) {
                            embedding = Arrays.copyOf(embedding, dimension * 2);
                        }
                        embedding[dimension++] = value;
                    }
                };
            }
            GroupType group = type.asGroupType();
            Converter[] children = new Converter[group.getFieldCount()];
            for (int i = 0; i < children.length; i++) {
                children[i] = floats(group.getType(i));
            }
            return new GroupConverter() {
                @Override
                public Converter getConverter(int fieldIndex) {
                    return children[fieldIndex];
                }

                @Override
                public void start() {
                }

                @Override
                public void end() {
                }
            };
        }

        @Override
        public Converter getConverter(int fieldIndex) {
            return fields[fieldIndex];
        }

        @Override
        public void start() {
            Arrays.fill(values, null);
            dimension = 0;
        }

        @Override
        public void end() {
        }

        EmbeddingRecord record() {
            Integer width = (Integer) get(Field.WIDTH);
            Integer height = (Integer) get(Field.HEIGHT);
            return new EmbeddingRecord((String) get(Field.ID), (String) get(Field.URI), width == null ? 0 : width,
                    height == null ? 0 : height, (String) get(Field.SHA256), (String) get(Field.MODEL),
                    Arrays.copyOf(embedding, dimension), (String) get(Field.CAPTION), (String) get(Field.LABEL),
                    (String) get(Field.METADATA), (Long) get(Field.SOURCE_OFFSET), (Long) get(Field.SOURCE_LENGTH));
        }

        private Object get(Field field) {
            int position = index[field.ordinal()];
            return position < 0 ? null : values[position];
        }
    }

    /** The columns of {@link EmbeddingParquet#EMBEDDINGS} this reader fills. */
    private enum Field {
        ID("id"), URI("uri"), WIDTH("width"), HEIGHT("height"), SHA256("sha256"), MODEL("model"),
        EMBEDDING("embedding"), CAPTION("caption"), LABEL("label"), METADATA("metadata"),
        SOURCE_OFFSET("source_offset"), SOURCE_LENGTH("source_length");

        private final String column;

        Field(String column) {
            this.column = column;
        }

        static Field named(String column) {
            for (Field field : values()) {
                if (field.column.equals(column)) {
                    return field;
                }
            }
            return null;
        }
    }
}
