package dev.imgsearch.store.chroma.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A collection's index and distance, read from each shape Chroma's servers answer with. The answers are as the servers
 * write them: single-node Chroma 1.0 (recorded from the npm server), distributed Chroma's SPANN configuration
 * (chromadb's {@code InternalSpannConfiguration}), the {@code schema} of newer servers ({@code VectorIndexConfig}
 * under the {@code #embedding} key), and collections made before configurations, with {@code hnsw:space} metadata.
 */
class ChromaIndexTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void singleNodeHnsw() throws Exception {
        assertEquals(new ChromaIndex(ChromaIndex.Kind.HNSW, "cosine"), index("""
                {"id":"8bb34c0b-4dce-40c6-a55e-69345b312f6a","name":"c11","configuration_json":{"hnsw":{"space":"cosine",
                "ef_construction":100,"ef_search":100,"max_neighbors":16,"resize_factor":1.2,"sync_threshold":1000},
                "spann":null,"embedding_function":null},"metadata":null,"dimension":null,"tenant":"default_tenant",
                "database":"default_database","log_position":0,"version":0}"""));
    }

    @Test
    void distributedSpann() throws Exception {
        assertEquals(new ChromaIndex(ChromaIndex.Kind.SPANN, "ip"), index("""
                {"id":"0b9e3f0e-6f4e-4d0e-9d43-3f1a7f0c2a11","name":"cloud","configuration_json":{"hnsw":null,
                "spann":{"search_nprobe":64,"search_rng_factor":1.0,"search_rng_epsilon":10.0,"nreplica_count":8,
                "write_rng_factor":1.0,"write_rng_epsilon":5.0,"split_threshold":50,"num_samples_kmeans":1000,
                "initial_lambda":100.0,"reassign_neighbor_count":64,"merge_threshold":25,"num_centers_to_merge_to":8,
                "write_nprobe":32,"ef_construction":200,"ef_search":200,"max_neighbors":64,"space":"ip"},
                "embedding_function":null},"metadata":null,"dimension":512}"""));
    }

    @Test
    void aSchemaWithoutConfigurationJson() throws Exception {
        assertEquals(new ChromaIndex(ChromaIndex.Kind.SPANN, "cosine"), index("""
                {"id":"x","name":"s","schema":{"defaults":{},"keys":{"#embedding":{"float_list":{"vector_index":
                {"enabled":true,"config":{"space":"cosine","source_key":"#document","spann":{"search_nprobe":64,
                "write_nprobe":32,"ef_construction":200,"ef_search":200,"max_neighbors":64}}}}}}}}"""));
        assertEquals(new ChromaIndex(ChromaIndex.Kind.HNSW, "l2"), index("""
                {"id":"x","name":"s","schema":{"keys":{"#embedding":{"float_list":{"vector_index":{"enabled":true,
                "config":{"hnsw":{"ef_construction":100}}}}}}}}"""));
    }

    @Test
    void legacyMetadataAndTheDefault() throws Exception {
        assertEquals(new ChromaIndex(ChromaIndex.Kind.HNSW, "cosine"),
                index("{\"id\":\"x\",\"name\":\"old\",\"metadata\":{\"hnsw:space\":\"cosine\"}}"));
        assertEquals(new ChromaIndex(ChromaIndex.Kind.HNSW, "l2"), index("{\"id\":\"x\",\"name\":\"old\"}"));
        assertEquals(new ChromaIndex(ChromaIndex.Kind.SPANN, "l2"),
                index("{\"configuration_json\":{\"hnsw\":null,\"spann\":{\"search_nprobe\":64}}}"));
    }

    private ChromaIndex index(String collection) throws Exception {
        return ChromaIndex.of(json.readTree(collection));
    }
}
