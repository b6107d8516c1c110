package dev.imgsearch.source.folder;

import dev.imgsearch.source.CloseableIterator;
import dev.imgsearch.source.DatasetFiles;
import dev.imgsearch.source.DatasetFiles.StoredFile;
import dev.imgsearch.source.ImageNames;
import dev.imgsearch.source.ItemInfo;
import dev.imgsearch.source.Layout;
import dev.imgsearch.source.Shard;
import dev.imgsearch.source.Shards;
import dev.imgsearch.source.SourceItem;
import dev.imgsearch.source.SourceOptions;
import dev.imgsearch.source.SourcePlan;
import dev.imgsearch.source.ReadErrors;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Image files in a folder tree, as the Hugging Face {@code imagefolder} builder and img2dataset's "files" output lay
 * them out. Every file with an image name is an item; its caption and fields come from, in this order:
 * <ul>
 *   <li>a {@code metadata.csv} or {@code metadata.jsonl} in its folder or one above, with a {@code file_name} column
 *       relative to that folder: {@code text} or {@code caption} is the caption, other columns are metadata;</li>
 *   <li>{@code captions.tsv} at the root ({@code relative/path<TAB>caption});</li>
 *   <li>a {@code .txt} sidecar of the same base name (caption) and a {@code .json} one (metadata, and the caption
 *       from its {@code caption} or {@code text} when there is no other), read with the image on the executor.</li>
 * </ul>
 * Class-named folders give a {@code label}, as {@code imagefolder} infers it: when no metadata file applies, the
 * images lie in at least two folders all at the same depth, and the label is the folder's name (a leading
 * {@code train}/{@code test}/{@code validation} split folder does not count).
 */
public final class ImageFolderLayout implements Layout {

    static final String CAPTIONS_FILE = "captions.tsv";
    private static final Set<String> SPLITS = Set.of("train", "test", "validation", "valid", "dev", "eval");
    private static final int MAX_SIDECAR_BYTES = 1 << 20;

    private final SourceOptions options;

    public ImageFolderLayout(SourceOptions options) {
        this.options = options;
    }

    @Override
    public SourcePlan plan(DatasetFiles files, DatasetFiles.Listing listing, int itemsPerShard) throws IOException {
        Map<String, StoredFile> byName = new HashMap<>();
        listing.files().forEach(f -> byName.put(f.name(), f));
        Set<String> consumed = new HashSet<>();
        FolderMetadata metadata = FolderMetadata.read(files, listing, consumed);
        Map<String, String> captions = captionsTsv(files, byName.get(CAPTIONS_FILE), consumed);
        List<StoredFile> images = new ArrayList<>();
        for (StoredFile file : listing.files()) {
            if (ImageNames.isImageName(file.fileName())) {
                images.add(file);
            }
        }
        Map<String, String> labels = labels(images, metadata);
        List<FileListShard.Entry> entries = new ArrayList<>(images.size());
        for (StoredFile image : images) {
            FolderMetadata.Row row = metadata.rowFor(image.name());
            String caption = row != null && row.caption() != null ? row.caption() : captions.get(image.name());
            List<StoredFile> sidecars = new ArrayList<>();
            String base = image.name().substring(0, image.name().length() - image.fileName().length())
                    + stem(image.fileName());
            for (String ext : List.of(".txt", ".json")) {
                StoredFile sidecar = byName.get(base + ext);
                if (sidecar != null) {
                    sidecars.add(sidecar);
                    consumed.add(sidecar.name());
                }
            }
            entries.add(new FileListShard.Entry(image, caption, labels.get(image.name()),
                    row == null ? null : row.metadataJson(), sidecars));
        }
        long notImages = listing.files().stream()
                .filter(f -> !ImageNames.isImageName(f.fileName()) && !consumed.contains(f.name()))
                .count();
        Map<String, Long> skipped = new LinkedHashMap<>();
        skipped.put(SourcePlan.NOT_IMAGES, notImages);
        skipped.put(SourcePlan.HIDDEN, listing.hidden());
        return new SourcePlan(pack(entries, itemsPerShard), skipped, listing.partial());
    }

    @Override
    public boolean planned(Shard shard) {
        return shard instanceof FileListShard;
    }

    @Override
    public CloseableIterator<SourceItem> open(DatasetFiles files, Shard shard) {
        FileListShard list = (FileListShard) shard;
        return CloseableIterator.mapping(list.files().iterator(), entry -> read(files, entry), () -> { });
    }

    private SourceItem read(DatasetFiles files, FileListShard.Entry entry) {
        StoredFile file = entry.file();
        ItemInfo info;
        try {
            info = info(files, entry);
        } catch (IOException | RuntimeException e) {
            return SourceItem.unreadable(file.uri(), "cannot read its sidecar file: " + ReadErrors.describe(e),
                    new ItemInfo(entry.caption(), entry.label(), Map.of(), null));
        }
        if (file.length() > options.maxImageBytes()) {
            return SourceItem.unreadable(file.uri(), ReadErrors.tooLarge(file.length(), options.maxImageBytes()), info);
        }
        try (InputStream in = files.open(file)) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, options.maxImageBytes() + 1));
            if (bytes.length > options.maxImageBytes()) {
                return SourceItem.unreadable(file.uri(), "file grew past the size limit of " + options.maxImageBytes()
                        + " bytes since it was listed", info);
            }
            return SourceItem.read(file.uri(), bytes, info);
        } catch (IOException | RuntimeException e) {
            return SourceItem.unreadable(file.uri(), ReadErrors.describe(e), info);
        }
    }

    private static ItemInfo info(DatasetFiles files, FileListShard.Entry entry) throws IOException {
        String caption = entry.caption();
        Map<String, Object> metadata = new LinkedHashMap<>();
        if (entry.metadata() != null) {
            metadata.putAll(FolderMetadata.parseObject(entry.metadata()));
        }
        for (StoredFile sidecar : entry.sidecars()) {
            byte[] bytes;
            try (InputStream in = files.open(sidecar)) {
                bytes = in.readNBytes(MAX_SIDECAR_BYTES);
            }
            String text = new String(bytes, StandardCharsets.UTF_8);
            if (sidecar.name().endsWith(".txt")) {
                caption = caption == null ? text.strip() : caption;
            } else {
                Map<String, Object> json = FolderMetadata.parseObject(text);
                if (caption == null) {
                    caption = FolderMetadata.captionOf(json);
                }
                json.forEach(metadata::putIfAbsent);
            }
        }
        return new ItemInfo(caption, entry.label(), metadata, null);
    }

    /** Class-folder labels by image name, or none (see the class comment for when). */
    private static Map<String, String> labels(List<StoredFile> images, FolderMetadata metadata) {
        Map<String, String> labels = new HashMap<>();
        Set<Integer> depths = new HashSet<>();
        for (StoredFile image : images) {
            if (metadata.rowFor(image.name()) != null || metadata.covers(image.name())) {
                return Map.of();
            }
            List<String> folders = new ArrayList<>(List.of(image.name().split("/")));
            folders.remove(folders.size() - 1);
            if (!folders.isEmpty() && SPLITS.contains(folders.get(0))) {
                folders.remove(0);
            }
            depths.add(folders.size());
            if (!folders.isEmpty()) {
                labels.put(image.name(), folders.get(folders.size() - 1));
            }
        }
        boolean inferred = depths.size() == 1 && !depths.contains(0) && new HashSet<>(labels.values()).size() > 1;
        return inferred ? labels : Map.of();
    }

    private static Map<String, String> captionsTsv(DatasetFiles files, StoredFile file, Set<String> consumed)
            throws IOException {
        if (file == null) {
            return Map.of();
        }
        consumed.add(file.name());
        Map<String, String> captions = new HashMap<>();
        try (InputStream in = files.open(file)) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                int tab = line.indexOf('\t');
                if (tab > 0) {
                    String path = line.substring(0, tab);
                    captions.put(path.startsWith("./") ? path.substring(2) : path, line.substring(tab + 1).strip());
                }
            }
        }
        return captions;
    }

    /** Cuts the listing, sorted by URI, into shards of {@code itemsPerShard} files. */
    private static List<Shard> pack(List<FileListShard.Entry> entries, int itemsPerShard) {
        List<FileListShard.Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparing(e -> e.file().uri()));
        int count = (sorted.size() + itemsPerShard - 1) / itemsPerShard;
        List<Shard> shards = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            List<FileListShard.Entry> files =
                    sorted.subList(i * itemsPerShard, Math.min(sorted.size(), (i + 1) * itemsPerShard));
            List<String> parts = new ArrayList<>(files.size());
            for (FileListShard.Entry e : files) {
                // the label derives from the uri; metadata joins only where there is some, so ids of plain folders stay
                parts.add(e.file().uri() + "\t" + e.file().length() + "\t" + e.caption()
                        + (e.metadata() == null ? "" : "\t" + e.metadata())
                        + (e.sidecars().isEmpty() ? "" : "\t" + e.sidecars().stream()
                                .map(s -> s.length() + ":" + s.version()).toList()));
            }
            shards.add(new FileListShard(Shards.number(i, count) + "-" + Shards.fingerprint(parts), files));
        }
        return shards;
    }

    private static String stem(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }
}
