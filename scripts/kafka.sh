#!/usr/bin/env bash
# A single-node Kafka broker (KRaft: broker and controller in one JVM) from Kafka's own jars on
# Maven Central, bound to 127.0.0.1, for the stream command's tests and local tries. Data, log, PID
# and port under target/kafka/ (another folder with --state DIR); stopped by PID.
#
#   scripts/kafka.sh start [--port P] [--state DIR] [--security S]
#                                    default port 9092; topics are created on use; S is plaintext
#                                    (default), ssl, sasl_plaintext or sasl_ssl (SASL: SCRAM-SHA-512)
#   scripts/kafka.sh status [--state DIR]
#   scripts/kafka.sh stop [--state DIR]
#   scripts/kafka.sh produce TOPIC                    each line of stdin a record (Kafka's producer)
#   scripts/kafka.sh consume TOPIC [N]                values from the start; stops after N or 10 s idle
#
# A secured broker gets, at each start, fresh secrets: a CA and the broker's certificate made with
# the JDK's keytool (TLS), and a user "activations" with a random password (SASL), all under
# STATE/secrets (readable by this user only). Clients take their settings from
# STATE/client.properties (Kafka's own format; produce and consume use it); the broker accepts
# clients on the port only with them, and talks to itself on a plaintext listener of its own.
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
port=9092 state="$root/target/kafka" topic="" count="" security=plaintext
if [[ "$command" == produce || "$command" == consume ]]; then
  topic="${1:?usage: scripts/kafka.sh $command TOPIC}"
  shift
  [[ "$command" == consume && "${1:-}" =~ ^[0-9]+$ ]] && { count="$1"; shift; }
fi
while [[ $# -gt 0 ]]; do
  case "$command:$1" in
    start:--port) port="$2"; shift 2 ;;
    start:--security)
      security="$2"
      [[ "$security" =~ ^(plaintext|ssl|sasl_plaintext|sasl_ssl)$ ]] ||
        { echo "kafka.sh: --security takes plaintext, ssl, sasl_plaintext or sasl_ssl, got '$security'" >&2; exit 2; }
      shift 2
      ;;
    *:--state) state="$(mkdir -p "$2" && cd "$2" && pwd)"; shift 2 ;;
    *) echo "kafka.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
# Kafka's broker and tools, fetched once: defines broker (the folder) and java (the command).
kafka_jars() {
  version="$(line_profiles=-Pspark-4.2 line_property kafka.broker.version)"
  broker="$root/target/kafka-broker/$version"
  fetch_once "$broker" "Kafka $version" fetch_kafka
  java=(java -Xmx512m -cp "$broker/jars/*" -Dlog4j2.configurationFile="$root/conf/log4j2.properties")
}
fetch_kafka() {
  fetch_jars "$broker" "org.apache.kafka:kafka_2.13:$version"
  fetch_jars "$broker" "org.apache.kafka:kafka-tools:$version"
}
# A secured broker's client settings, for produce and consume: none, or the file.
client_config=()
[[ -f "$state/client.properties" ]] && client_config=("$state/client.properties")
running_port() {
  if ! daemon_alive; then
    echo "kafka.sh: no broker runs from $state; scripts/kafka.sh start first" >&2
    exit 2
  fi
  cat "$state/port"
}
free_port() { for p in $(shuf -i 20000-60000 -n 100); do listening "$p" || { echo "$p"; return; }; done; }

# tls_files: a CA, the broker's key and certificate signed by it (for 127.0.0.1), and a client
# truststore holding the CA, in $secrets; keytool prints nothing unless it fails.
tls_files() {
  local ca="$secrets/ca.p12" key=(-keyalg RSA -keysize 2048 -validity 30) san="san=ip:127.0.0.1,dns:localhost"
  keytool_quiet() { keytool "$@" > "$secrets/keytool.log" 2>&1 || { cat "$secrets/keytool.log" >&2; exit 1; }; }
  keytool_quiet -genkeypair -keystore "$ca" -storetype PKCS12 -storepass "$store_password" -alias ca \
    -dname "CN=spark-activations test CA" "${key[@]}" -ext bc:c
  keytool_quiet -exportcert -keystore "$ca" -storepass "$store_password" -alias ca -rfc -file "$secrets/ca.pem"
  keytool_quiet -genkeypair -keystore "$secrets/broker.p12" -storetype PKCS12 -storepass "$store_password" \
    -alias broker -dname "CN=127.0.0.1" "${key[@]}" -ext "$san"
  keytool_quiet -certreq -keystore "$secrets/broker.p12" -storepass "$store_password" -alias broker \
    -file "$secrets/broker.csr"
  keytool_quiet -gencert -keystore "$ca" -storepass "$store_password" -alias ca -infile "$secrets/broker.csr" \
    -outfile "$secrets/broker.pem" -rfc -validity 30 -ext "$san"
  keytool_quiet -importcert -keystore "$secrets/broker.p12" -storepass "$store_password" -alias ca \
    -file "$secrets/ca.pem" -noprompt
  keytool_quiet -importcert -keystore "$secrets/broker.p12" -storepass "$store_password" -alias broker \
    -file "$secrets/broker.pem"
  keytool_quiet -importcert -keystore "$secrets/truststore.p12" -storetype PKCS12 \
    -storepass "$store_password" -alias ca -file "$secrets/ca.pem" -noprompt
}

case "$command" in
  start)
    daemon_refuse "$port"
    kafka_jars
    rm -rf "$state/data" "$state/log" "$state/secrets" "$state/client.properties"
    mkdir -p "$state/data"
    controller="$(free_port)" internal="$(free_port)"
    protocol="${security^^}"
    cat > "$state/server.properties" <<PROPERTIES
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller
listeners=CLIENT://127.0.0.1:$port,INTERNAL://127.0.0.1:$internal,CONTROLLER://127.0.0.1:$controller
advertised.listeners=CLIENT://127.0.0.1:$port,INTERNAL://127.0.0.1:$internal
controller.listener.names=CONTROLLER
inter.broker.listener.name=INTERNAL
listener.security.protocol.map=CONTROLLER:PLAINTEXT,INTERNAL:PLAINTEXT,CLIENT:$protocol
log.dirs=$state/data
num.partitions=2
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
PROPERTIES
    scram=()
    if [[ "$security" != plaintext ]]; then
      secrets="$state/secrets"
      (umask 077 && mkdir -p "$secrets" && touch "$state/client.properties")
      echo "security.protocol=$protocol" >> "$state/client.properties"
    fi
    if [[ "$security" == *ssl ]]; then
      store_password="$(daemon_secret 24)"
      tls_files
      cat >> "$state/server.properties" <<PROPERTIES
listener.name.client.ssl.keystore.location=$secrets/broker.p12
listener.name.client.ssl.keystore.type=PKCS12
listener.name.client.ssl.keystore.password=$store_password
listener.name.client.ssl.key.password=$store_password
PROPERTIES
      cat >> "$state/client.properties" <<PROPERTIES
ssl.truststore.location=$secrets/truststore.p12
ssl.truststore.type=PKCS12
ssl.truststore.password=$store_password
PROPERTIES
    fi
    if [[ "$security" == sasl_* ]]; then
      password="$(daemon_secret 24)"
      scram=(--add-scram "SCRAM-SHA-512=[name=activations,password=$password]")
      cat >> "$state/server.properties" <<PROPERTIES
listener.name.client.sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.client.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
PROPERTIES
      cat >> "$state/client.properties" <<PROPERTIES
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="activations" password="$password";
PROPERTIES
    fi
    chmod 600 "$state/server.properties"
    "${java[@]}" kafka.tools.StorageTool format -t "$("${java[@]}" kafka.tools.StorageTool random-uuid 2>/dev/null)" \
      -c "$state/server.properties" "${scram[@]}" > "$state/format.log" 2>&1
    daemon_start "$port" "${java[@]}" kafka.Kafka "$state/server.properties"
    echo "Kafka $version broker: 127.0.0.1:$port ($protocol) PID $(cat "$state/pid")"
    if [[ -f "$state/client.properties" ]]; then
      echo "client settings: $state/client.properties"
    fi
    ;;
  produce)
    port="$(running_port)"
    kafka_jars
    exec "${java[@]}" org.apache.kafka.tools.ConsoleProducer --bootstrap-server "127.0.0.1:$port" \
      --topic "$topic" "${client_config[@]/#/--producer.config=}"
    ;;
  consume)
    port="$(running_port)"
    kafka_jars
    exec "${java[@]}" org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server "127.0.0.1:$port" \
      --topic "$topic" --from-beginning --timeout-ms 10000 ${count:+--max-messages "$count"} \
      "${client_config[@]/#/--consumer.config=}"
    ;;
  status) daemon_status "127.0.0.1:" ;;
  stop) daemon_stop ;;
  *)
    echo "usage: scripts/kafka.sh start [--port P] [--security S] | status | stop | produce TOPIC | consume TOPIC [N]  [--state DIR]" >&2
    exit 2
    ;;
esac
