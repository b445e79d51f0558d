#!/usr/bin/env bash
# A single-node Kafka broker (KRaft: broker and controller in one JVM) from Kafka's own jars on
# Maven Central, bound to 127.0.0.1, for the stream command's tests and local tries. Data, log, PID
# and port under target/kafka/ (another folder with --state DIR); stopped by PID.
#
#   scripts/kafka.sh start [--port P] [--state DIR]   (default port 9092; topics are created on use)
#   scripts/kafka.sh status [--state DIR]
#   scripts/kafka.sh stop [--state DIR]
#   scripts/kafka.sh produce TOPIC                    each line of stdin a record (Kafka's producer)
#   scripts/kafka.sh consume TOPIC [N]                values from the start; stops after N or 10 s idle
#
# Exit codes: 0 done, 2 bad usage (busy port, already running), 1 the broker failed to start.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
source "$here/fetch-jars.sh"
source "$here/daemon.sh"
script=kafka.sh
command="${1:-}"
shift || true
port=9092 state="$root/target/kafka" topic="" count=""
if [[ "$command" == produce || "$command" == consume ]]; then
  topic="${1:?usage: scripts/kafka.sh $command TOPIC}"
  shift
  [[ "$command" == consume && "${1:-}" =~ ^[0-9]+$ ]] && { count="$1"; shift; }
fi
while [[ $# -gt 0 ]]; do
  case "$command:$1" in
    start:--port) port="$2"; shift 2 ;;
    *:--state) state="$(mkdir -p "$2" && cd "$2" && pwd)"; shift 2 ;;
    *) echo "kafka.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
# Kafka's broker and tools, fetched once: defines broker (the folder) and java (the command).
kafka_jars() {
  local version
  version="$(line_profiles=-Pspark-4.2 line_property kafka.broker.version)"
  broker="$root/target/kafka-broker/$version"
  mkdir -p "$root/target/kafka-broker"
  exec 9> "$root/target/kafka-broker/.lock" # brokers started together fetch once
  flock 9
  if [[ ! -f "$broker/complete" ]]; then
    echo "Fetching Kafka $version into $broker (once) ..." >&2
    rm -rf "$broker"
    fetch_jars "$broker" "org.apache.kafka:kafka_2.13:$version"
    fetch_jars "$broker" "org.apache.kafka:kafka-tools:$version"
    echo "$version" > "$broker/complete"
  fi
  flock -u 9
  java=(java -Xmx512m -cp "$broker/jars/*" -Dlog4j2.configurationFile="$root/conf/log4j2.properties")
}
running_port() {
  if ! daemon_alive; then
    echo "kafka.sh: no broker runs from $state; scripts/kafka.sh start first" >&2
    exit 2
  fi
  cat "$state/port"
}
free_port() { for p in $(shuf -i 20000-60000 -n 100); do listening "$p" || { echo "$p"; return; }; done; }

case "$command" in
  start)
    daemon_refuse "$port"
    kafka_jars
    rm -rf "$state/data" "$state/log"
    mkdir -p "$state/data"
    controller="$(free_port)"
    cat > "$state/server.properties" <<PROPERTIES
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$state/data
num.partitions=2
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
PROPERTIES
    "${java[@]}" kafka.tools.StorageTool format -t "$("${java[@]}" kafka.tools.StorageTool random-uuid)" \
      -c "$state/server.properties" > "$state/format.log" 2>&1
    daemon_start "$port" "${java[@]}" kafka.Kafka "$state/server.properties"
    echo "Kafka $(cat "$broker/complete") broker: 127.0.0.1:$port PID $(cat "$state/pid")"
    ;;
  produce)
    port="$(running_port)"
    kafka_jars
    exec "${java[@]}" org.apache.kafka.tools.ConsoleProducer --bootstrap-server "127.0.0.1:$port" \
      --topic "$topic"
    ;;
  consume)
    port="$(running_port)"
    kafka_jars
    exec "${java[@]}" org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server "127.0.0.1:$port" \
      --topic "$topic" --from-beginning --timeout-ms 10000 ${count:+--max-messages "$count"}
    ;;
  status) daemon_status "127.0.0.1:" ;;
  stop) daemon_stop ;;
  *)
    echo "usage: scripts/kafka.sh start [--port P] | status | stop | produce TOPIC | consume TOPIC [N]  [--state DIR]" >&2
    exit 2
    ;;
esac
