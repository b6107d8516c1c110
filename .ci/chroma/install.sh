#!/usr/bin/env bash
# Installs the real Chroma server that the ChromaVectorStore tests start: npm package chromadb, pinned (with its
# native binding) by package-lock.json. Idempotent: does nothing when the installed tree matches the lock file.
set -euo pipefail

dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="$dir/node_modules/.bin/chroma"
stamp="$dir/node_modules/.imgsearch-lock.sha256"
want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"

if [[ -x "$bin" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "chroma test server already installed: $("$bin" --version)"
  exit 0
fi

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "install.sh: node and npm are needed (Node.js 20 or newer)" >&2
  exit 1
fi
if ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)'; then
  echo "install.sh: chromadb needs Node.js 20 or newer, found $(node --version)" >&2
  exit 1
fi

npm ci --prefix "$dir" --no-audit --no-fund
# The binding is native code built for glibc: running the CLI proves it loads here.
echo "chroma test server installed: $("$bin" --version)"
echo "$want" > "$stamp"
