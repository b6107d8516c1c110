# Sourced by every bench/AREA/*.sh: $root (the repository), a scratch folder $work removed on exit, the classpath of
# the benchmark module (`bench_classpath`), and a Chroma server (installed by .ci/chroma/install.sh) started in $work on
# a free loopback port on demand (`start_chroma`, which sets $chroma_url).
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
chroma_pid=""
cleanup() {
  if [[ -n "$chroma_pid" ]]; then kill -9 "$chroma_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Compiles the bench module (and what it depends on) and prints its runtime classpath.
bench_classpath() {
  # With -am every module writes the file in reactor order, the bench module last, and siblings resolve to their
  # target/classes; test-compile because the modules' test fixtures (test-jars) resolve only from that phase on.
  (cd "$root" && mvn -o -q -pl bench -am test-compile dependency:build-classpath -Dmdep.includeScope=runtime \
    -Dmdep.outputFile="$work/bench.classpath" >/dev/null)
  echo "$root/bench/target/classes:$(cat "$work/bench.classpath")"
}

start_chroma() {
  local bin="${IMGSEARCH_CHROMA_BIN:-$root/.ci/chroma/node_modules/.bin/chroma}" port
  [[ -x "$bin" ]] || { echo "no chroma at $bin: run bash .ci/chroma/install.sh" >&2; exit 1; }
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  "$bin" run --path "$work/chroma" --host 127.0.0.1 --port "$port" >"$work/chroma.log" 2>&1 &
  chroma_pid=$!
  disown "$chroma_pid"
  for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$port/api/v2/heartbeat" >/dev/null && break
    sleep 0.1
  done
  chroma_url="http://127.0.0.1:$port"
  echo "chroma: $("$bin" --version) at $chroma_url"
}

# The N x DIM clustered embeddings of bench/store (MakeEmbeddings) in $DATA_CACHE/embeddings-NxDIM, made there unless
# an earlier run left them (default $DATA_CACHE: $work, so made afresh): written in a sibling folder and renamed when
# complete, so the folder, once there, is whole. Prints the folder; needs $classpath.
bench_embeddings() {
  local dir="${DATA_CACHE:-$work}/embeddings-${1}x${2}"
  if [ ! -d "$dir" ]; then
    rm -rf "$dir.partial"
    java -cp "$classpath" dev.imgsearch.bench.store.MakeEmbeddings "$1" "$2" "$dir.partial" >"$work/make-embeddings.log" 2>&1 \
      || { cat "$work/make-embeddings.log" >&2; return 1; }
    mv "$dir.partial" "$dir"
  fi
  echo "$dir"
}
