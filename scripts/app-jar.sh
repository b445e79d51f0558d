# Sourced after line.sh by run-example.sh and bench.sh from the repository root: builds the line's
# application jar (with the test classes) when any source is newer than it.
if [[ ! -f "$jar" || -n "$(find src pom.xml -newer "$jar" -type f -print -quit)" ]]; then
  echo "Building $jar ..." >&2
  quiet_mvn "$line_profiles" -DskipTests package
fi
