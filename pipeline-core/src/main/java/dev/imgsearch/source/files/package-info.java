/**
 * Image folders: local ({@link dev.imgsearch.source.files.LocalImageDirectory}) and on Hadoop file systems such as
 * s3a ({@link dev.imgsearch.source.files.HadoopImageDirectory}), planned as runs of files
 * ({@link dev.imgsearch.source.files.FileListShard}); {@link dev.imgsearch.source.files.ImageFiles} holds the naming
 * and caption rules they share.
 */
package dev.imgsearch.source.files;
