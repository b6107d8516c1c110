/**
 * The embedded store: {@code lucene:DIR}, a Lucene index in a local directory ({@link
 * dev.imgsearch.store.lucene.LuceneVectorStore}; the Lucene plumbing of writer, searchers and commits is in {@code
 * LuceneIndex}, the mapping of records onto documents in {@code LuceneDocuments}).
 */
package dev.imgsearch.store.lucene;
