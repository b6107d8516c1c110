package dev.imgsearch.source.parquet;

import dev.imgsearch.source.HadoopFiles;
import dev.imgsearch.source.SourceOptions;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.parquet.hadoop.util.HadoopStreams;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A Parquet file, or a folder of them (recursively, as Spark writes them), on any Hadoop file system:
 * {@code file:}, {@code s3a:} and the rest. Names starting with '.' or '_' ({@code _SUCCESS}, {@code .crc}) are skipped.
 */
public final class HadoopParquetFiles implements ParquetFiles {

    private final Path root;
    private final FileSystem fs;

    public HadoopParquetFiles(String location, SourceOptions options) throws IOException {
        Path path = new Path(location);
        this.fs = HadoopFiles.fileSystem(path, options);
        this.root = fs.makeQualified(path);
    }

    @Override
    public List<StoredFile> list() throws IOException {
        FileStatus rootStatus;
        try {
            rootStatus = fs.getFileStatus(root);
        } catch (FileNotFoundException e) {
            throw new FileNotFoundException("no such Parquet file or folder: " + root);
        }
        List<StoredFile> files = new ArrayList<>();
        if (rootStatus.isFile()) {
            files.add(stored(rootStatus, rootStatus.getPath().getName()));
        } else {
            String prefix = root.toUri().getPath().replaceAll("/+$", "") + "/";
            RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
            while (it.hasNext()) {
                LocatedFileStatus status = it.next();
                String relative = status.getPath().toUri().getPath().substring(prefix.length());
                if (relative.endsWith(".parquet") && !hidden(relative)) {
                    files.add(stored(status, relative));
                }
            }
        }
        if (files.isEmpty()) {
            throw new IOException("no .parquet files in " + root);
        }
        files.sort(Comparator.comparing(StoredFile::file));
        return files;
    }

    @Override
    public InputFile inputFile(String file, long length, String revision) {
        Path path = new Path(file);
        return new InputFile() {
            @Override
            public long getLength() {
                return length;
            }

            @Override
            public SeekableInputStream newStream() throws IOException {
                return HadoopStreams.wrap(HadoopFiles.open(fs, path, length, "random"));
            }
        };
    }

    @Override
    public String rowUri(String file, long row) {
        return file + "#row=" + row;
    }

    @Override
    public void close() throws IOException {
        fs.close();
    }

    private static StoredFile stored(FileStatus status, String name) {
        return new StoredFile(status.getPath().toString(), name, status.getLen(), null,
                Long.toString(status.getModificationTime()));
    }

    private static boolean hidden(String relative) {
        for (String part : relative.split("/")) {
            if (part.startsWith(".") || part.startsWith("_")) {
                return true;
            }
        }
        return false;
    }
}
