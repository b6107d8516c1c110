/**
 * A small typed client for the parts of Chroma's v2 REST API the store needs ({@link
 * dev.imgsearch.store.chroma.client.ChromaClient}), in one tenant's database, with a token when the server wants one;
 * kept apart so that a published v2 client can replace it.
 */
package dev.imgsearch.store.chroma.client;
