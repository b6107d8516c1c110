package dev.imgsearch.source;

import dev.imgsearch.source.files.HadoopImageDirectory;
import dev.imgsearch.source.parquet.ParquetImageSource;

import dev.imgsearch.source.files.LocalImageDirectory;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageSourcesTest {

    private static final SourceOptions DEFAULTS = SourceOptions.defaults();

    @Test
    void picksTheSourceFromTheLocationAndFormat() {
        assertInstanceOf(LocalImageDirectory.class, ImageSources.open("/data/images", DEFAULTS));
        assertInstanceOf(LocalImageDirectory.class, ImageSources.open("file:///data/images", DEFAULTS));
        assertInstanceOf(HadoopImageDirectory.class, ImageSources.open("s3a://bucket/images", DEFAULTS));
        assertInstanceOf(ParquetImageSource.class, ImageSources.open("/data/table.parquet", DEFAULTS));
        assertInstanceOf(ParquetImageSource.class, ImageSources.open("s3a://bucket/table.parquet/", DEFAULTS));
        assertInstanceOf(ParquetImageSource.class, ImageSources.open("hf://datasets/acme/pets", DEFAULTS));
        assertInstanceOf(ParquetImageSource.class,
                ImageSources.open("s3a://bucket/table", SourceOptions.builder().format(SourceOptions.Format.PARQUET).build()));
        assertInstanceOf(LocalImageDirectory.class,
                ImageSources.open("/data/odd.parquet", SourceOptions.builder().format(SourceOptions.Format.IMAGES).build()));
    }

    @Test
    void huggingFaceDatasetsAreOnlyParquet() {
        assertThrows(IllegalArgumentException.class,
                () -> ImageSources.open("hf://datasets/acme/pets", SourceOptions.builder().format(SourceOptions.Format.IMAGES).build()));
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
