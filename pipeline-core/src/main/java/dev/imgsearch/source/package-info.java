/**
 * Where images come from. The driver plans a dataset into {@link dev.imgsearch.source.Shard}s, executors open them
 * into {@link dev.imgsearch.source.SourceItem}s; {@link dev.imgsearch.source.ImageFetcher} reads one embedded image
 * back from its record for serving. Start at {@link dev.imgsearch.source.ImageSources}, which picks where a location's
 * files live and lets {@link dev.imgsearch.source.DatasetSource} pick how they hold images.
 * Where files live ({@link dev.imgsearch.source.DatasetFiles}): {@code files} (local folders, Hadoop file systems
 * such as s3a) and {@code hub} (the Hugging Face Hub over HTTP). How they hold images
 * ({@link dev.imgsearch.source.Layout}): {@code folder} (image files with metadata), {@code tar} (WebDataset
 * shards), {@code parquet} (an image column). Every layout reads from every storage.
 */
package dev.imgsearch.source;
