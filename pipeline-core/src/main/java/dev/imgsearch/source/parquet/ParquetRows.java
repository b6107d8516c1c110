package dev.imgsearch.source.parquet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imgsearch.source.ItemInfo;
import dev.imgsearch.source.SourceItem;
import dev.imgsearch.source.SourceOptions;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.metadata.FileMetaData;
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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Which columns of a Parquet file to read and how a row becomes a {@link SourceItem}.
 * <ul>
 *   <li>The image column is the one the options name, else the feature of type {@code Image} in the file's
 *       {@code huggingface} metadata (what the datasets library and the Hub write), else the first of
 *       {@link #IMAGE_NAMES} (img2dataset writes {@code jpg}). It is binary or the {@code {bytes, path}} struct;
 *       a text column (URLs to download) is refused before any row is read.</li>
 *   <li>The caption is the column the options name, else the first text column of {@link #CAPTION_NAMES}.</li>
 *   <li>The label is a {@code ClassLabel} feature, given by its class name, else a scalar {@code label} column.</li>
 *   <li>Other top-level scalar columns (numbers, booleans, strings) become the item's metadata; nested, list and
 *       non-text binary columns are not read.</li>
 * </ul>
 */
final class ParquetRows {

    static final List<String> IMAGE_NAMES = List.of("image", "img", "jpg", "jpeg", "png", "webp");
    static final List<String> CAPTION_NAMES = List.of("caption", "text", "txt");
    private static final String LABEL = "label";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MessageType projection;
    private final String imageColumn;
    private final boolean imageIsStruct;
    private final String captionColumn;
    private final PrimitiveType labelColumn;
    private final List<String> labelNames;
    private final List<PrimitiveType> fieldColumns;

    private ParquetRows(MessageType projection, String imageColumn, boolean imageIsStruct, String captionColumn,
                        PrimitiveType labelColumn, List<String> labelNames, List<PrimitiveType> fieldColumns) {
        this.projection = projection;
        this.imageColumn = imageColumn;
        this.imageIsStruct = imageIsStruct;
        this.captionColumn = captionColumn;
        this.labelColumn = labelColumn;
        this.labelNames = labelNames;
        this.fieldColumns = fieldColumns;
    }

    static ParquetRows forFile(FileMetaData meta, SourceOptions options, String file) throws IOException {
        MessageType schema = meta.getSchema();
        JsonNode features = features(meta, file);
        String image = imageColumn(schema, features, options, file);
        Type imageType = schema.getType(image);
        boolean struct = isImageStruct(imageType);
        if (isText(imageType)) {
            throw new IOException("column '" + image + "' of " + file + " holds text (image URLs or paths), not image"
                    + " bytes: download the images first, e.g. with img2dataset, and embed its output");
        }
        if (imageType.isRepetition(Type.Repetition.REPEATED) || !(struct || isBinary(imageType))) {
            throw new IOException("image column '" + image + "' in " + file
                    + " is neither binary nor a {bytes, path} struct: " + imageType.toString().trim());
        }
        String caption = captionColumn(schema, options, file);
        String label = featureOfType(features, "ClassLabel").filter(schema::containsField)
                .orElse(schema.containsField(LABEL) ? LABEL : null);
        PrimitiveType labelType = label != null && isScalar(schema.getType(label)) ? schema.getType(label).asPrimitiveType() : null;
        List<String> names = new ArrayList<>();
        if (labelType != null) {
            features.path(labelType.getName()).path("names").forEach(n -> names.add(n.asText()));
        }
        List<Type> selected = new ArrayList<>();
        List<PrimitiveType> fields = new ArrayList<>();
        for (Type type : schema.getFields()) {
            String name = type.getName();
            if (name.equals(image) || name.equals(caption) || (labelType != null && name.equals(labelType.getName()))) {
                selected.add(type);
            } else if (isScalar(type)) {
                selected.add(type);
                fields.add(type.asPrimitiveType());
            }
        }
        return new ParquetRows(new MessageType(schema.getName(), selected), image, struct, caption, labelType,
                List.copyOf(names), fields);
    }

    MessageType projection() {
        return projection;
    }

    SourceItem toItem(Group row, String uri) {
        String caption = captionColumn != null && row.getFieldRepetitionCount(captionColumn) > 0
                ? row.getString(captionColumn, 0) : null;
        Map<String, Object> fields = new LinkedHashMap<>();
        for (PrimitiveType column : fieldColumns) {
            if (row.getFieldRepetitionCount(column.getName()) > 0) {
                fields.put(column.getName(), value(row, column));
            }
        }
        ItemInfo info = new ItemInfo(caption, label(row), fields, null);
        if (row.getFieldRepetitionCount(imageColumn) == 0) {
            return SourceItem.unreadable(uri, "null image", info);
        }
        if (!imageIsStruct) {
            return SourceItem.read(uri, row.getBinary(imageColumn, 0).getBytes(), info);
        }
        Group image = row.getGroup(imageColumn, 0);
        if (image.getFieldRepetitionCount("bytes") > 0) {
            return SourceItem.read(uri, image.getBinary("bytes", 0).getBytes(), info);
        }
        boolean hasPath = image.getType().containsField("path") && image.getFieldRepetitionCount("path") > 0;
        return SourceItem.unreadable(uri, hasPath
                ? "image has no bytes, only a path outside the dataset: " + image.getString("path", 0)
                : "null image", info);
    }

    private String label(Group row) {
        if (labelColumn == null || row.getFieldRepetitionCount(labelColumn.getName()) == 0) {
            return null;
        }
        Object value = value(row, labelColumn);
        if (value instanceof Number n && !labelNames.isEmpty()) {
            int index = n.intValue();
            return index >= 0 && index < labelNames.size() ? labelNames.get(index) : String.valueOf(value);
        }
        return String.valueOf(value);
    }

    /** The datasets library's feature descriptions ({@code info.features}), or an empty node. */
    private static JsonNode features(FileMetaData meta, String file) throws IOException {
        String text = meta.getKeyValueMetaData().get("huggingface");
        if (text == null) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(text).path("info").path("features");
        } catch (IOException e) {
            throw new IOException("the 'huggingface' metadata of " + file + " is not JSON: " + e.getMessage(), e);
        }
    }

    private static Optional<String> featureOfType(JsonNode features, String type) {
        for (Map.Entry<String, JsonNode> feature : features.properties()) {
            if (type.equals(feature.getValue().path("_type").asText())) {
                return Optional.of(feature.getKey());
            }
        }
        return Optional.empty();
    }

    private static String imageColumn(MessageType schema, JsonNode features, SourceOptions options, String file)
            throws IOException {
        String wanted = options.imageColumn();
        if (wanted != null) {
            if (!schema.containsField(wanted)) {
                throw new IOException("no image column '" + wanted + "' in " + file + " (columns: " + columnNames(schema)
                        + ")");
            }
            return wanted;
        }
        Optional<String> declared = featureOfType(features, "Image").filter(schema::containsField);
        if (declared.isPresent()) {
            return declared.get();
        }
        for (String name : IMAGE_NAMES) {
            if (schema.containsField(name)) {
                return name;
            }
        }
        String urls = schema.getFields().stream().map(Type::getName)
                .filter(n -> n.toLowerCase(Locale.ROOT).contains("url")).collect(Collectors.joining(", "));
        throw new IOException("no image column in " + file + " (columns: " + columnNames(schema) + "); choose one with"
                + " the image column option" + (urls.isEmpty() ? "" : "; '" + urls + "' look like image URLs:"
                + " download them first, e.g. with img2dataset, and embed its output"));
    }

    private static String captionColumn(MessageType schema, SourceOptions options, String file) throws IOException {
        String wanted = options.captionColumn();
        if (wanted == null) {
            return CAPTION_NAMES.stream().filter(n -> schema.containsField(n) && isText(schema.getType(n)))
                    .findFirst().orElse(null);
        }
        if (!schema.containsField(wanted) || !isText(schema.getType(wanted))) {
            throw new IOException("no string caption column '" + wanted + "' in " + file + " (columns: "
                    + columnNames(schema) + ")");
        }
        return wanted;
    }

    private static Object value(Group row, PrimitiveType column) {
        String name = column.getName();
        return switch (column.getPrimitiveTypeName()) {
            case BOOLEAN -> row.getBoolean(name, 0);
            case INT32 -> row.getInteger(name, 0);
            case INT64 -> row.getLong(name, 0);
            case FLOAT -> row.getFloat(name, 0);
            case DOUBLE -> row.getDouble(name, 0);
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
