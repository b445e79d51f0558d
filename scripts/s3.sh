#!/usr/bin/env bash
# An S3-compatible object store for the driver's s3a:// input and output: S3Proxy (Maven Central,
# org.gaul:s3proxy), which checks each request's AWS signature against its own access key and
# secret, keeping objects as files under STATE/data. Bound to 127.0.0.1, path-style access; log,
# PID and port under target/s3/ (another folder with --state DIR); stopped by PID.
#
#   scripts/s3.sh start [--port P] [--bucket B]   default port 9000, bucket "activations" (created)
#   scripts/s3.sh status [--state DIR]
#   scripts/s3.sh stop [--state DIR]
#
# Each start makes a fresh access key and secret. Clients take them, with the endpoint and path-style
# access, from STATE/s3a.conf (readable by this user only): Spark's `key value` lines for
# spark-submit --properties-file, e.g. scripts/spark-submit --properties-file target/s3/s3a.conf.
#
# Exit codes: 0 done, 2 bad usage (busy port, already running), 1 the server failed to start.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
source "$here/fetch-jars.sh"
source "$here/daemon.sh"
script=s3.sh
version=4.1.0
command="${1:-}"
shift || true
port=9000 bucket=activations state="$root/target/s3"
while [[ $# -gt 0 ]]; do
  case "$command:$1" in
    start:--port) port="$2"; shift 2 ;;
    start:--bucket)
      bucket="$2"
      [[ "$bucket" =~ ^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$ ]] ||
        { echo "s3.sh: '$bucket' is not a bucket name: 3-63 lower-case letters, digits, dots and hyphens" >&2; exit 2; }
      shift 2
      ;;
    *:--state) state="$(mkdir -p "$2" && cd "$2" && pwd)"; shift 2 ;;
    *) echo "s3.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

case "$command" in
  start)
    daemon_refuse "$port"
    server="$root/target/s3proxy/$version"
    fetch_once "$server" "S3Proxy $version" quiet_mvn dependency:copy \
      -Dartifact="org.gaul:s3proxy:$version:jar:jar-with-dependencies" -DoutputDirectory="$server"
    rm -rf "$state/data" "$state/log" "$state/s3proxy.properties" "$state/s3a.conf"
    mkdir -p "$state/data/$bucket" # a folder of the data is a bucket
    access_key="$(daemon_secret 20)" secret_key="$(daemon_secret 40)"
    (
      umask 077
      cat > "$state/s3proxy.properties" <<PROPERTIES
s3proxy.endpoint=http://127.0.0.1:$port
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$access_key
s3proxy.credential=$secret_key
jclouds.provider=filesystem-nio2
jclouds.filesystem.basedir=$state/data
PROPERTIES
      cat > "$state/s3a.conf" <<PROPERTIES
spark.hadoop.fs.s3a.endpoint http://127.0.0.1:$port
spark.hadoop.fs.s3a.endpoint.region us-east-1
spark.hadoop.fs.s3a.path.style.access true
spark.hadoop.fs.s3a.connection.ssl.enabled false
spark.hadoop.fs.s3a.access.key $access_key
spark.hadoop.fs.s3a.secret.key $secret_key
PROPERTIES
    )
    daemon_start "$port" java -Xmx512m -jar "$server/s3proxy-$version-jar-with-dependencies.jar" \
      --properties "$state/s3proxy.properties"
    echo "S3Proxy $version: http://127.0.0.1:$port, bucket s3a://$bucket/, PID $(cat "$state/pid")"
    echo "client settings: $state/s3a.conf (spark-submit --properties-file)"
    ;;
  status) daemon_status "http://127.0.0.1:" ;;
  stop) daemon_stop ;;
  *)
    echo "usage: scripts/s3.sh start [--port P] [--bucket B] | status | stop  [--state DIR]" >&2
    exit 2
    ;;
esac
