package dev.imgsearch.jobs;

/**
 * What a build did.
 *
 * @param store            the store URI
 * @param embeddings       rows in the embeddings input
 * @param written          rows upserted (new, or changed since the last build)
 * @param unchanged        rows the store already held with the same image bytes
 * @param removed          store records deleted because their source is gone ({@code --remove-missing})
 * @param count            records in the store afterwards
 * @param seconds          wall time
 * @param vectorsPerSecond written rows per second of wall time
 */
public record BuildReport(String store, long embeddings, long written, long unchanged, long removed, long count,
        double seconds, double vectorsPerSecond) {
}
