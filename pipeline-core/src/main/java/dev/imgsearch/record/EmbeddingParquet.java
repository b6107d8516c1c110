package dev.imgsearch.record;

import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * The Parquet schemas of the embed job's output, documented in the README.
 *
 * <p>The embedding is a standard three-level {@code LIST<FLOAT>} so that Spark, pyarrow and DuckDB read it as
 * {@code array<float>} with no custom code. The metadata is a JSON object in a plain string column, which every
 * one of them reads as a string and DuckDB's {@code json_extract} and Spark's {@code from_json} take apart.
 */
public final class EmbeddingParquet {

    public static final MessageType EMBEDDINGS = Types.buildMessage()
            .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("id")
            .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("uri")
            .required(PrimitiveTypeName.INT32).named("width")
            .required(PrimitiveTypeName.INT32).named("height")
            .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("sha256")
            .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("model")
            .requiredList().requiredElement(PrimitiveTypeName.FLOAT).named("embedding")
            .optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("caption")
            .optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("label")
            .optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("metadata")
            .optional(PrimitiveTypeName.INT64).named("source_offset")
            .optional(PrimitiveTypeName.INT64).named("source_length")
            .named("embedding_record");

    public static final MessageType ERRORS = Types.buildMessage()
            .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("id")
            .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("uri")
            .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("stage")
            .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("reason")
            .named("failed_image");

    private EmbeddingParquet() {
    }
}
