package dev.imgsearch.model;

import org.apache.hadoop.conf.Configuration;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Turns a {@link ModelLocation} into a local model directory, through a per-machine cache.
 *
 * <p>A directory is used in place. Anything else is unpacked into {@code CACHE/models/KEY/}: built in a private
 * staging folder, checked, then renamed into place in one atomic step, so a cache entry is either complete or
 * absent. A cached entry is used without any network request. One fetch per entry runs at a time on a machine:
 * threads wait on a JVM lock, processes on a file lock ({@code CACHE/locks/KEY.lock}); the waiters then find the
 * finished entry. Remote zips must match their SHA-256 (see {@link ModelLocation}); a mismatch caches nothing.
 *
 * <p>Cache directory: {@code $IMGSEARCH_CACHE_DIR}, else {@code ~/.cache/imgsearch}.
 */
public final class ModelFetcher {

    public static final String CACHE_DIR_ENV = "IMGSEARCH_CACHE_DIR";

    private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    private final Path cacheDir;
    private final ArtifactDownloader downloader;

    /** A fetcher whose Hadoop file systems (s3a…) use a default {@link Configuration}, made on first use. */
    public ModelFetcher(Path cacheDir) {
        this(cacheDir, () -> new Configuration());
    }

    /** A fetcher whose Hadoop file systems use the given configuration (e.g. Spark's, with fs.s3a.* keys). */
    public ModelFetcher(Path cacheDir, Configuration hadoopConf) {
        this(cacheDir, () -> hadoopConf);
    }

    private ModelFetcher(Path cacheDir, Supplier<Configuration> hadoopConf) {
        this.cacheDir = cacheDir.toAbsolutePath().normalize();
        this.downloader = new ArtifactDownloader(hadoopConf);
    }

    /** A fetcher on {@link #defaultCacheDir()}. */
    public static ModelFetcher withDefaultCache() {
        return new ModelFetcher(defaultCacheDir());
    }

    public static Path defaultCacheDir() {
        String configured = System.getenv(CACHE_DIR_ENV);
        return configured != null && !configured.isBlank()
                ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "imgsearch");
    }

    public Path cacheDir() {
        return cacheDir;
    }

    /** The local model directory for a location, downloading and unpacking it into the cache when needed. */
    public Path fetch(ModelLocation location) throws IOException {
        return switch (location.kind()) {
            case DIRECTORY -> {
                Path dir = Path.of(location.location());
                ModelDescriptor.read(dir);
                yield dir;
            }
            case ZIP -> fetchLocalZip(location);
            case URL -> fetchRemoteZip(location, location.sha256());
            case HADOOP -> fetchRemoteZip(location, location.sha256() != null
                    ? location.sha256() : downloader.hadoopVersion(location.uri()));
            case DEFAULT -> {
                DefaultModel.Source source = DefaultModel.Source.configured();
                yield entry("default-" + key(source.identity()), dir -> DefaultModel.assemble(source, downloader, dir));
            }
        };
    }

    private Path fetchLocalZip(ModelLocation location) throws IOException {
        Path zip = Path.of(location.location());
        if (!Files.isRegularFile(zip)) {
            throw new NoSuchFileException(zip.toString(), null, "model zip not found");
        }
        BasicFileAttributes attributes = Files.readAttributes(zip, BasicFileAttributes.class);
        String version = attributes.size() + "@" + attributes.lastModifiedTime().toMillis();
        Path entry = entry("zip-" + key(zip + "#" + version), dir -> {
            Zips.extract(zip, dir);
            modelDirIn(dir, location);
        });
        return modelDirIn(entry, location);
    }

    private Path fetchRemoteZip(ModelLocation location, String version) throws IOException {
        String prefix = location.kind() == ModelLocation.Kind.URL ? "url-" : "hadoop-";
        Path entry = entry(prefix + key(location.location() + "#" + version), dir -> {
            Path zip = dir.resolve(".download.zip");
            downloader.download(location.uri(), location.sha256(), zip);
            Zips.extract(zip, dir);
            Files.delete(zip);
            modelDirIn(dir, location);
        });
        return modelDirIn(entry, location);
    }

    /** The folder holding the descriptor: the unpacked root, or its single top-level folder. */
    private static Path modelDirIn(Path root, ModelLocation location) throws IOException {
        if (Files.isRegularFile(root.resolve(ModelDescriptor.FILE_NAME))) {
            return root;
        }
        List<Path> folders = new ArrayList<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(root, Files::isDirectory)) {
            children.forEach(folders::add);
        }
        if (folders.size() == 1 && Files.isRegularFile(folders.get(0).resolve(ModelDescriptor.FILE_NAME))) {
            return folders.get(0);
        }
        throw new IOException(location + " holds no " + ModelDescriptor.FILE_NAME
                + " at its top level (make the zip with tools/clip_model.py pack)");
    }

    @FunctionalInterface
    private interface Filler {
        void fill(Path stagingDir) throws IOException;
    }

    private Path entry(String key, Filler filler) throws IOException {
        Path entry = cacheDir.resolve("models").resolve(key);
        if (Files.isDirectory(entry)) {
            return entry;
        }
        Path locks = Files.createDirectories(cacheDir.resolve("locks"));
        Path staging = Files.createDirectories(cacheDir.resolve("tmp"));
        Files.createDirectories(entry.getParent());
        Path lockFile = locks.resolve(key + ".lock");
        ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(lockFile, k -> new ReentrantLock());
        jvmLock.lock();
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock processLock = channel.lock()) {
            if (Files.isDirectory(entry)) {
                return entry;
            }
            deleteLeftovers(staging, key);
            Path dir = Files.createTempDirectory(staging, key + ".");
            try {
                filler.fill(dir);
                Files.move(dir, entry, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | RuntimeException e) {
                deleteTree(dir);
                throw e;
            }
            return entry;
        } finally {
            jvmLock.unlock();
        }
    }

    /** Staging folders of a fetch that died (we hold the key's lock, so nobody else is using them). */
    private static void deleteLeftovers(Path staging, String key) throws IOException {
        try (DirectoryStream<Path> stale = Files.newDirectoryStream(staging, key + ".*")) {
            for (Path dir : stale) {
                deleteTree(dir);
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static String key(String identity) {
        byte[] digest = ArtifactDownloader.messageDigest("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest, 0, 12);
    }
}
