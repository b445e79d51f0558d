#!/usr/bin/env bash
# Runs a JVM program as a Spark Connect client: Spark's Connect client (from Maven Central, once,
# under target/connect-client/) and this project's jar on the classpath, and no Spark SQL or core.
#
#   scripts/connect-client.sh [--line L] [-cp EXTRA] MAIN [ARGS...]
#
# e.g. scripts/connect-client.sh -cp myapp.jar com.example.Report sc://127.0.0.1:15002
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/line.sh" # root, line, line_id, line_profiles, jar; takes --line
source "$here/fetch-jars.sh"
extra=""
if [[ "${1:-}" == -cp ]]; then
  extra="$2"
  shift 2
fi
if [[ $# -lt 1 || "$line" == 3.* ]]; then
  echo "usage: scripts/connect-client.sh [--line 4.2|4.1|4.0] [-cp EXTRA] MAIN [ARGS...]" >&2
  exit 2
fi
cd "$root"
client="target/connect-client/$line_id"
mkdir -p target/connect-client
# Clients started together build and fetch once: the first holds the lock, the others wait.
exec 9> target/connect-client/.lock
flock 9
source scripts/app-jar.sh
if [[ ! -f "$client/complete" ]]; then
  echo "Fetching the Spark Connect client into $client (once) ..." >&2
  rm -rf "$client"
  fetch_jars "$client" "org.apache.spark:spark-connect-client-jvm_$scala:$(line_property spark.connect.client.version)"
  touch "$client/complete"
fi
flock -u 9
exec java -Xmx1g --add-opens=java.base/java.nio=ALL-UNNAMED \
  -Dlog4j2.configurationFile="$root/conf/log4j2.properties" \
  -cp "$client/jars/*:$jar${extra:+:$extra}" "$@"
