/**
 * Dataset files on disks and Hadoop file systems: {@link dev.imgsearch.source.files.LocalDatasetFiles} (a local
 * folder, walked with its links) and {@link dev.imgsearch.source.files.HadoopDatasetFiles} ({@code s3a:},
 * {@code hdfs:} and the rest, through {@link dev.imgsearch.source.files.HadoopFiles}).
 */
package dev.imgsearch.source.files;
