package dev.imgsearch.source;



import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageSourcesTest {

    private static final SourceOptions DEFAULTS = SourceOptions.defaults();

    @Test
    void otherHubRepositoryKindsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ImageSources.open("hf://models/acme/clip", DEFAULTS));
    }

    @Test
    void optionsSurviveSerializationAndKeepSecretsOutOfToString() throws IOException {
        SourceOptions options = SourceOptions.builder().hfToken("hf_secret").hfEndpoint("http://127.0.0.1:1/")
                .hadoopConf(Map.of("fs.s3a.secret.key", "s3secret", "fs.s3a.endpoint", "http://127.0.0.1:2")).build();

        assertEquals(options, SourceTestSupport.viaJavaSerialization(options));
        assertEquals("http://127.0.0.1:1", options.hfEndpoint());
        String text = options.toString();
        assertFalse(text.contains("hf_secret") || text.contains("s3secret"), text);
        assertTrue(text.contains("fs.s3a.endpoint=http://127.0.0.1:2"), text);
    }

    @Test
    void aBlankTokenMeansNoToken() {
        assertEquals(null, SourceOptions.builder().hfToken("  ").build().hfToken());
    }
}
