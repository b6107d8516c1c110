package dev.imgsearch.source.parquet;

import dev.imgsearch.source.CloseableIterator;
import dev.imgsearch.source.DatasetFiles;
import dev.imgsearch.source.DatasetFiles.StoredFile;
import dev.imgsearch.source.Layout;
import dev.imgsearch.source.Shard;
import dev.imgsearch.source.Shards;
import dev.imgsearch.source.SourceItem;
import dev.imgsearch.source.SourceOptions;
import dev.imgsearch.source.SourcePlan;
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
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Images stored in a column of a Parquet dataset: every {@code .parquet} file of the listing (names starting with
 * '_', such as Spark's {@code _SUCCESS}, are not data). A shard is a run of consecutive row groups of one file
 * holding about {@code itemsPerShard} rows (at least one row group), so executors read only their row groups.
 * Item URIs are the file's URI plus {@code #row=N}, N counting rows from the start of the file.
 */
public final class ParquetLayout implements Layout {

    public static final String NOT_PARQUET = "not Parquet files";
    private static final int FOOTER_READERS = 8;

    private final SourceOptions options;

    public ParquetLayout(SourceOptions options) {
        this.options = options;
    }

    static boolean isDataFile(StoredFile file) {
        return file.fileName().endsWith(".parquet") && !file.fileName().startsWith("_")
                && !file.name().contains("/_");
    }

    @Override
    public SourcePlan plan(DatasetFiles files, DatasetFiles.Listing listing, int itemsPerShard) throws IOException {
        List<StoredFile> parquet = listing.files().stream().filter(ParquetLayout::isDataFile).toList();
        if (parquet.isEmpty()) {
            throw new IOException("no .parquet files in the input (" + listing.files().size() + " other files)");
        }
        List<List<BlockMetaData>> rowGroups = readRowGroups(files, parquet);
        List<Shard> shards = new ArrayList<>();
        for (int i = 0; i < parquet.size(); i++) {
            addShards(parquet.get(i), rowGroups.get(i), itemsPerShard, shards);
        }
        return new SourcePlan(shards, Map.of(NOT_PARQUET, (long) (listing.files().size() - parquet.size()),
                SourcePlan.HIDDEN, listing.hidden()), listing.partial());
    }

    @Override
    public boolean planned(Shard shard) {
        return shard instanceof RowGroupShard;
    }

    @Override
    public CloseableIterator<SourceItem> open(DatasetFiles files, Shard shard) throws IOException {
        RowGroupShard rows = (RowGroupShard) shard;
        ParquetFileReader reader = openPlanned(files, rows);
        try {
            return new RowIterator(reader, rows);
        } catch (IOException | RuntimeException e) {
            reader.close();
            throw e;
        }
    }

    /**
     * The image bytes of one row of a file: its footer, then only the row group that holds the row.
     *
     * @throws IOException also when the row is past the end or holds no image
     */
    public static byte[] readRow(DatasetFiles files, StoredFile file, long row, SourceOptions options)
            throws IOException {
        try (ParquetFileReader reader = ParquetFileReader.open(files.inputFile(file), readOptions())) {
            ParquetRows rows = ParquetRows.forFile(reader.getFileMetaData(), options, file.uri());
            reader.setRequestedSchema(rows.projection());
            long first = 0;
            List<BlockMetaData> blocks = reader.getRowGroups();
            for (int group = 0; group < blocks.size(); group++) {
                long count = blocks.get(group).getRowCount();
                if (row < first + count) {
                    PageReadStore pages = reader.readRowGroup(group);
                    RecordReader<Group> records = new ColumnIOFactory().getColumnIO(rows.projection())
                            .getRecordReader(pages, new GroupRecordConverter(rows.projection()));
                    for (long skip = first; skip < row; skip++) {
                        records.read();
                    }
                    SourceItem item = rows.toItem(records.read(), file.uri() + "#row=" + row);
                    if (item.bytes() == null) {
                        throw new IOException("row " + row + " of " + file.uri() + " has no image: " + item.readError());
                    }
                    return item.bytes();
                }
                first += count;
            }
            throw new IOException(file.uri() + " has " + first + " rows, not row " + row);
        }
    }

    private static ParquetFileReader openPlanned(DatasetFiles files, RowGroupShard shard) throws IOException {
        try {
            return ParquetFileReader.open(files.inputFile(shard.file()), readOptions());
        } catch (EOFException | RuntimeException e) {
            throw new IOException("cannot read the footer of " + shard.file().uri() + " for shard " + shard.id() + ": "
                    + e.getMessage() + " (planned as " + shard.file().length()
                    + " bytes: did the file change since planning?)", e);
        }
    }

    /** Footers are read in parallel: on object stores and the Hub each costs a round trip or two. */
    private List<List<BlockMetaData>> readRowGroups(DatasetFiles files, List<StoredFile> parquet) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(FOOTER_READERS, parquet.size()), r -> {
            Thread t = new Thread(r, "parquet-footer-reader");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<List<BlockMetaData>>> footers = new ArrayList<>();
            for (StoredFile file : parquet) {
                footers.add(pool.submit(() -> {
                    try (ParquetFileReader reader = ParquetFileReader.open(files.inputFile(file), readOptions())) {
                        ParquetRows.forFile(reader.getFileMetaData(), options, file.uri());
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
            throw new IOException("reading Parquet footers failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading Parquet footers", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void addShards(StoredFile file, List<BlockMetaData> blocks, int itemsPerShard, List<Shard> shards) {
        String stem = Shards.filenameSafe(file.name().replaceAll("\\.parquet$", ""));
        int first = 0;
        while (first < blocks.size()) {
            int end = first;
            long rows = 0;
            do {
                rows += blocks.get(end).getRowCount();
                end++;
            } while (end < blocks.size() && rows + blocks.get(end).getRowCount() <= itemsPerShard);
            String fingerprint = Shards.fingerprint(List.of(file.uri(), Long.toString(file.length()),
                    String.valueOf(file.revision()), file.version(), first + "+" + (end - first)));
            String id = stem + ".rg" + first + "-" + (end - 1) + "." + fingerprint;
            shards.add(new RowGroupShard(id, file, first, end - first, rows));
            first = end;
        }
    }

    static ParquetReadOptions readOptions() {
        return ParquetReadOptions.builder().build();
    }

    private final class RowIterator implements CloseableIterator<SourceItem> {
        private final ParquetFileReader reader;
        private final RowGroupShard shard;
        private final ParquetRows rows;
        private final int endGroup;
        private int nextGroup;
        private long rowInFile;
        private long leftInGroup;
        private RecordReader<Group> records;

        RowIterator(ParquetFileReader reader, RowGroupShard shard) throws IOException {
            this.reader = reader;
            this.shard = shard;
            List<BlockMetaData> blocks = reader.getRowGroups();
            this.endGroup = shard.firstRowGroup() + shard.rowGroupCount();
            if (blocks.size() < endGroup) {
                throw new IOException(shard.file().uri() + " has " + blocks.size() + " row groups, shard " + shard.id()
                        + " needs " + endGroup + ": the file changed since planning");
            }
            this.rows = ParquetRows.forFile(reader.getFileMetaData(), options, shard.file().uri());
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
                throw new UncheckedIOException("reading " + shard.file().uri() + " for shard " + shard.id() + ": "
                        + e.getMessage(), e);
            }
        }

        @Override
        public SourceItem next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            leftInGroup--;
            return rows.toItem(records.read(), shard.file().uri() + "#row=" + rowInFile++);
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }
}
