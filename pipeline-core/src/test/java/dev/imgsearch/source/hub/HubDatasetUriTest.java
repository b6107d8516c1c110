package dev.imgsearch.source.hub;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HubDatasetUriTest {

    @Test
    void defaultsToTheRepositorysOwnFilesAtMain() {
        assertEquals(new HubDatasetUri("acme/pets", "main", "main", ""), HubDatasetUri.parse("hf://datasets/acme/pets"));
        assertEquals(new HubDatasetUri("acme/pets", "main", "main", "data/train"),
                HubDatasetUri.parse("hf://datasets/acme/pets/data/train/"));
        assertFalse(HubDatasetUri.parse("hf://datasets/acme/pets").isParquetExport());
        assertTrue(HubDatasetUri.parse("hf://datasets/acme/pets@~parquet").isParquetExport());
    }

    @Test
    void specialRefsWithSlashesAreWrittenPlainly() {
        assertEquals(new HubDatasetUri("acme/pets", "refs/pr/3", "refs/pr/3", "data/x.tar"),
                HubDatasetUri.parse("hf://datasets/acme/pets@refs/pr/3/data/x.tar"));
        assertEquals(new HubDatasetUri("acme/pets", "refs/convert/parquet", "refs/convert/parquet", "default/train"),
                HubDatasetUri.parse("hf://datasets/acme/pets@refs/convert/parquet/default/train"));
        assertTrue(HubDatasetUri.parse("hf://datasets/acme/pets@refs/convert/parquet").isParquetExport());
    }

    @Test
    void takesBranchesTagsCommitsAndEncodedRevisions() {
        assertEquals(new HubDatasetUri("acme/pets", "v1.0", "v1.0", "data"),
                HubDatasetUri.parse("hf://datasets/acme/pets@v1.0/data"));
        assertEquals(new HubDatasetUri("Org-1/name_2.x", "refs%2Fpr%2F3", "refs/pr/3", ""),
                HubDatasetUri.parse("hf://datasets/Org-1/name_2.x@refs%2Fpr%2F3"));
        assertEquals(new HubDatasetUri("acme/pets", "~parquet", "refs/convert/parquet", "default"),
                HubDatasetUri.parse("hf://datasets/acme/pets@~parquet/default"));
    }

    @Test
    void fileUrisRepeatTheRevisionAsWrittenAndParseBack() {
        String uri = HubDatasetUri.parse("hf://datasets/acme/pets@refs%2Fpr%2F3/data").fileUri("data/a.parquet");
        assertEquals("hf://datasets/acme/pets@refs%2Fpr%2F3/data/a.parquet", uri);
        assertEquals("refs/pr/3", HubDatasetUri.parse(uri).revision());
        assertEquals("data/a.parquet", HubDatasetUri.parse(uri).path());
    }

    @Test
    void rejectsOtherRepositoryKindsAndMissingNames() {
        for (String bad : new String[]{"hf://models/acme/clip", "hf://datasets/pets", "hf://datasets/acme/", "hf://acme/pets"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HubDatasetUri.parse(bad), bad);
            assertTrue(e.getMessage().contains("hf://datasets/ORG/NAME[@REVISION][/PATH]"), e.getMessage());
        }
    }

    @Test
    void encodesPathsLikePythonQuote() {
        assertEquals("refs%2Fconvert%2Fparquet", HubClient.encode("refs/convert/parquet", false));
        assertEquals("default/train%20set/0000.parquet", HubClient.encode("default/train set/0000.parquet", true));
        assertEquals("caf%C3%A9", HubClient.encode("caf\u00e9", true));
    }
}
