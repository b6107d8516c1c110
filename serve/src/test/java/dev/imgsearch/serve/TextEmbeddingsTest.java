package dev.imgsearch.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The query cache in front of the batcher, with a fake model that records what it is asked to embed. */
class TextEmbeddingsTest {

    private final List<String> embedded = Collections.synchronizedList(new ArrayList<>());
    private final ServerMetrics metrics = new ServerMetrics();
    private TextEmbeddings texts;

    @AfterEach
    void close() {
        texts.close();
    }

    private float[][] model(List<String> batch) {
        embedded.addAll(batch);
        float[][] rows = new float[batch.size()][];
        for (int i = 0; i < batch.size(); i++) {
            if (batch.get(i).equals("broken")) {
                throw new IllegalStateException("the model failed on 'broken'");
            }
            rows[i] = new float[] {batch.get(i).length(), 1};
        }
        return rows;
    }

    @Test
    void aRepeatedQueryIsServedFromTheCacheAndCounted() {
        texts = new TextEmbeddings(this::model, metrics);
        float[] first = texts.of("a red bird");
        assertSame(first, texts.of("a red bird"));
        assertArrayEquals(new float[] {10, 1}, texts.of("a red bird"));
        assertArrayEquals(new float[] {3, 1}, texts.of("cat"));
        assertEquals(List.of("a red bird", "cat"), embedded, "each text reached the model once");
        String scrape = new String(metrics.scrape(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(scrape.contains("imgsearch_text_cache_lookups_total{result=\"hit\"} 2.0"), scrape);
        assertTrue(scrape.contains("imgsearch_text_cache_lookups_total{result=\"miss\"} 2.0"), scrape);
    }

    @Test
    void aFailureReachesTheCallerAndIsNotCached() {
        texts = new TextEmbeddings(this::model, metrics);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> texts.of("broken"));
        assertEquals("the model failed on 'broken'", e.getMessage());
        assertThrows(IllegalStateException.class, () -> texts.of("broken"));
        assertEquals(List.of("broken", "broken"), embedded, "the second request tried the model again");
    }

    @Test
    void theCacheIsBoundedByBytes() {
        // Room for about two entries: the cache keeps far fewer than the texts seen, so early ones are embedded again.
        texts = new TextEmbeddings(this::model, Duration.ofMillis(1), 32, 2 * (64 + 2 * 6 + 4 * 2), metrics);
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 50; i++) {
                texts.of("text" + i);
            }
        }
        assertTrue(embedded.size() > 100, "most texts were evicted and embedded again: " + embedded.size());
    }
}
