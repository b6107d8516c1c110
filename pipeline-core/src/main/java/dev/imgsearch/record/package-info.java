/**
 * The rows the embed job writes: embedding and error records, their ids, and their Parquet schema, writer and reader
 * ({@link dev.imgsearch.record.EmbeddingParquet} is the schema the README documents).
 */
package dev.imgsearch.record;
