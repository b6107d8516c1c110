/**
 * The Chroma store: {@code chroma:http://HOST:PORT/COLLECTION}, a collection of a Chroma server ({@link
 * dev.imgsearch.store.chroma.ChromaVectorStore}), over the small v2 client in {@code client}.
 */
package dev.imgsearch.store.chroma;
