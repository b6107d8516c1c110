package dev.imgsearch.source;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * A dataset location read through one {@link DatasetFiles}, in the layout the options name or, by default, the one
 * its files show: tar shards if there are any (img2dataset's WebDataset output keeps Parquet and JSON files beside
 * them), else image files, else Parquet files. Executors open each shard with the layout that planned it.
 */
final class DatasetSource implements ImageSource {

    private final String location;
    private final DatasetFiles.Opener files;
    private final List<String> selected;
    private final SourceOptions options;
    private final Map<SourceOptions.Format, Layout> layouts;

    /**
     * @param selected names (relative to the root) a brace pattern expanded to, each of which must exist; null
     *                 reads everything under the root
     */
    DatasetSource(String location, DatasetFiles.Opener files, List<String> selected, SourceOptions options,
                  Map<SourceOptions.Format, Layout> layouts) {
        this.location = location;
        this.files = files;
        this.selected = selected == null ? null : List.copyOf(selected);
        this.options = options;
        this.layouts = Map.copyOf(layouts);
    }

    @Override
    public SourcePlan plan(int itemsPerShard) throws IOException {
        Shards.requirePositive(itemsPerShard);
        try (DatasetFiles opened = files.open()) {
            DatasetFiles.Listing listing = opened.list();
            if (selected != null) {
                listing = select(listing);
            }
            return layouts.get(layoutOf(listing)).plan(opened, listing, itemsPerShard);
        }
    }

    @Override
    public CloseableIterator<SourceItem> open(Shard shard) throws IOException {
        Layout layout = layouts.values().stream().filter(l -> l.planned(shard)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("shard " + shard.id() + " is of no layout of " + location));
        DatasetFiles opened = files.open();
        CloseableIterator<SourceItem> items;
        try {
            items = layout.open(opened, shard);
        } catch (IOException | RuntimeException e) {
            opened.close();
            throw e;
        }
        return new CloseableIterator<>() {
            @Override
            public boolean hasNext() {
                return items.hasNext();
            }

            @Override
            public SourceItem next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return items.next();
            }

            @Override
            public void close() throws IOException {
                try (opened) {
                    items.close();
                }
            }
        };
    }

    private SourceOptions.Format layoutOf(DatasetFiles.Listing listing) {
        if (options.format() != SourceOptions.Format.AUTO) {
            return options.format();
        }
        if (location.replaceAll("/+$", "").endsWith(".parquet")) {
            return SourceOptions.Format.PARQUET;
        }
        boolean images = false;
        boolean parquet = false;
        for (DatasetFiles.StoredFile file : listing.files()) {
            String name = file.fileName();
            if (TarNames.isTar(name)) {
                return SourceOptions.Format.WEBDATASET;
            }
            images |= ImageNames.isImageName(name);
            parquet |= name.endsWith(".parquet");
        }
        return parquet && !images ? SourceOptions.Format.PARQUET : SourceOptions.Format.IMAGES;
    }

    private DatasetFiles.Listing select(DatasetFiles.Listing listing) throws FileNotFoundException {
        Map<String, DatasetFiles.StoredFile> byName = new HashMap<>();
        listing.files().forEach(f -> byName.put(f.name(), f));
        List<DatasetFiles.StoredFile> chosen = new ArrayList<>();
        for (String name : selected) {
            DatasetFiles.StoredFile file = byName.get(name);
            if (file == null) {
                throw new FileNotFoundException("no file " + name + " of the pattern " + location);
            }
            chosen.add(file);
        }
        return new DatasetFiles.Listing(chosen, 0, listing.partial());
    }
}
