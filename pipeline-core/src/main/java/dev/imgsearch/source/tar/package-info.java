/**
 * WebDataset tar shards: one tar file is one shard ({@link dev.imgsearch.source.tar.TarLayout}), streamed sample by
 * sample in bounded memory, with torn and hostile members as error rows
 * ({@link dev.imgsearch.source.tar.TarSamples}); members are read back by their recorded offset.
 */
package dev.imgsearch.source.tar;
