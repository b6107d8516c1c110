/**
 * The Spark jobs, kept thin: planning on the driver and distribution to executors, with the work itself in
 * pipeline-core. {@link dev.imgsearch.jobs.EmbedJob} (images → embeddings, one task per shard) and {@link
 * dev.imgsearch.jobs.BuildJob} (embeddings → a vector store), their settings and reports, and the Spark session and
 * line they run on.
 */
package dev.imgsearch.jobs;
