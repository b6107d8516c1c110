/**
 * Vector stores: the contract every kind of store keeps ({@link dev.imgsearch.store.VectorStore}, tested once by
 * {@code VectorStoreContractTest}), its records, requests, filters and schemas, and how a store is named and opened:
 * {@link dev.imgsearch.store.StoreUri} (the one place a store URI is read; start here), {@link
 * dev.imgsearch.store.OpenMode} and {@link dev.imgsearch.store.StoreCapability}. The contract's common steps live in
 * {@link dev.imgsearch.store.AbstractVectorStore}. Each kind lives in a subpackage and is found through
 * {@link dev.imgsearch.store.StoreKind}, so this package depends on none of them.
 */
package dev.imgsearch.store;
