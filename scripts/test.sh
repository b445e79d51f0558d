#!/usr/bin/env bash
# The project's test command (CI runs it). Every Spark line, each built into its own folder:
#   - the default line, Spark 4.2: the full suite (`mvn verify`: unit, Spark, end-to-end, cluster and
#     benchmark tests);
#   - every other line: its jar plus the unit and Spark-session tests (the kernels' own, which have
#     no Spark in them, on 3.5_2.12 alone, as the scalar path there), the batch driver end to end
#     through SparkSubmit (bad input and errors included), and except on 3.5_2.13 (whose releases
#     are 3.5_2.12's, built for Scala 2.13) streams, appends, tables (Hive metastore; Delta and
#     Iceberg where they publish a package; the formats' SQL sessions not on 4.0, which takes SQL
#     extensions as 4.1 does), Spark Connect (4.x lines) and one run on YARN (each
#     Hadoop version that has Spark's YARN module); the real 4.2 jar meeting the line's Spark
#     (WrongLineIT). The cluster, benchmark and slow fault tests (kills and signals, on local disk
#     and HDFS), the command line's own refusals (cli: decided before Spark starts, the same on
#     every line), the secured broker's tests (kafka-full) and S3 (s3) stay on 4.2, the table
#     formats' full set (tables-full) runs on 4.1.
# The drivers the integration tests start run with the first JIT tier only (SPARK_SUBMIT_OPTS,
# set in the pom): their runs are small.
# Ends with one line per line: its result, time, test count and the reasons of its skips. A line
# fails when its build fails or when a test class skipped that the line must run: the only skips
# allowed are those of ALLOWED_SKIPS below. Exit code 1 if any line failed.
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

# Test classes a line may skip, and why: 4.2 runs first, so no other line's jar exists for its
# WrongLineIT (the other lines run theirs with the 4.2 jar), and neither Delta nor Iceberg has a
# package for Spark 4.2 (TableIT checks the one-line refusals there instead); Maven Central has no
# Spark Connect server module for 4.1.
declare -A ALLOWED_SKIPS=([4.2_2.13]="WrongLineIT TableIT TableSqlIT" [4.1_2.13]="ConnectIT HadoopIT")

# tally LINE_ID: "N tests, M skipped (Class: reason, ...)" from the line's Surefire and Failsafe
# reports; the classes that skipped without being allowed go to $state/unexpected.
tally() {
  local reports=() tests=0 skipped=0 f
  for f in "target/spark$1"/{surefire,failsafe}-reports/TEST-*.xml; do
    [[ -f "$f" ]] || continue
    reports+=("$f")
    tests=$((tests + $(grep -o -m1 ' tests="[0-9]*"' "$f" | tr -dc 0-9)))
    skipped=$((skipped + $(grep -o -m1 ' skipped="[0-9]*"' "$f" | tr -dc 0-9)))
  done
  local reasons
  reasons="$(awk '
    match($0, /<testsuite [^>]* tests="0"/) {
      # A class skipped as a whole (an assumption in @BeforeAll) reports no tests at all.
      suite = $0; sub(/.* name="/, "", suite); sub(/".*/, "", suite); sub(/.*\./, "", suite)
      print suite ": no test ran"
    }
    match($0, /<testcase [^>]*classname="[^"]*"/) {
      cls = substr($0, RSTART, RLENGTH); sub(/.*classname="/, "", cls); sub(/"$/, "", cls)
      sub(/.*\./, "", cls)
    }
    /<skipped/ {
      # The reason: a message attribute, or the assumption in the report of the exception.
      msg = ""
      if (match($0, /message="[^"]*"/)) msg = substr($0, RSTART + 9, RLENGTH - 10)
      else if (match($0, /Assumption failed: .*/)) msg = substr($0, RSTART + 19)
      sub(/^Assumption failed: /, "", msg); sub(/]]>.*/, "", msg); gsub(/&apos;/, "'\''", msg)
      print cls ": " (msg == "" ? "skipped" : msg)
    }' /dev/null "${reports[@]}" | sort -u)"
  local allowed=" ${ALLOWED_SKIPS[$1]:-} " cls
  for cls in $(cut -d: -f1 <<< "$reasons" | sort -u); do
    [[ "$allowed" == *" $cls "* ]] || echo "$cls" >> "$state/unexpected"
  done
  printf '%s tests, %s skipped' "$tests" "$skipped"
  [[ -n "$reasons" ]] && printf ' (%s)' "$(paste -sd ';' <<< "$reasons" | sed 's/;/; /g')"
  echo
}

# The float array kernels' path probe (FloatLanesTest) also runs on the machine's other JDKs of 17
# or later (Debian's /usr/lib/jvm); TEST_JDKS=home1:home2 chooses them instead.
if [[ -z "${TEST_JDKS+set}" ]]; then
  running="$(readlink -f "$(command -v java)")"
  TEST_JDKS="$(for home in /usr/lib/jvm/*/; do
    home="${home%/}"
    [[ -x "$home/bin/java" && ! -L "$home" && "$(readlink -f "$home/bin/java")" != "$running" ]] || continue
    feature="$("$home/bin/java" -XshowSettings:properties -version 2>&1 |
      sed -n 's/^ *java.specification.version = //p')"
    [[ "$feature" =~ ^[0-9]+$ && "$feature" -ge 17 ]] && echo "$home"
  done | paste -sd:)"
fi
export TEST_JDKS
echo "Other JDKs for the vector path probe: ${TEST_JDKS:-none}"

state="$(mktemp -d)"
trap 'rm -rf "$state"' EXIT
echo 'io/github/sparkactivations/core/**' > "$state/kernel-tests" # the kernels' own tests
results=()
failed=0
for requested in ${lines//,/ }; do
  start=$SECONDS
  rm -f "$state/unexpected" "$state/tally"
  (
    source scripts/line.sh --line "$requested" # line, scala, line_id, line_profiles, version
    args=(-B "$line_profiles" verify)
    if [[ "$line_id" != 4.2_2.13 ]]; then
      excluded=benchmark,cluster,faults,cli,kafka-full,s3
      # The table formats' full set (kills, in-place overwrites, streams) on the newest line with them.
      [[ "$line_id" == 4.1_2.13 ]] || excluded+=,tables-full
      # 3.5_2.12's Spark, Hadoop client, Kafka connector and table formats' releases, built for
      # Scala 2.13: its unit and Spark-session tests and the driver end to end check that build;
      # the streams, appends, tables and YARN run on 3.5_2.12.
      [[ "$line_id" == 3.5_2.13 ]] && args+=(-Dit.test=ActivationJobIT,BadInputIT,WrongLineIT)
      # Spark 4.0 takes SQL extensions as 4.1 does: the formats' SQL sessions (TableSqlIT) run on
      # 4.1 and 3.5_2.12, and 4.0's format packages meet the extension through the driver (TableIT).
      [[ "$line_id" == 4.0_2.13 ]] && args+=('-Dit.test=*IT,!TableSqlIT')
      # The kernels (core) have no Spark in them: the same classes on every line. They run on
      # 4.2 and on 3.5_2.12, whose JVMs start without the vector module (the scalar path).
      [[ "$line_id" == 3.5_2.12 ]] || args+=("-Dsurefire.excludesFile=$state/kernel-tests")
      args+=("-DexcludedGroups=$excluded")
      default_jar="target/spark-activations-spark4.2_2.13-${version}.jar"
      [[ -f "$default_jar" ]] && args+=("-Dforeign.jar=$default_jar")
    fi
    echo "=== Spark $line_id: mvn ${args[*]}"
    # Reports of an earlier build would count as this one's.
    rm -rf "target/spark$line_id"/{surefire,failsafe}-reports
    # Debian's Maven prints terminal reset codes even in batch mode.
    mvn "${args[@]}" 2>&1 | sed -u 's/\x1b\[[0-9;]*m//g'
    code=${PIPESTATUS[0]}
    tally "$line_id" > "$state/tally"
    exit "$code"
  )
  code=$?
  took=$((SECONDS - start))
  result="$([[ $code == 0 ]] && echo passed || echo FAILED)"
  if [[ $code == 0 && -s "$state/unexpected" ]]; then
    result="FAILED (skipped tests it must run: $(paste -sd ' ' "$state/unexpected"))"
    code=1
  fi
  results+=("Spark $requested: $result in $((took / 60)) min $((took % 60)) s — $(cat "$state/tally" 2>/dev/null)")
  [[ $code == 0 ]] || failed=1
done
echo
printf '%s\n' "${results[@]}"
echo "All lines: $((SECONDS / 60)) min $((SECONDS % 60)) s"
exit "$failed"
