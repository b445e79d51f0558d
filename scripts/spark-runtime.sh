# Sourced by spark-submit and cluster.sh: a Spark runtime of the build's version, assembled from
# Maven Central under target/spark-runtime once (jars/ and Spark's JVM flags), when SPARK_HOME is
# not set. Defines: root, runtime, spark_jvm_flags (array).
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runtime="$root/target/spark-runtime"
if [[ ! -f "$runtime/complete" ]]; then
  echo "Assembling a Spark runtime in $runtime (once) ..." >&2
  rm -rf "$runtime"
  mvn -B -q -f "$root/pom.xml" dependency:copy-dependencies \
    -DincludeScope=provided -DoutputDirectory="$runtime/jars" >&2
  mvn -B -q -f "$root/pom.xml" help:evaluate -Dexpression=spark.jvm.flags -DforceStdout \
    -Doutput="$runtime/jvm-flags" >&2
  touch "$runtime/complete"
fi
read -r -a spark_jvm_flags < "$runtime/jvm-flags" || true # the file has no final newline
