/**
 * Images in a column of a Parquet dataset, planned as runs of row groups
 * ({@link dev.imgsearch.source.parquet.RowGroupShard}) by {@link dev.imgsearch.source.parquet.ParquetLayout};
 * {@link dev.imgsearch.source.parquet.ParquetRows} finds the image, caption and label columns.
 */
package dev.imgsearch.source.parquet;
