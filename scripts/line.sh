# Sourced first by the scripts: which Spark line to run. From a leading `--line L` argument (taken
# off the caller's arguments), else $SPARK_LINE, else the Spark installation at $SPARK_HOME, else
# 4.2. L is 4.2, 4.1, 4.0, 3.5 (Scala 2.12) or 3.5_2.13; the long form 4.2_2.13 works too.
# Defines: root, line (e.g. 3.5), scala (2.12), line_id (3.5_2.12), line_profiles (Maven -P
# argument), version (the project's) and jar (the line's application jar, relative to root).
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ "${1:-}" == --line ]]; then
  SPARK_LINE="${2:?--line needs a value: 4.2, 4.1, 4.0, 3.5 or 3.5_2.13}"
  shift 2
elif [[ "${1:-}" == --line=* ]]; then
  SPARK_LINE="${1#--line=}"
  shift
fi
if [[ -z "${SPARK_LINE:-}" && -n "${SPARK_HOME:-}" ]]; then
  # The installation's own line, e.g. jars/spark-core_2.12-3.5.1.jar → 3.5_2.12.
  for core in "$SPARK_HOME"/jars/spark-core_*.jar; do
    if [[ "$(basename "$core")" =~ ^spark-core_([0-9]+\.[0-9]+)-([0-9]+\.[0-9]+)\. ]]; then
      SPARK_LINE="${BASH_REMATCH[2]}_${BASH_REMATCH[1]}"
    fi
  done
fi
case "${SPARK_LINE:-4.2}" in
  4.2 | 4.2_2.13) line=4.2 scala=2.13 ;;
  4.1 | 4.1_2.13) line=4.1 scala=2.13 ;;
  4.0 | 4.0_2.13) line=4.0 scala=2.13 ;;
  3.5 | 3.5_2.12) line=3.5 scala=2.12 ;;
  3.5_2.13) line=3.5 scala=2.13 ;;
  *)
    echo "error: unknown Spark line '$SPARK_LINE'; use 4.2 (the default), 4.1, 4.0, 3.5 (Scala 2.12) or 3.5_2.13" >&2
    exit 2
    ;;
esac
line_id="${line}_${scala}"
export SPARK_LINE="$line_id"
line_profiles="-Pspark-$line,scala-$scala"
version=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' "$root/pom.xml" | head -1)
jar="target/spark-activations-spark${line_id}-${version}.jar"

# Maven helpers (quiet_mvn, fetch_jars, line_property) for every script of a line.
source "$root/scripts/fetch-jars.sh"
