# Sourced by run-example.sh and bench.sh from the repository root: defines jar, the application
# jar, and builds it (with the test classes) when any source is newer.
version=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' pom.xml | head -1)
jar="target/spark-activations-${version}.jar"
if [[ ! -f "$jar" || -n "$(find src pom.xml -newer "$jar" -type f -print -quit)" ]]; then
  echo "Building $jar ..." >&2
  mvn -B -q -DskipTests package >&2
fi
