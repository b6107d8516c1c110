/** Query latency and throughput of the search service over HTTP (bench/serve/run.sh). */
package dev.imgsearch.bench.serve;
