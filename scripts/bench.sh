#!/usr/bin/env bash
# Benchmarks: SQL functions, transformer and driver against Spark's built-ins, UDFs and a plain copy,
# plus JMH kernel benchmarks. Prints each table, then writes target/bench/results-<scale>.md.
#   scripts/bench.sh --quick              about 2 minutes, smaller data
#   scripts/bench.sh                      the full run (about 30 minutes on 2 cores)
#   scripts/bench.sh --readme README.md   also replace the README's Performance tables
#   scripts/bench.sh --only sql,jmh       parts: sql, transformer, scaling, jmh, driver
# Run nothing else meanwhile: the figures are ratios measured side by side in one JVM.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

source scripts/app-jar.sh # jar
classpath_file=target/bench/classpath.txt
if [[ ! -f "$classpath_file" || pom.xml -nt "$classpath_file" ]]; then
  mvn -B -q dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$classpath_file" >&2
fi
source scripts/spark-runtime.sh # spark_jvm_flags
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"

exec java -Xmx"${BENCH_MEMORY:-8g}" "${spark_jvm_flags[@]}" \
  -Dlog4j2.configurationFile="$root/conf/log4j2.properties" \
  -cp "target/test-classes:target/classes:$(cat "$classpath_file")" \
  io.github.sparkactivations.bench.BenchmarkSuite --jar "$jar" "$@"
