#!/usr/bin/env bash
# Installs what the imgsearch SkyPilot tasks run, on a fresh Ubuntu or Debian VM. Idempotent (a recovered managed job
# runs setup again): what is already installed at the wanted version is kept.
#
# Usage: bash skypilot/install.sh [--gpu]
#   always  a JDK 17, libturbojpeg0 and libspng0 (apt), the imgsearch release jar into $IMGSEARCH_HOME, a Spark
#           distribution into $SPARK_HOME
#   --gpu   also the RAPIDS Accelerator jar into $IMGSEARCH_HOME, the CUDA 12.8 build of libtorch into /opt/libtorch,
#           and config/getGpusResources.sh into $IMGSEARCH_HOME (the path the GPU Spark profiles name)
#
# Environment (the task YAMLs set these; defaults in config/imgsearch-defaults.conf):
#   RELEASE_URL      required: the spark-submit jar of a release for the Spark line installed here, any URL curl
#                    reads (https://, file:// for a jar on a mounted bucket): imgsearch-spark4.1_2.13.jar,
#                    imgsearch-spark3.5_2.13.jar or imgsearch-spark3.5_2.12.jar; one of another line is refused
#   SPARK_VERSION    Spark release to install, of the jar's line (4.1.x or 3.5.x; the RAPIDS jar needs a version it has
#                    a shim for)
#   SPARK_SCALA_VERSION (2.13) its Scala version: 2.13, or 2.12 (Spark 3.5 only); spark-cluster.sh reads it too
#   SPARK_URL        where to get it (default: the Apache CDN, then the Apache archive)
#   RAPIDS_VERSION   com.nvidia:rapids-4-spark_SCALA version, from Maven Central (Scala 2.12 builds end at 25.04.0)
#   LIBTORCH_URL     the libtorch zip; its version must be the one DJL's pytorch-jni was built for
#   MAVEN_REPO       (https://repo1.maven.org/maven2) where the RAPIDS jar and its .sha1 come from
#   IMGSEARCH_HOME (/opt/imgsearch), SPARK_HOME (/opt/spark), LIBTORCH_HOME (/opt/libtorch): where things go; the GPU
#                    Spark profiles name the default paths
set -euo pipefail

gpu=false
for arg in "$@"; do
  case $arg in
    --gpu) gpu=true ;;
    *) echo "install.sh: unknown argument $arg (usage: install.sh [--gpu])" >&2; exit 2 ;;
  esac
done
: "${RELEASE_URL:?set RELEASE_URL to the imgsearch-spark.jar of a release (see docs/cloud.md)}"
: "${SPARK_VERSION:?set SPARK_VERSION (see config/imgsearch-defaults.conf)}"
scala_version=${SPARK_SCALA_VERSION:-2.13}
imgsearch_home=${IMGSEARCH_HOME:-/opt/imgsearch}
spark_home=${SPARK_HOME:-/opt/spark}
libtorch_home=${LIBTORCH_HOME:-/opt/libtorch}
maven_repo=${MAVEN_REPO:-https://repo1.maven.org/maven2}
here=$(cd "$(dirname "$0")" && pwd)

# Runs a command that changes PATH, with sudo only where this user cannot write PATH's folder (or the nearest one
# that exists).
as_owner_of_parent() {
  local dir
  dir=$(dirname "$1")
  shift
  while [ ! -e "$dir" ]; do
    dir=$(dirname "$dir")
  done
  if [ -w "$dir" ]; then
    "$@"
  else
    sudo "$@"
  fi
}

# Downloads URL to FILE through a temporary name, so an interrupted download is never taken for a finished one.
fetch() {
  local url=$1 file=$2
  echo "install.sh: $url"
  curl -fsSL --retry 5 --retry-delay 5 --retry-connrefused -o "$file.part" "$url" || return 1
  mv "$file.part" "$file"
}

# A folder the task's user owns.
own_dir() {
  if [ ! -w "$1" ]; then
    as_owner_of_parent "$1" mkdir -p "$1"
    as_owner_of_parent "$1" chown "$(id -u):$(id -g)" "$1"
  fi
}

# Moves the unpacked folder FROM to TO, replacing what was there.
replace_dir() {
  as_owner_of_parent "$2" rm -rf "$2"
  as_owner_of_parent "$2" mv "$1" "$2"
}

# A JDK, and libjpeg-turbo's TurboJPEG library and libspng, through which JPEGs and PNGs decode at Pillow's speed
# (without them they decode through the JDK's readers: the same pixels, slower).
install_jdk() {
  # Captured, not piped into grep -q: grep exits at its first match, and under pipefail the writer's SIGPIPE would
  # fail the check at random and reinstall (upgrade) the JDK under whatever is running.
  local java_version libraries
  java_version=$(java -version 2>&1 || true)
  libraries=$(ldconfig -p 2>/dev/null || true)
  if grep -q 'version "\(17\|21\)' <<<"$java_version" && command -v unzip >/dev/null \
      && grep -q 'libturbojpeg\.so\.0' <<<"$libraries" && grep -q 'libspng\.so\.0' <<<"$libraries"; then
    return
  fi
  as_owner_of_parent /usr/bin apt-get update -q
  as_owner_of_parent /usr/bin env DEBIAN_FRONTEND=noninteractive apt-get install -y -q openjdk-17-jdk-headless curl unzip \
    libturbojpeg0
  # libspng0 is in Debian 12 and Ubuntu's universe component only: an image without it still decodes every PNG.
  as_owner_of_parent /usr/bin env DEBIAN_FRONTEND=noninteractive apt-get install -y -q libspng0 \
    || echo "imgsearch: libspng0 is not available from this image's apt sources; PNGs will decode through ImageIO" >&2
}

# The Spark line (SPARK.MINOR_SCALA) a release jar was built for, from the imgsearch.properties it carries.
jar_line() {
  local props
  props=$(unzip -p "$1" imgsearch.properties 2>/dev/null) || return 1
  printf '%s_%s\n' "$(sed -n 's/^spark\.line=//p' <<<"$props")" "$(sed -n 's/^scala\.binary\.version=//p' <<<"$props")"
}

install_release() {
  own_dir "$imgsearch_home"
  local jar="$imgsearch_home/imgsearch-spark.jar" wanted have
  fetch "$RELEASE_URL" "$jar.download"
  wanted="$(cut -d. -f1,2 <<<"$SPARK_VERSION")_$scala_version"
  have=$(jar_line "$jar.download") || have="unknown"
  if [ "$have" != "$wanted" ]; then
    rm -f "$jar.download"
    echo "install.sh: RELEASE_URL is the jar for Spark line ${have/_/ with Scala }, but this installs Spark" \
      "$SPARK_VERSION with Scala $scala_version: use imgsearch-spark$wanted.jar" >&2
    exit 1
  fi
  mv "$jar.download" "$jar"
}

install_spark() {
  if [ -f "$spark_home/RELEASE" ] && grep -q "Spark $SPARK_VERSION " "$spark_home/RELEASE" \
      && compgen -G "$spark_home/jars/scala-library-$scala_version.*.jar" >/dev/null; then
    return
  fi
  # Spark 3.5 is published for Scala 2.12 (the plain name) and 2.13; Spark 4 for Scala 2.13 only.
  local name="spark-$SPARK_VERSION-bin-hadoop3" tmp
  if [[ $SPARK_VERSION == 3.* && $scala_version == 2.13 ]]; then
    name="$name-scala2.13"
  fi
  tmp=$(mktemp -d)
  if [ -n "${SPARK_URL:-}" ]; then
    fetch "$SPARK_URL" "$tmp/spark.tgz"
  else
    fetch "https://dlcdn.apache.org/spark/spark-$SPARK_VERSION/$name.tgz" "$tmp/spark.tgz" \
      || fetch "https://archive.apache.org/dist/spark/spark-$SPARK_VERSION/$name.tgz" "$tmp/spark.tgz"
    fetch "https://archive.apache.org/dist/spark/spark-$SPARK_VERSION/$name.tgz.sha512" "$tmp/spark.tgz.sha512"
    # Apache's .sha512 files come as "HEX  NAME" or, for older releases, "NAME: HEX" split over lines.
    local expected actual
    expected=$(sed 's/^[^ ]*: //' "$tmp/spark.tgz.sha512" | tr -d ' \n\r' | tr 'A-F' 'a-f' | grep -oE '^[0-9a-f]{128}')
    actual=$(sha512sum "$tmp/spark.tgz" | cut -d' ' -f1)
    if [ "$expected" != "$actual" ]; then
      echo "install.sh: $name.tgz does not match its published SHA-512" >&2
      exit 1
    fi
  fi
  tar -xzf "$tmp/spark.tgz" -C "$tmp"
  replace_dir "$tmp/$name" "$spark_home"
  rm -rf "$tmp"
}

install_rapids() {
  : "${RAPIDS_VERSION:?set RAPIDS_VERSION (see config/imgsearch-defaults.conf)}"
  local artifact="rapids-4-spark_$scala_version"
  local jar="$imgsearch_home/$artifact-$RAPIDS_VERSION.jar"
  if [ -f "$jar" ]; then
    return
  fi
  local base="$maven_repo/com/nvidia/$artifact/$RAPIDS_VERSION"
  fetch "$base/$artifact-$RAPIDS_VERSION.jar" "$jar.download"
  fetch "$base/$artifact-$RAPIDS_VERSION.jar.sha1" "$jar.sha1"
  if [ "$(sha1sum "$jar.download" | cut -d' ' -f1)" != "$(tr -d ' \n\r' < "$jar.sha1")" ]; then
    echo "install.sh: the RAPIDS jar does not match Maven Central's SHA-1" >&2
    exit 1
  fi
  mv "$jar.download" "$jar"
  rm "$jar.sha1"
}

install_libtorch() {
  : "${LIBTORCH_URL:?set LIBTORCH_URL (see config/imgsearch-defaults.conf)}"
  if [ -f "$libtorch_home/.url" ] && [ "$(cat "$libtorch_home/.url")" = "$LIBTORCH_URL" ]; then
    return
  fi
  local tmp
  tmp=$(mktemp -d)
  fetch "$LIBTORCH_URL" "$tmp/libtorch.zip"
  unzip -q "$tmp/libtorch.zip" -d "$tmp"
  echo "$LIBTORCH_URL" > "$tmp/libtorch/.url"
  replace_dir "$tmp/libtorch" "$libtorch_home"
  rm -rf "$tmp"
}

install_jdk
install_release
install_spark
if [ "$gpu" = true ]; then
  install_rapids
  install_libtorch
  install -m 755 "$here/../config/getGpusResources.sh" "$imgsearch_home/getGpusResources.sh"
fi
echo "install.sh: done (imgsearch in $imgsearch_home, Spark $SPARK_VERSION (Scala $scala_version) in $spark_home$([ "$gpu" = true ] && echo ", libtorch in $libtorch_home"))"
