package dev.imgsearch.store.lucene;

import dev.imgsearch.store.StoreException;
import dev.imgsearch.store.lucene.StoreManifest.ShardEntry;
import dev.imgsearch.store.lucene.StoreManifest.ShardFile;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexInput;

/**
 * A store on a Hadoop file system (s3a, hdfs, gs…). Lucene writes only local folders, so a shard is built in local
 * scratch and uploaded file by file into a folder no manifest names yet; the manifest is one object written whole,
 * which object stores make visible at once. Readers copy the published shards into a local cache, keyed by the
 * store's location, and check every file's length and CRC32 against the manifest before opening it; a file already
 * in the cache that checks out is not copied again.
 */
final class HadoopRoot implements StoreRoot {

    private final org.apache.hadoop.fs.Path dir;
    private final Map<String, String> hadoopConf;
    private final Path cache;
    private FileSystem fs;

    /**
     * @param hadoopConf settings on top of Hadoop's defaults (s3a endpoint, credentials)
     * @param cacheRoot  where readers keep their local copies; each store gets its own folder in it
     */
    HadoopRoot(String location, Map<String, String> hadoopConf, Path cacheRoot) {
        this.dir = new org.apache.hadoop.fs.Path(location);
        this.hadoopConf = Map.copyOf(hadoopConf);
        this.cache = cacheRoot.resolve("stores").resolve(digest(location));
    }

    @Override
    public String describe() {
        return dir.toString();
    }

    @Override
    public Optional<StoreManifest> manifest() throws IOException {
        org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(dir, StoreManifest.FILE_NAME);
        try (FSDataInputStream in = fs().open(file)) {
            return Optional.of(StoreManifest.fromJson(in.readAllBytes(), file.toString()));
        } catch (FileNotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public void publish(StoreManifest manifest) throws IOException {
        // One object, written on close: the store sees the old manifest or the new one.
        try (OutputStream out = fs().create(new org.apache.hadoop.fs.Path(dir, StoreManifest.FILE_NAME), true)) {
            out.write(manifest.toJson());
        }
    }

    @Override
    public boolean holdsSingleIndex() {
        return false;
    }

    @Override
    public Path writable(String name, Optional<ShardEntry> base) throws IOException {
        Path scratch = Files.createTempDirectory("imgsearch-shard-" + name + "-");
        if (base.isPresent()) {
            download(base.get(), scratch);
        }
        return scratch;
    }

    @Override
    public void upload(Path local, String name) throws IOException {
        org.apache.hadoop.fs.Path target = shardPath(name);
        try (var files = Files.list(local)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                if (!file.getFileName().toString().equals("write.lock")) {
                    // A plain stream: s3a's copyFromLocalFile needs commons-collections4, which only Spark brings.
                    try (OutputStream out = fs().create(new org.apache.hadoop.fs.Path(target,
                            file.getFileName().toString()), true)) {
                        Files.copy(file, out);
                    }
                }
            }
        }
        LocalRoot.deleteTree(local);
    }

    @Override
    public void verify(ShardEntry entry) throws IOException {
        org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path(dir, entry.path());
        for (ShardFile file : entry.files()) {
            org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(remote, file.name());
            long length;
            try {
                length = fs().getFileStatus(path).getLen();
            } catch (FileNotFoundException e) {
                length = -1;
            }
            if (length != file.length()) {
                throw new StoreException("shard " + entry.shard() + " of the Lucene store at " + dir + " lacks "
                        + file.name() + " as its manifest lists it: its upload did not complete");
            }
        }
    }

    @Override
    public Path readable(ShardEntry entry) throws IOException {
        Path local = cache.resolve(entry.path());
        download(entry, local);
        return local;
    }

    @Override
    public void removeUnreferenced(StoreManifest manifest) throws IOException {
        Set<String> kept = new HashSet<>();
        manifest.entries().forEach(entry -> kept.add(entry.path()));
        for (FileStatus shard : shardFolders()) {
            if (!kept.contains(SHARDS + "/" + shard.getPath().getName())) {
                fs().delete(shard.getPath(), true);
            }
        }
    }

    @Override
    public void removeWrittenBy(String prefix) throws IOException {
        for (FileStatus shard : shardFolders()) {
            if (shard.getPath().getName().startsWith(prefix)) {
                fs().delete(shard.getPath(), true);
            }
        }
    }

    @Override
    public AutoCloseable lockForWriting() {
        return () -> { };
    }

    /** Copies the shard's files into {@code local}, keeping those already there that check out, and checks them all. */
    private void download(ShardEntry entry, Path local) throws IOException {
        Files.createDirectories(local);
        org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path(dir, entry.path());
        try (Directory directory = FSDirectory.open(local)) {
            for (ShardFile file : entry.files()) {
                Path target = local.resolve(file.name());
                if (Files.isRegularFile(target) && checksOut(directory, file)) {
                    continue;
                }
                Path part = local.resolve(file.name() + ".part");
                try (InputStream in = fs().open(new org.apache.hadoop.fs.Path(remote, file.name()))) {
                    Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
                }
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                if (!checksOut(directory, file)) {
                    throw new StoreException("shard " + entry.shard() + " of the Lucene store at " + dir + ": "
                            + file.name() + " does not match its manifest (length or CRC32): the copy is corrupt");
                }
            }
        }
    }

    private static boolean checksOut(Directory directory, ShardFile file) throws IOException {
        if (directory.fileLength(file.name()) != file.length()) {
            return false;
        }
        try (IndexInput in = directory.openInput(file.name(), IOContext.READONCE)) {
            return CodecUtil.checksumEntireFile(in) == file.checksum();
        } catch (IOException e) {
            // A torn or foreign file: Lucene's footer check names what is wrong, and the file is copied again.
            return false;
        }
    }

    private FileStatus[] shardFolders() throws IOException {
        try {
            return fs().listStatus(new org.apache.hadoop.fs.Path(dir, SHARDS));
        } catch (FileNotFoundException e) {
            return new FileStatus[0];
        }
    }

    private org.apache.hadoop.fs.Path shardPath(String name) {
        return new org.apache.hadoop.fs.Path(new org.apache.hadoop.fs.Path(dir, SHARDS), name);
    }

    private FileSystem fs() throws IOException {
        if (fs == null) {
            Configuration conf = new Configuration();
            hadoopConf.forEach(conf::set);
            fs = dir.getFileSystem(conf);
        }
        return fs;
    }

    private static String digest(String location) {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(location.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
