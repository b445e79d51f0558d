#!/usr/bin/env bash
# The README's run command. Builds the application jar if needed and runs the main program.
# Until the batch driver lands, the main program prints the activation catalogue.
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' pom.xml | head -1)
jar="target/spark-activations-${version}.jar"
if [[ ! -f "$jar" || -n "$(find src pom.xml -newer "$jar" -type f -print -quit)" ]]; then
  echo "Building $jar ..." >&2
  mvn -B -q -DskipTests package
fi

java -cp "$jar" io.github.sparkactivations.core.FunctionReference
