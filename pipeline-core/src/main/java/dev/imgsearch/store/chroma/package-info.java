/**
 * The Chroma store: {@code chroma:http://HOST:PORT/COLLECTION}, a collection of a Chroma server ({@link
 * dev.imgsearch.store.chroma.ChromaVectorStore}), over the small v2 client in {@code client}; its URI options and
 * where a token is read from ({@link dev.imgsearch.store.chroma.TokenSource}).
 */
package dev.imgsearch.store.chroma;
