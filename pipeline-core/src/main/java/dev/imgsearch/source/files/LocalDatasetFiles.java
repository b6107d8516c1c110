package dev.imgsearch.source.files;

import dev.imgsearch.source.DatasetFiles;
import dev.imgsearch.source.ImageNames;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.io.InputFile;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;

/**
 * A local folder (or one file), walked recursively. Symbolic links are followed, except into a folder already being
 * walked (a loop), which is skipped. URIs come from {@link Path#toUri()}, which percent-encodes the raw bytes of each
 * name, so names that are not UTF-8 survive the trip to executors and back. A folder that cannot be listed fails the
 * listing; a dangling link is listed, and reading it is that file's read error.
 */
public final class LocalDatasetFiles implements DatasetFiles {

    private static final Configuration RAW_LOCAL = rawLocal();

    private final Path root;

    public LocalDatasetFiles(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public Listing list() throws IOException {
        if (!Files.exists(root)) {
            throw new NoSuchFileException(root.toString(), null, "no such folder or file");
        }
        List<StoredFile> files = new ArrayList<>();
        long[] hidden = {0};
        Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (!dir.equals(root) && ImageNames.isHidden(dir.getFileName().toString())) {
                    hidden[0]++;
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                String name = file.equals(root) ? file.getFileName().toString()
                        : root.relativize(file).toString().replace('\\', '/');
                if (!file.equals(root) && ImageNames.isHidden(file.getFileName().toString())) {
                    hidden[0]++;
                } else if (attrs.isRegularFile() || attrs.isSymbolicLink()) {
                    files.add(new StoredFile(name, file.toUri().toString(), attrs.size(),
                            Long.toString(attrs.lastModifiedTime().toMillis()), null));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof FileSystemLoopException) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                throw new IOException("cannot list " + file + ": " + e.getMessage(), e);
            }
        });
        files.sort(Comparator.comparing(StoredFile::name));
        return new Listing(files, hidden[0], false);
    }

    @Override
    public InputStream open(StoredFile file) throws IOException {
        return Files.newInputStream(path(file));
    }

    /**
     * Through Hadoop's raw local file system: Parquet 1.13 (Spark 3.5) has no LocalInputFile, and the checksummed
     * one fails a read when a stale {@code .crc} file lies beside the Parquet file (a file rewritten by another tool).
     */
    @Override
    public InputFile inputFile(StoredFile file) throws IOException {
        return HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(URI.create(file.uri())), RAW_LOCAL);
    }

    private static Configuration rawLocal() {
        Configuration conf = new Configuration();
        conf.setClass("fs.file.impl", RawLocalFileSystem.class, FileSystem.class);
        conf.setBoolean("fs.file.impl.disable.cache", true);
        return conf;
    }

    @Override
    public byte[] read(StoredFile file, long offset, int length) throws IOException {
        return readRange(path(file), offset, length);
    }

    /** Exactly {@code length} bytes at {@code offset} of a local file. */
    public static byte[] readRange(Path path, long offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, offset + buffer.position()) < 0) {
                    throw new EOFException(path + " ends before byte " + (offset + length));
                }
            }
        }
        return buffer.array();
    }

    @Override
    public void close() {
        // files are opened and closed one at a time
    }

    private static Path path(StoredFile file) {
        return Path.of(URI.create(file.uri()));
    }
}
