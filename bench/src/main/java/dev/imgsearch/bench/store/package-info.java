/** Vector store ingest, query latency and recall, and the benchmark data they use (bench/store/*.sh). */
package dev.imgsearch.bench.store;
