package dev.imgsearch.cli;

import dev.imgsearch.store.StoreUri;
import picocli.CommandLine.Option;

/**
 * {@code --store}: the vector store a command works on, declared once. The URI is parsed here, so a malformed one is a
 * usage error before anything runs; its grammar is {@link StoreUri}'s.
 */
final class StoreOption {

    @Option(names = "--store", required = true, paramLabel = "URI", converter = StoreUriConverter.class,
            description = {"Vector store: lucene:DIR[?kind=flat|hnsw|hnsw-int8&m=M&beam-width=N] (embedded) or "
                + "chroma:http://HOST:PORT/COLLECTION.", "Read-only commands (search, validate, serve) never create one."})
    StoreUri uri;
}
