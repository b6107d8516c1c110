/**
 * Images in a column of a Parquet dataset, planned as runs of row groups
 * ({@link dev.imgsearch.source.parquet.RowGroupShard}) by {@link dev.imgsearch.source.parquet.ParquetImageSource};
 * {@link dev.imgsearch.source.parquet.ParquetFiles} says where the files live (a Hadoop file system here, the Hub in
 * {@code source.hub}).
 */
package dev.imgsearch.source.parquet;
