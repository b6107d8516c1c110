package dev.imgsearch.model;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelLocationTest {

    private static final String SHA = "AB".repeat(32);

    @Test
    void nothingOrDefaultMeansTheDefaultModel() {
        assertEquals(ModelLocation.Kind.DEFAULT, ModelLocation.parse(null).kind());
        assertEquals(ModelLocation.Kind.DEFAULT, ModelLocation.parse("  ").kind());
        assertEquals(ModelLocation.defaultModel(), ModelLocation.parse("default"));
        assertEquals("default", ModelLocation.defaultModel().toString());
    }

    @Test
    void localPathsAreDirectoriesOrZipsMadeAbsolute() {
        ModelLocation dir = ModelLocation.parse("models/clip");
        assertEquals(ModelLocation.Kind.DIRECTORY, dir.kind());
        assertEquals(Path.of("models/clip").toAbsolutePath().normalize().toString(), dir.location());
        assertEquals(ModelLocation.Kind.ZIP, ModelLocation.parse("/data/clip.ZIP").kind());
        assertEquals(ModelLocation.parse("/data/clip.zip"), ModelLocation.parse("file:///data/clip.zip"));
    }

    @Test
    void httpUrlsCarryTheirChecksum() {
        ModelLocation url = ModelLocation.parse("https://host/m.zip#sha256=" + SHA);
        assertEquals(ModelLocation.Kind.URL, url.kind());
        assertEquals("https://host/m.zip", url.location());
        assertEquals(SHA.toLowerCase(), url.sha256());
        assertEquals("https://host/m.zip#sha256=" + SHA.toLowerCase(), url.toString());
        assertEquals(url, ModelLocation.parse(url.toString()));
    }

    @Test
    void httpUrlWithoutChecksumIsRefusedWithHowToGetIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelLocation.parse("https://host/m.zip"));
        assertTrue(e.getMessage().contains("#sha256="), e.getMessage());
        assertTrue(e.getMessage().contains("tools/clip_model.py pack"), e.getMessage());
    }

    @Test
    void malformedChecksumIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ModelLocation.parse("https://host/m.zip#sha256=abc"));
        assertThrows(IllegalArgumentException.class, () -> ModelLocation.parse("s3a://b/m.zip#md5=" + SHA));
    }

    @Test
    void otherSchemesGoThroughHadoopWithAnOptionalChecksum() {
        ModelLocation s3 = ModelLocation.parse("s3a://bucket/models/clip.zip");
        assertEquals(ModelLocation.Kind.HADOOP, s3.kind());
        assertNull(s3.sha256());
        assertEquals(SHA.toLowerCase(), ModelLocation.parse("s3a://bucket/clip.zip#sha256=" + SHA).sha256());
        assertEquals(ModelLocation.Kind.HADOOP, ModelLocation.parse("hdfs://nn:8020/m.zip").kind());
    }
}
