package dev.imgsearch.store;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetadataFilterTest {

    private static final MetadataSchema SCHEMA = MetadataSchema.IMAGES.with("score", MetadataSchema.FieldType.DOUBLE);

    @Test
    void clausesParseIntoTypedConditions() {
        MetadataFilter filter = MetadataFilter.parse(
                List.of("model=clip-vit-b32", "width>=512", "width<=2048", "score>=0.5", "uri=s3a://b/k=v.png"), SCHEMA);

        assertEquals(List.of(
                new MetadataFilter.Equals("model", "clip-vit-b32"),
                new MetadataFilter.Range("width", 512L, null),
                new MetadataFilter.Range("width", null, 2048L),
                new MetadataFilter.Range("score", 0.5, null),
                new MetadataFilter.Equals("uri", "s3a://b/k=v.png")), filter.conditions());
    }

    @Test
    void badClausesAreIllegalArgumentsNamingTheProblem() {
        Map<String, String> expected = Map.of(
                "colour=red", "unknown metadata field 'colour'",
                "width>=wide", "needs a long",
                "model>=3", "not numeric",
                "caption=cat", "cannot be filtered on",
                "nonsense", "expected field=value");
        expected.forEach((clause, message) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> MetadataFilter.parse(List.of(clause), SCHEMA), clause);
            assertTrue(e.getMessage().contains(message), clause + ": " + e.getMessage());
        });
    }

    @Test
    void valuesAreCheckedAndWidenedToTheSchemaTypes() {
        MetadataFilter checked = MetadataFilter.eq("width", 640).andIn("score", List.of(1, 2.5)).checkedAgainst(SCHEMA);

        assertEquals(List.of(new MetadataFilter.Equals("width", 640L), new MetadataFilter.In("score", List.of(1.0, 2.5))),
                checked.conditions());
        assertThrows(IllegalArgumentException.class, () -> MetadataFilter.eq("width", 6.5).checkedAgainst(SCHEMA));
        assertThrows(IllegalArgumentException.class, () -> MetadataFilter.eq("score", Double.NaN).checkedAgainst(SCHEMA));
    }

    @Test
    void schemasRoundTripThroughTheirTextForm() {
        assertEquals(SCHEMA, MetadataSchema.decode(SCHEMA.encode()));
        assertEquals("uri:keyword,width:long,height:long,sha256:keyword,model:keyword,caption:text,source:keyword,label:keyword,source_offset:long,source_length:long,score:double",
                SCHEMA.encode());
        assertThrows(IllegalArgumentException.class, () -> MetadataSchema.IMAGES.with("Bad-Name", MetadataSchema.FieldType.TEXT));
        assertThrows(IllegalArgumentException.class, () -> MetadataSchema.decode("uri:blob"));
    }

    @Test
    void canonicalMetadataDropsNullsAndRejectsOverlongKeywords() {
        Map<String, Object> metadata = new HashMap<>();
        metadata.put("uri", "file:/a");
        metadata.put("caption", null);
        assertEquals(Map.of("uri", "file:/a"), SCHEMA.canonical(metadata));

        String tooLong = "x".repeat(MetadataSchema.MAX_KEYWORD_BYTES + 1);
        assertThrows(IllegalArgumentException.class, () -> SCHEMA.canonical(Map.of("uri", tooLong)));
    }
}
