#!/usr/bin/env bash
# Spark GPU discovery script: prints this machine's GPUs as Spark's ResourceInformation JSON,
# e.g. {"name": "gpu", "addresses":["0","1"]}.
set -euo pipefail
addrs=$(nvidia-smi --query-gpu=index --format=csv,noheader | paste -sd, - | sed 's/ //g; s/,/","/g')
if [ -z "$addrs" ]; then
  echo "getGpusResources.sh: nvidia-smi lists no GPU" >&2
  exit 1
fi
echo "{\"name\": \"gpu\", \"addresses\":[\"$addrs\"]}"
