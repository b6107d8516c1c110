/**
 * The embedded store: {@code lucene:DIR} ({@link dev.imgsearch.store.lucene.LuceneStoreKind}), one Lucene index
 * ({@link dev.imgsearch.store.lucene.LuceneVectorStore}; writer, searchers and commits in {@code LuceneIndex}, records
 * as documents in {@code LuceneDocuments}) or N of them as shards ({@code ShardedLuceneStore}: the shards named by a
 * {@code StoreManifest}, records routed by {@code ShardRouting}, the files kept by a {@code StoreRoot}, local or on a
 * Hadoop file system), built shard by shard by parallel tasks ({@code LuceneShardedBuild}, {@code LuceneShardPlan}).
 */
package dev.imgsearch.store.lucene;
