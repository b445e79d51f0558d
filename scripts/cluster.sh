#!/usr/bin/env bash
# A real Spark standalone cluster on this machine, bound to 127.0.0.1 only, from the same Spark
# runtime scripts/spark-submit uses. Logs, PIDs and work folders under target/cluster/.
#
#   scripts/cluster.sh start [--workers N] [--port P] [--cores C] [--memory M] [--line L]
#                                       (default 2, 7077, 1, 1g, 4.2; L as in line.sh)
#   scripts/cluster.sh status
#   scripts/cluster.sh stop
#
# Submit to it with: scripts/spark-submit --master spark://127.0.0.1:7077 ...
# Daemons are stopped by their recorded PIDs, never by name.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command="${1:-}"
shift || true
workers=2 port=7077 cores=1 memory=1g
while [[ $# -gt 0 ]]; do
  case "$1" in
    --workers) workers="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --cores) cores="$2"; shift 2 ;;
    --memory) memory="$2"; shift 2 ;;
    --line) export SPARK_LINE="$2"; shift 2 ;;
    *) echo "cluster.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

source "$here/line.sh"
state="$root/target/cluster"

alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

daemon() { # name, main class, arguments...
  local name="$1" main="$2"
  shift 2
  mkdir -p "$state/$name"
  SPARK_HOME="$runtime" SPARK_LOCAL_IP=127.0.0.1 SPARK_SCALA_VERSION=$scala \
    nohup java -Xmx512m "${spark_jvm_flags[@]}" \
    -Dlog4j2.configurationFile="$root/conf/log4j2-daemon.properties" \
    -Dspark.master.rest.enabled=false -Dspark.ui.showConsoleProgress=false \
    -cp "$runtime/jars/*" "$main" "$@" > "$state/$name/log" 2>&1 < /dev/null &
  echo $! > "$state/$name.pid"
}

wait_for() { # log file, text, what
  for _ in $(seq 1 300); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "cluster.sh: $3 did not start; see $1" >&2
  return 1
}

case "$command" in
  start)
    if alive "$state/master.pid"; then
      echo "cluster.sh: already running (master PID $(cat "$state/master.pid")); stop it first" >&2
      exit 2
    fi
    # Only a start needs the runtime (status and stop would otherwise assemble one).
    source "$here/spark-runtime.sh"
    rm -rf "$state"
    mkdir -p "$state"
    echo "$port" > "$state/port"
    daemon master org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" --webui-port 0
    wait_for "$state/master/log" "I have been elected leader" "the master" || { "$0" stop; exit 1; }
    for i in $(seq 1 "$workers"); do
      daemon "worker-$i" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores "$cores" \
        --memory "$memory" --webui-port 0 --work-dir "$state/worker-$i/work" "spark://127.0.0.1:$port"
    done
    for i in $(seq 1 "$workers"); do
      wait_for "$state/worker-$i/log" "Successfully registered with master" "worker $i" || { "$0" stop; exit 1; }
    done
    echo "Spark $line_id standalone cluster: spark://127.0.0.1:$port with $workers worker(s) of $cores core(s), $memory"
    ;;
  status)
    for pid in "$state"/*.pid; do
      [[ -e "$pid" ]] || { echo "not running"; exit 0; }
      name="$(basename "$pid" .pid)"
      if alive "$pid"; then echo "$name: running (PID $(cat "$pid"))"; else echo "$name: not running"; fi
    done
    ;;
  stop)
    for pid in "$state"/worker-*.pid "$state"/master.pid; do
      [[ -e "$pid" ]] || continue
      if alive "$pid"; then
        kill "$(cat "$pid")" 2>/dev/null || true
        for _ in $(seq 1 50); do alive "$pid" || break; sleep 0.1; done
        alive "$pid" && kill -9 "$(cat "$pid")" 2>/dev/null || true
      fi
      rm -f "$pid"
    done
    echo "stopped"
    ;;
  *)
    echo "usage: scripts/cluster.sh start [--workers N] [--port P] [--cores C] [--memory M] [--line L] | status | stop" >&2
    exit 2
    ;;
esac
