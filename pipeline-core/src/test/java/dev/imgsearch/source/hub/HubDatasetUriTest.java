package dev.imgsearch.source.hub;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HubDatasetUriTest {

    @Test
    void defaultsToTheParquetExportOfTheWholeDataset() {
        assertEquals(new HubDatasetUri("acme/pets", "~parquet", "refs/convert/parquet", ""),
                HubDatasetUri.parse("hf://datasets/acme/pets"));
        assertEquals(new HubDatasetUri("acme/pets", "~parquet", "refs/convert/parquet", "default/train"),
                HubDatasetUri.parse("hf://datasets/acme/pets/default/train/"));
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
    void rowUrisRepeatTheRevisionAsWritten() {
        assertEquals("hf://datasets/acme/pets@refs%2Fpr%2F3/data/a.parquet#row=7",
                HubDatasetUri.parse("hf://datasets/acme/pets@refs%2Fpr%2F3/data").rowUri("data/a.parquet", 7));
    }

    @Test
    void rejectsOtherRepositoryKindsAndMissingNames() {
        for (String bad : new String[]{"hf://models/acme/clip", "hf://datasets/pets", "hf://datasets/acme/", "hf://acme/pets"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HubDatasetUri.parse(bad), bad);
            assertTrue(e.getMessage().contains("hf://datasets/ORG/NAME[@REVISION][/CONFIG[/SPLIT]]"), e.getMessage());
        }
    }

    @Test
    void encodesPathsLikePythonQuote() {
        assertEquals("refs%2Fconvert%2Fparquet", HubClient.encode("refs/convert/parquet", false));
        assertEquals("default/train%20set/0000.parquet", HubClient.encode("default/train set/0000.parquet", true));
        assertEquals("caf%C3%A9", HubClient.encode("caf\u00e9", true));
    }
}
