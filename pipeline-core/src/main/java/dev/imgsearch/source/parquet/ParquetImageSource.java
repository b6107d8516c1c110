package dev.imgsearch.source.parquet;

import dev.imgsearch.source.CloseableIterator;
import dev.imgsearch.source.ImageSource;
import dev.imgsearch.source.Shard;
import dev.imgsearch.source.Shards;
import dev.imgsearch.source.SourceItem;
import dev.imgsearch.source.SourceOptions;

import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.RecordReader;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Images stored in a column of a Parquet dataset. A shard is a run of consecutive row groups of one file
 * holding about {@code itemsPerShard} rows (at least one row group), so executors read only their row groups.
 * Item URIs are the file's URI plus {@code #row=N}, N counting rows from the start of the file.
 */
public final class ParquetImageSource implements ImageSource {

    private static final int FOOTER_READERS = 8;

    private final String location;
    private final ParquetFiles.Opener stores;
    private final SourceOptions options;

    public ParquetImageSource(String location, ParquetFiles.Opener stores, SourceOptions options) {
        this.location = location;
        this.stores = stores;
        this.options = options;
    }

    @Override
    public List<Shard> plan(int itemsPerShard) throws IOException {
        Shards.requirePositive(itemsPerShard);
        try (ParquetFiles store = stores.open()) {
            List<ParquetFiles.StoredFile> files = store.list();
            List<List<BlockMetaData>> rowGroups = readRowGroups(store, files);
            List<Shard> shards = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                addShards(files.get(i), rowGroups.get(i), itemsPerShard, shards);
            }
            return Shards.requireUniqueIds(shards);
        }
    }

    @Override
    public CloseableIterator<SourceItem> open(Shard shard) throws IOException {
        if (!(shard instanceof RowGroupShard rows)) {
            throw new IllegalArgumentException("shard " + shard.id() + " is not a Parquet shard of " + location);
        }
        ParquetFiles store = stores.open();
        try {
            ParquetFileReader reader = openPlanned(store, rows);
            try {
                return new RowIterator(store, reader, rows);
            } catch (IOException | RuntimeException e) {
                reader.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private static ParquetFileReader openPlanned(ParquetFiles store, RowGroupShard shard) throws IOException {
        try {
            return ParquetFileReader.open(store.inputFile(shard.file(), shard.fileLength(), shard.revision()), readOptions());
        } catch (EOFException | RuntimeException e) {
            throw new IOException("cannot read the footer of " + shard.file() + " for shard " + shard.id() + ": "
                    + e.getMessage() + " (planned as " + shard.fileLength() + " bytes: did the file change since planning?)", e);
        }
    }

    /** Footers are read in parallel: on object stores and the Hub each costs a round trip or two. */
    private List<List<BlockMetaData>> readRowGroups(ParquetFiles store, List<ParquetFiles.StoredFile> files)
            throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(FOOTER_READERS, files.size()), r -> {
            Thread t = new Thread(r, "parquet-footer-reader");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<List<BlockMetaData>>> footers = new ArrayList<>();
            for (ParquetFiles.StoredFile file : files) {
                footers.add(pool.submit(() -> {
                    try (ParquetFileReader reader = ParquetFileReader.open(
                            store.inputFile(file.file(), file.length(), file.revision()), readOptions())) {
                        ParquetRows.forSchema(reader.getFileMetaData().getSchema(), options, file.file());
                        return reader.getRowGroups();
                    }
                }));
            }
            List<List<BlockMetaData>> result = new ArrayList<>();
            for (Future<List<BlockMetaData>> footer : footers) {
                result.add(footer.get());
            }
            return result;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("reading Parquet footers of " + location + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading Parquet footers of " + location, e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void addShards(ParquetFiles.StoredFile file, List<BlockMetaData> blocks, int itemsPerShard,
                                  List<Shard> shards) {
        String stem = Shards.filenameSafe(file.name().replaceAll("\\.parquet$", ""));
        int first = 0;
        while (first < blocks.size()) {
            int end = first;
            long rows = 0;
            do {
                rows += blocks.get(end).getRowCount();
                end++;
            } while (end < blocks.size() && rows + blocks.get(end).getRowCount() <= itemsPerShard);
            String fingerprint = Shards.fingerprint(List.of(file.file(), Long.toString(file.length()),
                    String.valueOf(file.revision()), file.version(), first + "+" + (end - first)));
            String id = stem + ".rg" + first + "-" + (end - 1) + "." + fingerprint;
            shards.add(new RowGroupShard(id, file.file(), file.length(), file.revision(), first, end - first, rows));
            first = end;
        }
    }

    private static ParquetReadOptions readOptions() {
        return ParquetReadOptions.builder().build();
    }

    private final class RowIterator implements CloseableIterator<SourceItem> {
        private final ParquetFiles store;
        private final ParquetFileReader reader;
        private final RowGroupShard shard;
        private final ParquetRows rows;
        private final int endGroup;
        private int nextGroup;
        private long rowInFile;
        private long leftInGroup;
        private RecordReader<Group> records;

        RowIterator(ParquetFiles store, ParquetFileReader reader, RowGroupShard shard) throws IOException {
            this.store = store;
            this.reader = reader;
            this.shard = shard;
            List<BlockMetaData> blocks = reader.getRowGroups();
            this.endGroup = shard.firstRowGroup() + shard.rowGroupCount();
            if (blocks.size() < endGroup) {
                throw new IOException(shard.file() + " has " + blocks.size() + " row groups, shard " + shard.id()
                        + " needs " + endGroup + ": the file changed since planning");
            }
            this.rows = ParquetRows.forSchema(reader.getFileMetaData().getSchema(), options, shard.file());
            reader.setRequestedSchema(rows.projection());
            this.nextGroup = shard.firstRowGroup();
            for (int i = 0; i < nextGroup; i++) {
                rowInFile += blocks.get(i).getRowCount();
            }
        }

        @Override
        public boolean hasNext() {
            try {
                while (leftInGroup == 0 && nextGroup < endGroup) {
                    PageReadStore pages = reader.readRowGroup(nextGroup++);
                    records = new ColumnIOFactory().getColumnIO(rows.projection())
                            .getRecordReader(pages, new GroupRecordConverter(rows.projection()));
                    leftInGroup = pages.getRowCount();
                }
                return leftInGroup > 0;
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + shard.file() + " for shard " + shard.id() + ": " + e.getMessage(), e);
            }
        }

        @Override
        public SourceItem next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            leftInGroup--;
            return rows.toItem(records.read(), store.rowUri(shard.file(), rowInFile++));
        }

        @Override
        public void close() throws IOException {
            try {
                reader.close();
            } finally {
                store.close();
            }
        }
    }
}
