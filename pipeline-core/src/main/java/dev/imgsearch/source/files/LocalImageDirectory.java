package dev.imgsearch.source.files;

import dev.imgsearch.source.CloseableIterator;
import dev.imgsearch.source.ImageSource;
import dev.imgsearch.source.Shard;
import dev.imgsearch.source.Shards;
import dev.imgsearch.source.SourceItem;
import dev.imgsearch.source.SourceOptions;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

/**
 * Image files under a local folder (or one image file), found recursively. Symbolic links are followed, except into
 * a folder already being walked (a loop), which is skipped. URIs come from {@link Path#toUri()}, which
 * percent-encodes the raw bytes of each name, so names that are not UTF-8 survive the trip to executors.
 * A folder that cannot be listed fails the plan; a file that cannot be read becomes an item with a read error.
 */
public final class LocalImageDirectory implements ImageSource {

    private final Path root;
    private final SourceOptions options;

    public LocalImageDirectory(Path root, SourceOptions options) {
        this.root = root.toAbsolutePath().normalize();
        this.options = options;
    }

    @Override
    public List<Shard> plan(int itemsPerShard) throws IOException {
        Shards.requirePositive(itemsPerShard);
        if (!Files.exists(root)) {
            throw new NoSuchFileException(root.toString(), null, "no such image folder or file");
        }
        Map<String, String> captions = readCaptions();
        List<FileListShard.Entry> entries = new ArrayList<>();
        Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                return !dir.equals(root) && ImageFiles.isHidden(dir.getFileName().toString())
                        ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                String name = file.getFileName().toString();
                // a dangling link arrives with the link's own attributes; reading it later yields its read error
                boolean readable = attrs.isRegularFile() || attrs.isSymbolicLink();
                if (readable && !ImageFiles.isHidden(name) && ImageFiles.isImageName(name)) {
                    String relative = root.relativize(file).toString().replace('\\', '/');
                    entries.add(new FileListShard.Entry(file.toUri().toString(), attrs.size(), captions.get(relative)));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof FileSystemLoopException) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                throw new IOException("cannot list " + file + ": " + ImageFiles.describe(e), e);
            }
        });
        return ImageFiles.pack(entries, itemsPerShard);
    }

    @Override
    public CloseableIterator<SourceItem> open(Shard shard) {
        if (!(shard instanceof FileListShard files)) {
            throw new IllegalArgumentException("shard " + shard.id() + " is not a file-list shard of " + root);
        }
        // Files are opened and closed one at a time in read(): nothing to release at the end.
        return CloseableIterator.mapping(files.files().iterator(), this::read, () -> { });
    }

    private SourceItem read(FileListShard.Entry entry) {
        try {
            Path path = Path.of(URI.create(entry.uri()));
            BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class);
            if (!attrs.isRegularFile()) {
                return SourceItem.unreadable(entry.uri(), "not a regular file", entry.caption(), Map.of());
            }
            if (attrs.size() > options.maxImageBytes()) {
                return SourceItem.unreadable(entry.uri(), ImageFiles.tooLarge(attrs.size(), options.maxImageBytes()),
                        entry.caption(), Map.of());
            }
            return SourceItem.read(entry.uri(), Files.readAllBytes(path), entry.caption(), Map.of());
        } catch (IOException | RuntimeException e) {
            return SourceItem.unreadable(entry.uri(), ImageFiles.describe(e), entry.caption(), Map.of());
        }
    }

    private Map<String, String> readCaptions() throws IOException {
        Path file = root.resolve(ImageFiles.CAPTIONS_FILE);
        if (!Files.isDirectory(root) || !Files.isRegularFile(file)) {
            return Map.of();
        }
        try (InputStream in = Files.newInputStream(file)) {
            return ImageFiles.readCaptions(in);
        }
    }
}
