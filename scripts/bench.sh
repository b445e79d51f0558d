#!/usr/bin/env bash
# Benchmarks: SQL functions, transformer and driver against Spark's built-ins, UDFs and a plain copy,
# plus JMH kernel benchmarks. Prints each table, then writes target/bench/<line>/results-<scale>.md.
#   scripts/bench.sh [--line L] ...       any Spark line (see line.sh); the default is 4.2
#   scripts/bench.sh --quick              about 2 minutes, smaller data
#   scripts/bench.sh                      the full run (about 25 minutes on 2 cores)
#   scripts/bench.sh --readme README.md   also replace the README's Performance tables (a full run),
#                                         or this line's row of the per-line table (--quick)
#   scripts/bench.sh --only sql,jmh       parts: sql, transformer, scaling, jmh, driver (+ stream)
# Run nothing else meanwhile: the figures are ratios measured side by side in one JVM.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/line.sh" # root, line_id, line_profiles, jar; takes --line
cd "$root"

source scripts/app-jar.sh
source scripts/test-classpath.sh # build, test_classpath
source scripts/spark-runtime.sh # spark_jvm_flags
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"

exec java -Xmx"${BENCH_MEMORY:-8g}" "${spark_jvm_flags[@]}" \
  -Dlog4j2.configurationFile="$root/conf/log4j2.properties" \
  -cp "$test_classpath" \
  io.github.sparkactivations.bench.BenchmarkSuite --jar "$jar" --work "target/bench/$line_id" "$@"
