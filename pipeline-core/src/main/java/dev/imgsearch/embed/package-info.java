/**
 * One shard of the embed job, and the output it lands in. {@link dev.imgsearch.embed.ClipEmbedder} pairs a model with
 * its decoding and preprocessing (used by the job, the server and the CLI alike); {@link
 * dev.imgsearch.embed.ShardEmbedder} turns a shard's items into embedding and error rows; {@link
 * dev.imgsearch.embed.ShardCommitter} publishes them exactly once into the layout {@link
 * dev.imgsearch.embed.EmbedOutput} defines; {@link dev.imgsearch.embed.RerunCheck} decides whether a re-run may touch
 * an existing output; {@link dev.imgsearch.embed.Embeddings} is what readers of an output (build, validate, inspect)
 * see of it.
 */
package dev.imgsearch.embed;
