/** Decode + CLIP preprocessing throughput per core, the Java side of bench/preprocess/run.sh. */
package dev.imgsearch.bench.preprocess;
