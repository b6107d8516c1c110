package dev.imgsearch.embed;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The layout of an embed job's output root, on any Hadoop file system; the one place that knows it.
 * <ul>
 *   <li>{@code embeddings/part-SHARD.parquet}: the rows of the images a shard embedded;</li>
 *   <li>{@code errors/part-SHARD.parquet}: the rows of the inputs it could not embed, with the reason;</li>
 *   <li>{@code _committed/SHARD.json}: the shard's commit marker (a {@link ShardSummary}), written last;</li>
 *   <li>{@code run-report.json}, or {@code run-report-part-I-of-N.json} for one of N workers sharing the output.</li>
 * </ul>
 * A shard exists for readers only once its marker does: a part file without one (a crash between publishing the
 * parts and the marker) is invisible here, and the shard is simply redone. Files being written carry hidden names
 * ({@code .NAME.UUID.tmp}), which Spark, pyarrow and DuckDB skip too.
 *
 * <p>The markers folder is created before any part is published, so a folder of {@code part-*.parquet} files without
 * one was not written by the embed job (for instance, embeddings exported by other tools): see {@link #isEmbedOutput}.
 */
public final class EmbedOutput {

    static final String EMBEDDINGS = "embeddings";
    static final String ERRORS = "errors";
    static final String COMMITTED = "_committed";
    private static final String PART_PREFIX = "part-";
    private static final String PART_SUFFIX = ".parquet";
    private static final String MARKER_SUFFIX = ".json";
    private static final String STAGING_SUFFIX = ".tmp";
    private static final int MARKER_READERS = 16;
    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path root;
    private final Configuration conf;
    private final FileSystem fs;

    private EmbedOutput(Path root, Configuration conf) throws IOException {
        this.root = root;
        this.conf = conf;
        this.fs = root.getFileSystem(conf);
        if (fs instanceof LocalFileSystem local) {
            local.setWriteChecksum(false);
        }
    }

    /** The output rooted at {@code location} (a path or a Hadoop URI), which need not exist yet. */
    public static EmbedOutput at(String location, Configuration conf) throws IOException {
        return new EmbedOutput(new Path(location), conf);
    }

    public Path root() {
        return root;
    }

    public FileSystem fileSystem() {
        return fs;
    }

    Configuration conf() {
        return conf;
    }

    /** Whether the embed job has written here: the markers folder exists. */
    public boolean isEmbedOutput() throws IOException {
        return fs.isDirectory(committedDir());
    }

    public Path embeddingsDir() {
        return new Path(root, EMBEDDINGS);
    }

    public Path errorsDir() {
        return new Path(root, ERRORS);
    }

    Path committedDir() {
        return new Path(root, COMMITTED);
    }

    Path embeddingsPart(String shardId) {
        return new Path(embeddingsDir(), PART_PREFIX + shardId + PART_SUFFIX);
    }

    Path errorsPart(String shardId) {
        return new Path(errorsDir(), PART_PREFIX + shardId + PART_SUFFIX);
    }

    Path marker(String shardId) {
        return new Path(committedDir(), shardId + MARKER_SUFFIX);
    }

    /** Where a file is written before it is published under {@code target}: hidden, unique, next to it. */
    static Path staging(Path target, String unique) {
        return new Path(target.getParent(), "." + target.getName() + "." + unique + STAGING_SUFFIX);
    }

    /** The run report of this job, or of worker {@code shardIndex} of {@code numShards} sharing the output. */
    public Path runReport(int shardIndex, int numShards) {
        return new Path(root, numShards == 1 ? "run-report.json"
                : "run-report-part-" + shardIndex + "-of-" + numShards + ".json");
    }

    /** Ids of the shards whose output is complete. */
    public Set<String> committedShardIds() throws IOException {
        Set<String> ids = new TreeSet<>();
        for (FileStatus status : list(committedDir())) {
            String name = status.getPath().getName();
            if (status.isFile() && name.endsWith(MARKER_SUFFIX) && !name.startsWith(".")) {
                ids.add(name.substring(0, name.length() - MARKER_SUFFIX.length()));
            }
        }
        return ids;
    }

    /** Every committed shard's marker, by shard id; read in parallel, since object stores answer slowly one by one. */
    public Map<String, ShardSummary> committedShards() throws IOException {
        List<String> ids = new ArrayList<>(committedShardIds());
        Map<String, ShardSummary> shards = new TreeMap<>();
        if (ids.isEmpty()) {
            return shards;
        }
        ExecutorService readers = Executors.newFixedThreadPool(Math.min(MARKER_READERS, ids.size()), r -> {
            Thread thread = new Thread(r, "imgsearch-marker-reader");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<ShardSummary>> reads = new ArrayList<>();
            for (String id : ids) {
                reads.add(readers.submit(() -> readMarker(id)));
            }
            for (int i = 0; i < ids.size(); i++) {
                shards.put(ids.get(i), reads.get(i).get());
            }
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading the commit markers of " + root, e);
        } finally {
            readers.shutdownNow();
        }
        return shards;
    }

    /** The marker of a committed shard. */
    public ShardSummary readMarker(String shardId) throws IOException {
        Path marker = marker(shardId);
        try (var in = fs.open(marker)) {
            return JSON.readValue(in.getWrappedStream(), ShardSummary.class);
        } catch (IOException | RuntimeException e) {
            throw new IOException("unreadable commit marker " + marker + ": " + e.getMessage(), e);
        }
    }

    /**
     * The one provenance the committed shards share; empty when none is committed or none recorded it (markers written
     * before provenance was).
     *
     * @throws MixedOutputException when shards were made by different models or preprocessing
     */
    public Optional<Provenance> provenance() throws IOException {
        return provenanceOf(committedShards().values());
    }

    /** As {@link #provenance()}, over markers already read. */
    public Optional<Provenance> provenanceOf(Iterable<ShardSummary> markers) {
        Provenance found = null;
        String foundIn = null;
        for (ShardSummary marker : markers) {
            Provenance p = marker.provenance();
            if (p == null) {
                continue;
            }
            if (found == null) {
                found = p;
                foundIn = marker.shardId();
            } else if (!found.sameEmbeddingsAs(p)) {
                throw new MixedOutputException(root + " mixes embeddings of two models or preprocessings: shard "
                        + foundIn + " has " + describe(found) + ", shard " + marker.shardId() + " has " + describe(p)
                        + "; embed each model into its own --output");
            }
        }
        return Optional.ofNullable(found);
    }

    /** The embeddings part of every committed shard, sorted. */
    public List<Path> committedEmbeddingFiles() throws IOException {
        return committedParts(embeddingsDir());
    }

    /** The errors part of every committed shard, sorted. */
    public List<Path> committedErrorFiles() throws IOException {
        return committedParts(errorsDir());
    }

    private List<Path> committedParts(Path dir) throws IOException {
        Set<String> committed = committedShardIds();
        List<Path> files = new ArrayList<>();
        for (FileStatus status : list(dir)) {
            String shard = partShardId(status.getPath().getName());
            if (status.isFile() && shard != null && committed.contains(shard)) {
                files.add(status.getPath());
            }
        }
        Collections.sort(files);
        return files;
    }

    /** A file that belongs to a shard: a published part, a marker, or a staging file of either. */
    record ShardFile(Path path, String shardId, boolean staging) {
    }

    /** Every file of every shard in the three folders; other files (a user's notes, say) are not listed. */
    List<ShardFile> shardFiles() throws IOException {
        List<ShardFile> files = new ArrayList<>();
        for (Path dir : List.of(embeddingsDir(), errorsDir(), committedDir())) {
            String published = dir.equals(committedDir()) ? MARKER_SUFFIX : PART_SUFFIX;
            for (FileStatus status : list(dir)) {
                String name = status.getPath().getName();
                boolean staging = name.startsWith(".") && name.endsWith(STAGING_SUFFIX);
                String target = staging
                        ? name.substring(1, name.lastIndexOf('.', name.length() - STAGING_SUFFIX.length() - 1))
                        : name;
                String id = shardIdOf(target, published);
                if (status.isFile() && id != null) {
                    files.add(new ShardFile(status.getPath(), id, staging));
                }
            }
        }
        return files;
    }

    /** The shard id of a published part's file name, or null for any other name. */
    private static String partShardId(String name) {
        return shardIdOf(name, PART_SUFFIX);
    }

    private static String shardIdOf(String name, String suffix) {
        if (suffix.equals(PART_SUFFIX)) {
            return name.startsWith(PART_PREFIX) && name.endsWith(PART_SUFFIX) && !name.startsWith(".")
                    ? name.substring(PART_PREFIX.length(), name.length() - PART_SUFFIX.length()) : null;
        }
        return name.endsWith(MARKER_SUFFIX) && !name.startsWith(".")
                ? name.substring(0, name.length() - MARKER_SUFFIX.length()) : null;
    }

    private List<FileStatus> list(Path dir) throws IOException {
        try {
            return List.of(fs.listStatus(dir));
        } catch (java.io.FileNotFoundException e) {
            return List.of();
        }
    }

    private static String describe(Provenance p) {
        return "model " + p.model() + " with preprocessing '" + p.preprocessing() + "'";
    }

    /** An output whose shards were embedded differently, so its rows cannot be used together. */
    public static final class MixedOutputException extends IllegalStateException {
        public MixedOutputException(String message) {
            super(message);
        }
    }
}
