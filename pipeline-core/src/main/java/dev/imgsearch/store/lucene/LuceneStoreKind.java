package dev.imgsearch.store.lucene;

import dev.imgsearch.store.MetadataSchema;
import dev.imgsearch.store.OpenMode;
import dev.imgsearch.store.StoreCapability;
import dev.imgsearch.store.StoreException;
import dev.imgsearch.store.StoreKind;
import dev.imgsearch.store.StoreUri;
import dev.imgsearch.store.VectorStore;
import dev.imgsearch.store.lucene.LuceneIndex.SettingsCheck;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code lucene:DIR}: an embedded index in a local directory. Options {@code kind}, {@code m} and {@code beam-width}
 * set how a new index is built, and an existing one must have been built so when any is given; {@code candidates}
 * sets how many HNSW candidates a search explores. One writer at a time.
 */
public final class LuceneStoreKind implements StoreKind {

    private static final Set<String> SETTINGS = Set.of("kind", "m", "beam-width");
    private static final String CANDIDATES = "candidates";

    @Override
    public String scheme() {
        return "lucene";
    }

    @Override
    public String form() {
        return "lucene:DIR";
    }

    @Override
    public Set<String> options() {
        return Set.of("kind", "m", "beam-width", CANDIDATES);
    }

    @Override
    public void check(StoreUri uri) {
        dir(uri);
        settings(uri);
        uri.intOption(CANDIDATES, LuceneVectorStore.DEFAULT_SEARCH_CANDIDATES);
    }

    @Override
    public Set<StoreCapability> capabilities(StoreUri uri) {
        return Set.of();
    }

    @Override
    public boolean exists(StoreUri uri) {
        Path dir = dir(uri);
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Directory directory = FSDirectory.open(dir)) {
            return DirectoryReader.indexExists(directory);
        } catch (IOException e) {
            throw new StoreException("cannot look for a Lucene index at " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public VectorStore open(StoreUri uri, OpenMode mode, MetadataSchema schema) {
        LuceneIndexSettings asked = settings(uri);
        int candidates = uri.intOption(CANDIDATES, LuceneVectorStore.DEFAULT_SEARCH_CANDIDATES);
        return asked == null
                ? LuceneVectorStore.open(dir(uri), mode, LuceneIndexSettings.builder().schema(schema).build(),
                        SettingsCheck.EXISTING_KEEPS_ITS_OWN, candidates)
                : LuceneVectorStore.open(dir(uri), mode, asked.toBuilder().schema(schema).build(),
                        SettingsCheck.MUST_MATCH, candidates);
    }

    private static Path dir(StoreUri uri) {
        return uri.orBad(() -> Path.of(uri.location()));
    }

    /** The settings the URI asks for, or null when it names none (an existing index then keeps its own). */
    private static LuceneIndexSettings settings(StoreUri uri) {
        if (SETTINGS.stream().noneMatch(uri::hasOption)) {
            return null;
        }
        LuceneIndexSettings defaults = LuceneIndexSettings.DEFAULT;
        return uri.orBad(() -> LuceneIndexSettings.builder()
                .kind(LuceneIndexKind.parse(uri.option("kind", defaults.kind().id())))
                .maxConn(uri.intOption("m", defaults.maxConn()))
                .beamWidth(uri.intOption("beam-width", defaults.beamWidth()))
                .build());
    }
}
