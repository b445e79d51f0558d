#!/usr/bin/env bash
# A single-node Hadoop for the driver on YARN and HDFS: an HDFS NameNode and DataNode and a YARN
# ResourceManager and NodeManager in one JVM (scripts/MiniHadoop.java), from the minicluster jar of
# the Hadoop client the line's Spark uses, on Maven Central. Bound to 127.0.0.1; an empty file system
# at each start; data, log and PID under target/hadoop/ (another folder with --state DIR); stopped
# by PID. Clients take its configuration from STATE/conf (core-site.xml with fs.defaultFS,
# hdfs-site.xml, yarn-site.xml): export HADOOP_CONF_DIR=target/hadoop/conf, which
# scripts/spark-submit picks up for --master yarn.
#
#   scripts/hadoop.sh [--line L] start [--port P] [--rm-port P] [--state DIR]
#                               NameNode port (default 8020), ResourceManager port (default 8032)
#   scripts/hadoop.sh fs ARGS [--state DIR]    Hadoop's file system shell, e.g. fs -ls -R /data
#   scripts/hadoop.sh logs APPLICATION_ID [OPTIONS]
#                                              a finished YARN application's logs (yarn logs), e.g.
#                                              with -am 1 -log_files stdout: the driver's output
#   scripts/hadoop.sh status [--state DIR]
#   scripts/hadoop.sh stop [--state DIR]
#
# Exit codes: 0 done, 2 bad usage (busy port, already running), 1 Hadoop failed to start.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/line.sh" # root, line_id, line_profiles; takes --line
source "$here/daemon.sh"
script=hadoop.sh
command="${1:-}"
shift || true
port=8020 rm_port=8032 state="$root/target/hadoop" arguments=()
if [[ "$command" == fs || "$command" == logs ]]; then # the tool's own arguments
  while [[ $# -gt 0 && "$1" != --state ]]; do arguments+=("$1"); shift; done
  [[ "$command" == logs && ${#arguments[@]} -eq 0 ]] && { echo "usage: scripts/hadoop.sh logs APPLICATION_ID [yarn logs options]" >&2; exit 2; }
fi
while [[ $# -gt 0 ]]; do
  case "$command:$1" in
    start:--port) port="$2"; shift 2 ;;
    start:--rm-port) rm_port="$2"; shift 2 ;;
    *:--state) state="$(mkdir -p "$2" && cd "$2" && pwd)"; shift 2 ;;
    *) echo "hadoop.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

# Hadoop's minicluster of the line's Hadoop client version, fetched once: defines hadoop (the
# folder) and version. The minicluster jar leaves out what its test utilities need (JUnit, log4j,
# Bouncy Castle, and for Hadoop 3.3 the JAXB that Java 8 had); they are fetched beside it.
minicluster_jars() {
  local spark_jars="${SPARK_HOME:-}/jars"
  if [[ -z "${SPARK_HOME:-}" ]]; then
    source "$here/spark-runtime.sh"
    spark_jars="$runtime/jars"
  fi
  version="$(basename "$spark_jars"/hadoop-client-api-*.jar .jar)"
  version="${version#hadoop-client-api-}"
  hadoop="$root/target/hadoop-minicluster/$version"
  fetch_once "$hadoop" "Hadoop $version's minicluster" fetch_minicluster
}
fetch_minicluster() {
  for module in "org.apache.hadoop:hadoop-client-minicluster:$version" \
    org.junit.jupiter:junit-jupiter-api:5.11.4 junit:junit:4.13.2 \
    org.slf4j:slf4j-reload4j:1.7.36 org.bouncycastle:bcpkix-jdk18on:1.82 \
    javax.xml.bind:jaxb-api:2.3.1 org.glassfish.jaxb:jaxb-runtime:2.3.9; do
    fetch_jars "$hadoop" "$module"
  done
}

case "$command" in
  start)
    daemon_refuse "$port"
    daemon_refuse "$rm_port"
    minicluster_jars
    rm -rf "$state/dfs" "$state/target" "$state/tmp" "$state/conf" "$state/log"
    mkdir -p "$state"
    cat > "$state/log4j.properties" <<'PROPERTIES'
log4j.rootLogger=WARN, console
log4j.logger.org.apache.hadoop.util.NativeCodeLoader=ERROR
log4j.appender.console=org.apache.log4j.ConsoleAppender
log4j.appender.console.layout=org.apache.log4j.PatternLayout
log4j.appender.console.layout.ConversionPattern=%d{HH:mm:ss} %p %c{1}: %m%n
PROPERTIES
    # The NodeManager's containers (Spark's driver and executors) start from its JAVA_HOME, and
    # Spark in them binds to loopback.
    JAVA_HOME="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
    export JAVA_HOME SPARK_LOCAL_IP=127.0.0.1
    # The minicluster keeps its containers' folders under ./target of its working folder.
    cd "$state"
    # Older Hadoop's web framework (Guice) reflects into java.lang.
    daemon_start "$rm_port" java -Xmx1g --add-opens=java.base/java.lang=ALL-UNNAMED \
      -Dlog4j.configuration="file:$state/log4j.properties" \
      -cp "$hadoop/jars/*" "$here/MiniHadoop.java" "$state" "$state/conf" "$port" "$rm_port"
    echo "$port" > "$state/port" # the NameNode's, for status (daemon_start wrote the one it waited on)
    # The configuration is written once every server is up.
    daemon_wait "YARN did not come up" test -f "$state/conf/yarn-site.xml"
    echo "Hadoop $version: HDFS hdfs://127.0.0.1:$port, YARN ResourceManager 127.0.0.1:$rm_port, PID $(cat "$state/pid")"
    echo "client configuration: export HADOOP_CONF_DIR=$state/conf"
    ;;
  fs | logs)
    daemon_alive || { echo "hadoop.sh: no Hadoop runs from $state; scripts/hadoop.sh start first" >&2; exit 2; }
    minicluster_jars
    tool=(org.apache.hadoop.fs.FsShell)
    [[ "$command" == logs ]] && tool=(org.apache.hadoop.yarn.client.cli.LogsCLI -applicationId)
    exec java -Dlog4j.configuration="file:$state/log4j.properties" -cp "$state/conf:$hadoop/jars/*" \
      "${tool[@]}" "${arguments[@]}"
    ;;
  status) daemon_status "hdfs://127.0.0.1:" ;;
  stop) daemon_stop ;;
  *)
    echo "usage: scripts/hadoop.sh [--line L] start [--port P] [--rm-port P] | fs ARGS | logs APPLICATION_ID | status | stop  [--state DIR]" >&2
    exit 2
    ;;
esac
