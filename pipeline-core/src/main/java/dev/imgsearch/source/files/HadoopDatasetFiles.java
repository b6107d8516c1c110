package dev.imgsearch.source.files;

import dev.imgsearch.source.DatasetFiles;
import dev.imgsearch.source.ImageNames;
import dev.imgsearch.source.SourceOptions;
import org.apache.hadoop.fs.EtagSource;
import org.apache.hadoop.fs.FSDataInputStream;
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
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A file or a prefix of a Hadoop file system ({@code s3a://bucket/prefix}, {@code hdfs:}, ...), listed recursively.
 * File URIs are the Hadoop paths; a file's version is its ETag where the store has one (S3), else its modification
 * time.
 */
public final class HadoopDatasetFiles implements DatasetFiles {

    private final FileSystem fs;
    private final Path root;

    public HadoopDatasetFiles(String location, SourceOptions options) throws IOException {
        Path path = new Path(location);
        this.fs = HadoopFiles.fileSystem(path, options.hadoopConf());
        this.root = fs.makeQualified(path);
    }

    @Override
    public Listing list() throws IOException {
        FileStatus rootStatus;
        try {
            rootStatus = fs.getFileStatus(root);
        } catch (FileNotFoundException e) {
            throw new FileNotFoundException("no such folder or file: " + root);
        }
        List<StoredFile> files = new ArrayList<>();
        long hidden = 0;
        if (rootStatus.isFile()) {
            files.add(stored(rootStatus, rootStatus.getPath().getName()));
        } else {
            String prefix = root.toUri().getPath().replaceAll("/+$", "") + "/";
            RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
            while (it.hasNext()) {
                LocatedFileStatus status = it.next();
                String relative = status.getPath().toUri().getPath().substring(prefix.length());
                if (ImageNames.isHiddenPath(relative)) {
                    hidden++;
                } else {
                    files.add(stored(status, relative));
                }
            }
        }
        files.sort(Comparator.comparing(StoredFile::name));
        return new Listing(files, hidden, false);
    }

    @Override
    public InputStream open(StoredFile file) throws IOException {
        return HadoopFiles.open(fs, new Path(file.uri()), file.length(), "sequential");
    }

    @Override
    public InputFile inputFile(StoredFile file) {
        Path path = new Path(file.uri());
        return new InputFile() {
            @Override
            public long getLength() {
                return file.length();
            }

            @Override
            public SeekableInputStream newStream() throws IOException {
                return HadoopStreams.wrap(HadoopFiles.open(fs, path, file.length(), "random"));
            }
        };
    }

    @Override
    public byte[] read(StoredFile file, long offset, int length) throws IOException {
        byte[] bytes = new byte[length];
        try (FSDataInputStream in = HadoopFiles.open(fs, new Path(file.uri()), file.length(), "random")) {
            in.readFully(offset, bytes);
        }
        return bytes;
    }

    @Override
    public void close() throws IOException {
        fs.close();
    }

    private static StoredFile stored(FileStatus status, String name) {
        String version = status instanceof EtagSource etag && etag.getEtag() != null && !etag.getEtag().isEmpty()
                ? etag.getEtag() : Long.toString(status.getModificationTime());
        return new StoredFile(name, status.getPath().toString(), status.getLen(), version, null);
    }
}
