#!/usr/bin/env bash
# A Spark standalone cluster over the nodes of a SkyPilot task, running one application.
#
# Usage, in a task's `run` (it runs on every node):  bash skypilot/spark-cluster.sh SPARK_SUBMIT_ARGS...
#   rank 0      starts the master and a worker, waits until every node's worker has registered, runs
#               spark-submit --master spark://HEAD:PORT SPARK_SUBMIT_ARGS..., stops its daemons and exits with the
#               application's status (so the SkyPilot job fails when the application fails);
#   other ranks start a worker once the master answers, and exit when the master has gone away.
#
# Every JVM is started as `java -cp "$SPARK_HOME/jars/*" CLASS`, not through Spark's sbin/ scripts, so SPARK_HOME may be
# a Spark distribution or just a folder with Spark's jars in jars/.
#
# Environment:
#   SKYPILOT_NODE_RANK, SKYPILOT_NODE_IPS  set by SkyPilot (IPS: one address per line, rank order); the head is line 1
#   SPARK_HOME                             required
#   SPARK_MASTER_PORT (7077), SPARK_MASTER_WEBUI_PORT (8080), SPARK_WORKER_WEBUI_PORT (8081)
#   SPARK_WORKER_CORES, SPARK_WORKER_MEMORY  what each worker offers (default: Spark's, all cores and RAM - 1 GiB)
#   SPARK_WORKER_OPTS                      worker JVM options, e.g. -Dspark.worker.resource.gpu.amount=1 ...
#   SPARK_DAEMON_MEMORY (1g)               heap of the master and worker daemons
#   SPARK_DRIVER_MEMORY (2g)               heap of the driver; this script starts the driver JVM itself, so a
#                                          spark.driver.memory property cannot size it
#   SPARK_SUBMIT_OPTS                      more driver JVM options
#   SPARK_WORKER_DIR ($HOME/spark-work), SPARK_LOG_DIR ($HOME/spark-logs)
#   SPARK_CLUSTER_TIMEOUT (600)            seconds to wait for the master and for the workers to register
set -euo pipefail

: "${SPARK_HOME:?SPARK_HOME must point at a Spark distribution or a folder with Spark jars in jars/}"
: "${SKYPILOT_NODE_RANK:?SKYPILOT_NODE_RANK is not set (run this from a SkyPilot task)}"
: "${SKYPILOT_NODE_IPS:?SKYPILOT_NODE_IPS is not set (run this from a SkyPilot task)}"
if [ ! -d "$SPARK_HOME/jars" ]; then
  echo "spark-cluster: $SPARK_HOME/jars does not exist" >&2
  exit 1
fi

mapfile -t ips < <(printf '%s\n' "$SKYPILOT_NODE_IPS" | sed '/^[[:space:]]*$/d')
rank=$SKYPILOT_NODE_RANK
nodes=${#ips[@]}
if [ "$rank" -ge "$nodes" ]; then
  echo "spark-cluster: rank $rank but only $nodes addresses in SKYPILOT_NODE_IPS" >&2
  exit 1
fi
head_ip=${ips[0]}
self_ip=${ips[$rank]}
master_port=${SPARK_MASTER_PORT:-7077}
master_url="spark://$head_ip:$master_port"
webui_port=${SPARK_MASTER_WEBUI_PORT:-8080}
timeout=${SPARK_CLUSTER_TIMEOUT:-600}
log_dir=${SPARK_LOG_DIR:-$HOME/spark-logs}
work_dir=${SPARK_WORKER_DIR:-$HOME/spark-work}
mkdir -p "$log_dir" "$work_dir"

# Executors started by a worker find Spark's jars through these; every JVM binds this node's address.
export SPARK_SCALA_VERSION=${SPARK_SCALA_VERSION:-2.13}
export SPARK_LOCAL_IP=$self_ip

# What Spark's launcher adds on Java 17 (org.apache.spark.launcher.JavaModuleOptions).
java_opens=(
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  -Djdk.reflect.useDirectMethodHandle=false
  -Dio.netty.tryReflectionSetAccessible=true
)
java_bin=java
if [ -n "${JAVA_HOME:-}" ]; then
  java_bin=$JAVA_HOME/bin/java
fi

pids=()
stop_daemons() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  pids=()
}
trap stop_daemons EXIT
trap 'exit 143' TERM INT

# Starts a Spark daemon in the background, its output in $log_dir/NAME.log.
daemon() {
  local name=$1 opts=$2
  shift 2
  # shellcheck disable=SC2086 # the *_OPTS variables hold several options, as in Spark's own scripts
  "$java_bin" -Xmx"${SPARK_DAEMON_MEMORY:-1g}" "${java_opens[@]}" ${SPARK_DAEMON_JAVA_OPTS:-} $opts \
    -cp "$SPARK_HOME/jars/*" "$@" >"$log_dir/$name.log" 2>&1 &
  pids+=("$!")
  echo "spark-cluster: started $name (pid $!), log $log_dir/$name.log"
}

master_reachable() {
  (exec 3<>"/dev/tcp/$head_ip/$master_port") 2>/dev/null
}

alive_workers() {
  curl -sf --max-time 5 "http://$head_ip:$webui_port/json/" | grep -o '"aliveworkers" *: *[0-9]*' | grep -o '[0-9]*$'
}

fail() {
  echo "spark-cluster: $1" >&2
  local log
  for log in "$log_dir"/*.log; do
    [ -f "$log" ] && { echo "--- $log" >&2; tail -n 30 "$log" >&2; }
  done
  exit 1
}

start_worker() {
  local args=(--host "$self_ip" --webui-port "${SPARK_WORKER_WEBUI_PORT:-8081}" --work-dir "$work_dir")
  if [ -n "${SPARK_WORKER_CORES:-}" ]; then
    args+=(--cores "$SPARK_WORKER_CORES")
  fi
  if [ -n "${SPARK_WORKER_MEMORY:-}" ]; then
    args+=(--memory "$SPARK_WORKER_MEMORY")
  fi
  daemon "worker-$rank" "${SPARK_WORKER_OPTS:-}" org.apache.spark.deploy.worker.Worker "${args[@]}" "$master_url"
}

deadline=$((SECONDS + timeout))

if [ "$rank" -eq 0 ]; then
  daemon master "${SPARK_MASTER_OPTS:-}" org.apache.spark.deploy.master.Master \
    --host "$head_ip" --port "$master_port" --webui-port "$webui_port"
  until master_reachable; do
    [ "$SECONDS" -lt "$deadline" ] || fail "the master did not start within ${timeout}s"
    kill -0 "${pids[0]}" 2>/dev/null || fail "the master exited"
    sleep 1
  done
  start_worker
  until [ "$(alive_workers || echo 0)" -ge "$nodes" ]; do
    [ "$SECONDS" -lt "$deadline" ] || fail "only $(alive_workers || echo 0) of $nodes workers registered within ${timeout}s"
    sleep 2
  done
  echo "spark-cluster: $nodes workers registered at $master_url; submitting"
  status=0
  # shellcheck disable=SC2086 # SPARK_SUBMIT_OPTS holds several options
  "$java_bin" -Xmx"${SPARK_DRIVER_MEMORY:-2g}" "${java_opens[@]}" ${SPARK_SUBMIT_OPTS:-} \
    -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.SparkSubmit --master "$master_url" "$@" || status=$?
  echo "spark-cluster: the application exited with status $status; stopping the cluster"
  stop_daemons
  exit "$status"
fi

until master_reachable; do
  [ "$SECONDS" -lt "$deadline" ] || fail "the master at $head_ip:$master_port did not answer within ${timeout}s"
  sleep 2
done
start_worker
# The head stops the master when the application ends; three missed checks in a row tell this node it is over.
misses=0
while [ "$misses" -lt 3 ]; do
  sleep 5
  if master_reachable; then
    misses=0
    kill -0 "${pids[0]}" 2>/dev/null || fail "the worker exited while the master was up"
  else
    misses=$((misses + 1))
  fi
done
echo "spark-cluster: the master has gone; stopping the worker"
