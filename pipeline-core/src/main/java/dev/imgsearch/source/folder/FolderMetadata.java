package dev.imgsearch.source.folder;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.imgsearch.source.DatasetFiles;
import dev.imgsearch.source.DatasetFiles.StoredFile;
import dev.imgsearch.source.ItemInfo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code metadata.csv} and {@code metadata.jsonl} files of an image folder, as the Hugging Face
 * {@code imagefolder} builder reads them: one row per image, {@code file_name} relative to the metadata file's
 * folder, which covers that folder and the ones below it.
 */
final class FolderMetadata {

    /** Where an image's caption and fields come from; the metadata is a JSON object, or null when there is none. */
    record Row(String caption, String metadataJson) {
    }

    static final List<String> CAPTION_KEYS = List.of("caption", "text");
    private static final String FILE_NAME = "file_name";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CsvMapper CSV = CsvMapper.builder().enable(CsvParser.Feature.TRIM_SPACES).build();
    private static final Set<String> FILES = Set.of("metadata.csv", "metadata.jsonl");

    private final Map<String, Row> rows;
    private final List<String> folders;

    private FolderMetadata(Map<String, Row> rows, List<String> folders) {
        this.rows = rows;
        this.folders = folders;
    }

    static FolderMetadata read(DatasetFiles files, DatasetFiles.Listing listing, Set<String> consumed)
            throws IOException {
        Map<String, Row> rows = new HashMap<>();
        List<String> folders = new ArrayList<>();
        for (StoredFile file : listing.files()) {
            if (!FILES.contains(file.fileName())) {
                continue;
            }
            consumed.add(file.name());
            String folder = file.name().substring(0, file.name().length() - file.fileName().length());
            folders.add(folder);
            for (Map<String, Object> record : records(files, file)) {
                Object name = record.remove(FILE_NAME);
                if (!(name instanceof String fileName) || fileName.isBlank()) {
                    throw new IOException(file.uri() + " has a row without a " + FILE_NAME + " (every row names the"
                            + " image it describes, relative to the file's folder)");
                }
                String caption = captionOf(record);
                CAPTION_KEYS.forEach(record::remove);
                String relative = fileName.startsWith("./") ? fileName.substring(2) : fileName;
                rows.put(folder + relative, new Row(caption,
                        record.isEmpty() ? null : ItemInfo.json(record)));
            }
        }
        return new FolderMetadata(rows, folders);
    }

    Row rowFor(String imageName) {
        return rows.get(imageName);
    }

    /** Whether a metadata file sits in the image's folder or one above it. */
    boolean covers(String imageName) {
        return folders.stream().anyMatch(imageName::startsWith);
    }

    /** The caption a metadata object carries under one of {@link #CAPTION_KEYS}, or null. */
    static String captionOf(Map<String, Object> values) {
        for (String key : CAPTION_KEYS) {
            if (values.get(key) instanceof String text) {
                return text;
            }
        }
        return null;
    }

    static Map<String, Object> parseObject(String json) throws IOException {
        return JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() { });
    }

    private static List<Map<String, Object>> records(DatasetFiles files, StoredFile file) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        try (InputStream in = files.open(file)) {
            if (file.fileName().endsWith(".csv")) {
                CsvSchema header = CsvSchema.emptySchema().withHeader();
                try (MappingIterator<Map<String, String>> it = CSV.readerFor(new TypeReference<Map<String, String>>() { })
                        .with(header).readValues(in)) {
                    while (it.hasNext()) {
                        Map<String, Object> row = new LinkedHashMap<>(it.next());
                        row.values().removeIf(v -> v == null || "".equals(v));
                        out.add(row);
                    }
                } catch (RuntimeException e) {
                    throw new IOException(file.uri() + " is not a CSV file with a header row: " + e.getMessage(), e);
                }
            } else {
                int line = 0;
                for (String text : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    line++;
                    if (!text.isBlank()) {
                        try {
                            out.add(parseObject(text));
                        } catch (IOException e) {
                            throw new IOException(file.uri() + " line " + line + " is not a JSON object", e);
                        }
                    }
                }
            }
        }
        return out;
    }
}
