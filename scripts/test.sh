#!/usr/bin/env bash
# The project's test command (CI runs it). Every Spark line, each built into its own folder:
#   - the default line, Spark 4.2: the full suite (`mvn verify`: unit, Spark, end-to-end, cluster and
#     benchmark tests);
#   - every other line: its jar plus the unit and Spark-session tests, the batch driver end to end
#     through SparkSubmit, Spark Connect (4.x lines) and the real 4.2 jar meeting the line's Spark
#     (WrongLineIT); the cluster, benchmark and driver-fault tests stay on 4.2.
# Ends with one line per line: its result and time. Exit code 1 if any line failed.
#   scripts/test.sh                        every line
#   scripts/test.sh --lines 3.5,4.0        only these (4.2, 4.1, 4.0, 3.5 = 3.5_2.12, 3.5_2.13)
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
lines="4.2,4.1,4.0,3.5_2.12,3.5_2.13"
if [[ "${1:-}" == --lines ]]; then
  lines="${2:?--lines needs a comma-separated list}"
elif [[ $# -gt 0 ]]; then
  echo "usage: scripts/test.sh [--lines 4.2,4.1,4.0,3.5_2.12,3.5_2.13]" >&2
  exit 2
fi

results=()
failed=0
for requested in ${lines//,/ }; do
  start=$SECONDS
  (
    source scripts/line.sh --line "$requested" # line, scala, line_id, line_profiles, version
    args=(-B "$line_profiles" verify)
    if [[ "$line_id" != 4.2_2.13 ]]; then
      args+=(-DexcludedGroups=benchmark,cluster,faults)
      default_jar="target/spark-activations-spark4.2_2.13-${version}.jar"
      [[ -f "$default_jar" ]] && args+=("-Dforeign.jar=$default_jar")
    fi
    echo "=== Spark $line_id: mvn ${args[*]}"
    mvn "${args[@]}"
  )
  code=$?
  took=$((SECONDS - start))
  results+=("Spark $requested: $([[ $code == 0 ]] && echo passed || echo FAILED) in $((took / 60)) min $((took % 60)) s")
  [[ $code == 0 ]] || failed=1
done
echo
printf '%s\n' "${results[@]}"
echo "All lines: $((SECONDS / 60)) min $((SECONDS % 60)) s"
exit "$failed"
