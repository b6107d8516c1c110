package dev.imgsearch.store.chroma;

import dev.imgsearch.store.StoreUri;
import dev.imgsearch.store.VectorStoreContractTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/** The store contract against a real Chroma server; each test gets a fresh collection. */
class ChromaContractTest extends VectorStoreContractTest {

    @TempDir
    static Path data;

    private static ChromaServer server;
    private static final AtomicInteger COLLECTIONS = new AtomicInteger();

    @BeforeAll
    static void startServer() {
        server = ChromaServer.start(data.resolve("chroma"));
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected StoreUri newLocation() {
        return StoreUri.parse("chroma:" + server.url() + "/contract-" + COLLECTIONS.incrementAndGet());
    }
}
