#!/usr/bin/env bash
# A real Spark Connect server with this project's functions, bound to 127.0.0.1, from the Spark
# runtime scripts/spark-submit uses plus Spark's Connect server module. Log, PID and port under
# target/connect/. Spark 4 lines only.
#
#   scripts/connect-server.sh [--line L] start [--port P] [--token T]   (default port 15002)
#   scripts/connect-server.sh status
#   scripts/connect-server.sh stop
#
# Exit codes: 0 started, 2 bad usage (busy port, already running), 3 no server module is published
# for the line (4.1), 1 the server failed or its module could not be fetched. Clients connect to sc://127.0.0.1:P, or with a token to
# sc://localhost:P/;token=T (the JVM client sends a token over plaintext only to "localhost").
# Stopped by PID, never by name.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/line.sh" # root, line, line_id, line_profiles, jar; takes --line
source "$here/fetch-jars.sh"
source "$here/daemon.sh"
script=connect-server.sh
command="${1:-}"
shift || true
port=15002 token=""
while [[ $# -gt 0 ]]; do
  case "$command:$1" in
    start:--port) port="$2"; shift 2 ;;
    start:--token) token="$2"; shift 2 ;;
    *) echo "connect-server.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
state="$root/target/connect"

case "$command" in
  start)
    if [[ "$line" == 3.* ]]; then
      echo "connect-server.sh: Spark Connect needs a Spark 4 line; use --line 4.2, 4.1 or 4.0" >&2
      exit 2
    fi
    daemon_refuse "$port"
    cd "$root"
    source scripts/app-jar.sh
    jars="$root/$jar"
    if [[ -z "${SPARK_HOME:-}" ]]; then
      # Spark's runtime from Maven Central lacks the Connect server module: fetch it (once).
      source scripts/spark-runtime.sh
      if [[ ! -f "$runtime/connect/complete" ]]; then
        module_version="$(line_property spark.connect.version)"
        if [[ -z "$module_version" ]]; then
          echo "connect-server.sh: Maven Central has no Spark Connect server module for Spark $line; with a Spark $line installation, set SPARK_HOME" >&2
          exit 3
        fi
        echo "Adding the Spark Connect server to $runtime (once) ..." >&2
        rm -rf "$runtime/connect"
        module="org.apache.spark:spark-connect_$scala:$module_version"
        if ! fetch_jars "$runtime/connect" "$module" -DincludeArtifactIds="spark-connect_$scala,spark-pipelines_$scala"; then
          echo "connect-server.sh: cannot fetch $module from Maven Central; check the network, or set SPARK_HOME to a Spark $line installation" >&2
          exit 1
        fi
        touch "$runtime/connect/complete"
      fi
      for module in "$runtime"/connect/jars/*.jar; do jars="$module,$jars"; done
    fi
    rm -rf "$state"
    mkdir -p "$state"
    # The server reads the token from its environment too: kept out of the command line (ps).
    auth=(-u SPARK_CONNECT_AUTHENTICATE_TOKEN)
    [[ -n "$token" ]] && auth=("SPARK_CONNECT_AUTHENTICATE_TOKEN=$token")
    daemon_start "$port" env "${auth[@]}" scripts/spark-submit --line "$line_id" --master 'local[*]' \
      --class org.apache.spark.sql.connect.service.SparkConnectServer --name spark-activations-connect \
      --jars "$jars" \
      --conf spark.sql.extensions=io.github.sparkactivations.sql.ActivationExtensions \
      --conf spark.connect.grpc.binding.address=127.0.0.1 \
      --conf "spark.connect.grpc.binding.port=$port" \
      --conf spark.ui.showConsoleProgress=false \
      spark-internal
    echo "Spark $line_id Connect server: sc://127.0.0.1:$port$([[ -n "$token" ]] && echo " (token required)") PID $(cat "$state/pid")"
    ;;
  status) daemon_status "sc://127.0.0.1:" ;;
  stop) daemon_stop ;;
  *)
    echo "usage: scripts/connect-server.sh [--line L] start [--port P] [--token T] | status | stop" >&2
    exit 2
    ;;
esac
