/** The embedding column's Parquet encoding: write cost and size (bench/parquet/run.sh). */
package dev.imgsearch.bench.parquet;
