/**
 * Where images come from: the driver plans a dataset into {@link dev.imgsearch.source.Shard}s, executors open them
 * into {@link dev.imgsearch.source.SourceItem}s. Start at {@link dev.imgsearch.source.ImageSources}, which picks the
 * source for a location; {@link dev.imgsearch.source.SourceOptions} carries the settings to executors. One
 * subpackage per kind of source: {@code files} (image folders), {@code parquet} (image columns), {@code hub} (the
 * Hugging Face Hub's HTTP API).
 */
package dev.imgsearch.source;
