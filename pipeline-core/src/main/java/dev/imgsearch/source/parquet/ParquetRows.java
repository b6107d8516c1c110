package dev.imgsearch.source.parquet;

import dev.imgsearch.source.SourceItem;
import dev.imgsearch.source.SourceOptions;

import org.apache.parquet.example.data.Group;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Which columns of a Parquet file to read and how a row becomes a {@link SourceItem}. The image column is either
 * binary or the datasets library's {@code {bytes, path}} struct; other top-level scalar columns (numbers, booleans,
 * strings) become {@link SourceItem#fields()} as text; nested, list and non-text binary columns are not read.
 */
final class ParquetRows {

    static final String DEFAULT_CAPTION_COLUMN = "caption";

    private final MessageType projection;
    private final String imageColumn;
    private final boolean imageIsStruct;
    private final String captionColumn;
    private final List<PrimitiveType> fieldColumns;

    private ParquetRows(MessageType projection, String imageColumn, boolean imageIsStruct, String captionColumn,
                        List<PrimitiveType> fieldColumns) {
        this.projection = projection;
        this.imageColumn = imageColumn;
        this.imageIsStruct = imageIsStruct;
        this.captionColumn = captionColumn;
        this.fieldColumns = fieldColumns;
    }

    static ParquetRows forSchema(MessageType schema, SourceOptions options, String file) throws IOException {
        String image = options.imageColumn();
        if (!schema.containsField(image)) {
            throw new IOException("no image column '" + image + "' in " + file + " (columns: " + columnNames(schema)
                    + "); choose one with the image column option");
        }
        Type imageType = schema.getType(image);
        boolean struct = isImageStruct(imageType);
        if (imageType.isRepetition(Type.Repetition.REPEATED) || !(struct || isBinary(imageType))) {
            throw new IOException("image column '" + image + "' in " + file
                    + " is neither binary nor a {bytes, path} struct: " + imageType.toString().trim());
        }
        String caption = captionColumn(schema, options, file);
        List<Type> selected = new ArrayList<>();
        List<PrimitiveType> fields = new ArrayList<>();
        for (Type type : schema.getFields()) {
            String name = type.getName();
            if (name.equals(image) || name.equals(caption)) {
                selected.add(type);
            } else if (isScalar(type)) {
                selected.add(type);
                fields.add(type.asPrimitiveType());
            }
        }
        return new ParquetRows(new MessageType(schema.getName(), selected), image, struct, caption, fields);
    }

    MessageType projection() {
        return projection;
    }

    SourceItem toItem(Group row, String uri) {
        String caption = captionColumn != null && row.getFieldRepetitionCount(captionColumn) > 0
                ? row.getString(captionColumn, 0) : null;
        Map<String, String> fields = new LinkedHashMap<>();
        for (PrimitiveType column : fieldColumns) {
            if (row.getFieldRepetitionCount(column.getName()) > 0) {
                fields.put(column.getName(), text(row, column));
            }
        }
        if (row.getFieldRepetitionCount(imageColumn) == 0) {
            return SourceItem.unreadable(uri, "null image", caption, fields);
        }
        if (!imageIsStruct) {
            return SourceItem.read(uri, row.getBinary(imageColumn, 0).getBytes(), caption, fields);
        }
        Group image = row.getGroup(imageColumn, 0);
        if (image.getFieldRepetitionCount("bytes") > 0) {
            return SourceItem.read(uri, image.getBinary("bytes", 0).getBytes(), caption, fields);
        }
        boolean hasPath = image.getType().containsField("path") && image.getFieldRepetitionCount("path") > 0;
        return SourceItem.unreadable(uri, hasPath
                ? "image has no bytes, only a path outside the dataset: " + image.getString("path", 0)
                : "null image", caption, fields);
    }

    private static String captionColumn(MessageType schema, SourceOptions options, String file) throws IOException {
        String wanted = options.captionColumn();
        if (wanted == null) {
            return schema.containsField(DEFAULT_CAPTION_COLUMN) && isText(schema.getType(DEFAULT_CAPTION_COLUMN))
                    ? DEFAULT_CAPTION_COLUMN : null;
        }
        if (!schema.containsField(wanted) || !isText(schema.getType(wanted))) {
            throw new IOException("no string caption column '" + wanted + "' in " + file + " (columns: "
                    + columnNames(schema) + ")");
        }
        return wanted;
    }

    private static String text(Group row, PrimitiveType column) {
        String name = column.getName();
        return switch (column.getPrimitiveTypeName()) {
            case BOOLEAN -> Boolean.toString(row.getBoolean(name, 0));
            case INT32 -> Integer.toString(row.getInteger(name, 0));
            case INT64 -> Long.toString(row.getLong(name, 0));
            case FLOAT -> Float.toString(row.getFloat(name, 0));
            case DOUBLE -> Double.toString(row.getDouble(name, 0));
            default -> row.getString(name, 0);
        };
    }

    private static boolean isImageStruct(Type type) {
        if (type.isPrimitive()) {
            return false;
        }
        GroupType group = type.asGroupType();
        return group.containsField("bytes") && isBinary(group.getType("bytes"));
    }

    private static boolean isBinary(Type type) {
        return type.isPrimitive() && type.asPrimitiveType().getPrimitiveTypeName() == PrimitiveTypeName.BINARY;
    }

    private static boolean isText(Type type) {
        if (!isBinary(type) || type.isRepetition(Type.Repetition.REPEATED)) {
            return false;
        }
        LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
        return logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
                || logical instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
                || logical instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation;
    }

    private static boolean isScalar(Type type) {
        if (!type.isPrimitive() || type.isRepetition(Type.Repetition.REPEATED)) {
            return false;
        }
        return switch (type.asPrimitiveType().getPrimitiveTypeName()) {
            case BOOLEAN, INT32, INT64, FLOAT, DOUBLE -> true;
            case BINARY -> isText(type);
            default -> false;
        };
    }

    private static String columnNames(MessageType schema) {
        return schema.getFields().stream().map(Type::getName).collect(Collectors.joining(", "));
    }
}
