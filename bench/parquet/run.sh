#!/usr/bin/env bash
# Write cost and size of the embedding column as list<float> (what the embed job writes) against float32 binary.
# Usage: bench/parquet/run.sh [ROWS] [DIM]   (default 100000 512)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
classpath="$(bench_classpath)"
java -cp "$classpath" dev.imgsearch.bench.parquet.ParquetEncodingBench "${1:-100000}" "${2:-512}" "$work/pq"
