package dev.imgsearch.store.lucene;

import dev.imgsearch.store.StoreException;
import dev.imgsearch.store.lucene.StoreManifest.ShardEntry;
import dev.imgsearch.store.lucene.StoreManifest.ShardFile;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.Lock;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.store.NativeFSLockFactory;

/**
 * A store in a local directory (or one every executor mounts at the same path): shards are written in place, in
 * folders no manifest names yet, starting from hard links to the published shard's files (Lucene never changes a file
 * once written, so a link is as good as a copy), and read in place.
 */
final class LocalRoot implements StoreRoot {

    /** The lock file of Lucene's own writer, so that a sharded writer and a single index's exclude each other. */
    private static final String LOCK = IndexWriter.WRITE_LOCK_NAME;

    private final Path dir;

    LocalRoot(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    Path dir() {
        return dir;
    }

    @Override
    public String describe() {
        return dir.toString();
    }

    @Override
    public Optional<StoreManifest> manifest() throws IOException {
        Path file = dir.resolve(StoreManifest.FILE_NAME);
        try {
            return Optional.of(StoreManifest.fromJson(Files.readAllBytes(file), file.toString()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public void publish(StoreManifest manifest) throws IOException {
        Files.createDirectories(dir);
        Path staged = dir.resolve("." + StoreManifest.FILE_NAME + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.write(staged, manifest.toJson());
            try (var channel = java.nio.channels.FileChannel.open(staged, java.nio.file.StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(staged, dir.resolve(StoreManifest.FILE_NAME), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(staged);
        }
    }

    @Override
    public boolean holdsSingleIndex() throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Directory directory = FSDirectory.open(dir)) {
            return DirectoryReader.indexExists(directory);
        }
    }

    @Override
    public Path writable(String name, Optional<ShardEntry> base) throws IOException {
        Path target = dir.resolve(SHARDS).resolve(name);
        if (Files.exists(target)) {
            deleteTree(target);
        }
        Files.createDirectories(target);
        if (base.isPresent()) {
            Path from = dir.resolve(base.get().path());
            for (ShardFile file : base.get().files()) {
                linkOrCopy(from.resolve(file.name()), target.resolve(file.name()));
            }
        }
        return target;
    }

    @Override
    public void upload(Path local, String name) {
        // Written in place.
    }

    @Override
    public void verify(ShardEntry entry) throws IOException {
        Path shard = dir.resolve(entry.path());
        for (ShardFile file : entry.files()) {
            Path path = shard.resolve(file.name());
            if (!Files.isRegularFile(path) || Files.size(path) != file.length()) {
                throw new StoreException("shard " + entry.shard() + " of the Lucene store at " + dir + " lacks "
                        + path.getFileName() + " as its manifest lists it: was the store copied in part, or written "
                        + "by executors that do not share this directory?");
            }
        }
    }

    @Override
    public Path readable(ShardEntry entry) throws IOException {
        verify(entry);
        return dir.resolve(entry.path());
    }

    @Override
    public void removeUnreferenced(StoreManifest manifest) throws IOException {
        Set<String> kept = new HashSet<>();
        manifest.entries().forEach(entry -> kept.add(entry.path()));
        for (Path shard : shardFolders()) {
            if (!kept.contains(dir.relativize(shard).toString())) {
                deleteTree(shard);
            }
        }
    }

    @Override
    public void removeWrittenBy(String prefix) throws IOException {
        for (Path shard : shardFolders()) {
            if (shard.getFileName().toString().startsWith(prefix)) {
                deleteTree(shard);
            }
        }
        deleteIfEmpty(dir.resolve(SHARDS));
        if (manifest().isEmpty() && !holdsSingleIndex()) {
            // Only the build's own lock file is left, which Lucene never removes.
            Files.deleteIfExists(dir.resolve(LOCK));
        }
        deleteIfEmpty(dir);
    }

    @Override
    public AutoCloseable lockForWriting() throws IOException {
        Files.createDirectories(dir);
        Directory directory = FSDirectory.open(dir);
        try {
            Lock lock = NativeFSLockFactory.INSTANCE.obtainLock(directory, LOCK);
            return () -> {
                try {
                    lock.close();
                } finally {
                    directory.close();
                }
            };
        } catch (LockObtainFailedException e) {
            directory.close();
            throw new StoreException("the Lucene store at " + dir + " is already open for writing elsewhere", e);
        }
    }

    /** The shard folder a manifest path names. */
    Path resolve(String path) {
        return dir.resolve(path);
    }

    private List<Path> shardFolders() throws IOException {
        Path shards = dir.resolve(SHARDS);
        if (!Files.isDirectory(shards)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(shards)) {
            return list.filter(Files::isDirectory).toList();
        }
    }

    private static void linkOrCopy(Path from, Path to) throws IOException {
        try {
            Files.createLink(to, from);
        } catch (UnsupportedOperationException | FileSystemException e) {
            if (e instanceof NoSuchFileException) {
                throw (NoSuchFileException) e;
            }
            Files.copy(from, to);
        }
    }

    private static void deleteIfEmpty(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return;
        }
        try (Stream<Path> entries = Files.list(folder)) {
            if (entries.findAny().isPresent()) {
                return;
            }
        }
        Files.deleteIfExists(folder);
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
