#!/usr/bin/env bash
# Vector store benchmark: ingest rate, query latency and recall@10 of each store on clustered random vectors.
# Usage: bench/store/run.sh [--vectors=100000] [--dim=512] [--queries=500] [--stores=lucene-flat,...,chroma] ...
# Starts its own Chroma server (installed by .ci/chroma/install.sh) on a free loopback port when chroma is benchmarked.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$(mktemp -d)"
chroma_pid=""
cleanup() {
  if [[ -n "$chroma_pid" ]]; then kill -9 "$chroma_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

cd "$root"
mvn -o -q -pl pipeline-core test-compile dependency:build-classpath -Dmdep.outputFile="$work/classpath" >/dev/null
classpath="pipeline-core/target/test-classes:pipeline-core/target/classes:$(cat "$work/classpath")"

args=("$@")
if [[ " $* " != *" --stores="* || " $* " == *chroma* ]]; then
  bin="${IMGSEARCH_CHROMA_BIN:-$root/.ci/chroma/node_modules/.bin/chroma}"
  [[ -x "$bin" ]] || { echo "no chroma at $bin: run bash .ci/chroma/install.sh" >&2; exit 1; }
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  "$bin" run --path "$work/chroma" --host 127.0.0.1 --port "$port" >"$work/chroma.log" 2>&1 &
  chroma_pid=$!
  disown "$chroma_pid"
  for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$port/api/v2/heartbeat" >/dev/null && break
    sleep 0.1
  done
  args+=("--chroma=http://127.0.0.1:$port")
fi

java -Xmx6g -cp "$classpath" dev.imgsearch.store.StoreBench --dir="$work/lucene" "${args[@]}"
