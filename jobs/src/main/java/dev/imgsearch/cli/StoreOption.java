package dev.imgsearch.cli;

import picocli.CommandLine.Option;

/** {@code --store}: the vector store a command works on, declared once; the URI's grammar is {@code VectorStores}'. */
final class StoreOption {

    @Option(names = "--store", required = true, paramLabel = "URI",
            description = {"Vector store: lucene:DIR[?kind=flat|hnsw|hnsw-int8&m=M&beam-width=N] (embedded) or "
                + "chroma:http://HOST:PORT/COLLECTION.", "Read-only commands (search, validate, serve) never create one."})
    String uri;
}
