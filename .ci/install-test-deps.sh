#!/usr/bin/env bash
# Installs the real servers and tools the tests start: a Chroma server (npm), Chromium + ChromeDriver (apt), and
# Debian's python3-torch with OpenBLAS (apt), with which tools/clip_model.py makes the models too large to commit, and
# libjpeg-turbo's TurboJPEG library and libspng (apt), the JPEG and PNG decoders the tests require beside the JDK's
# fallbacks.
# Idempotent; needs root (or sudo) for apt.
set -euo pipefail
cd "$(dirname "$0")/.."
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
need_apt=()
for pkg in chromium chromium-driver python3-torch libopenblas0-pthread libturbojpeg0 libspng0; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi
bash .ci/chroma/install.sh
