#!/usr/bin/env bash
# Spark GPU discovery script: prints the GPUs of this machine as Spark's ResourceInformation JSON.
set -euo pipefail
addrs=$(nvidia-smi --query-gpu=index --format=csv,noheader | sed -e ':a' -e 'N' -e '$!ba' -e 's/\n/","/g')
echo "{\"name\": \"gpu\", \"addresses\":[\"$addrs\"]}"
