# Sourced after line.sh by spark-submit, cluster.sh and bench.sh: a Spark runtime of the line's
# version, assembled from Maven Central under target/spark-runtime/<line> once (jars/ and Spark's
# JVM flags), when SPARK_HOME is not set. Defines: runtime, spark_jvm_flags (array).
runtime="$root/target/spark-runtime/$line_id"
# Assembled again when the pom changes (its provided dependencies are the runtime).
stamp="$(sha1sum "$root/pom.xml" | cut -d' ' -f1)"
if [[ "$(cat "$runtime/complete" 2>/dev/null)" != "$stamp" ]]; then
  echo "Assembling a Spark $line_id runtime in $runtime (once) ..." >&2
  rm -rf "$runtime"
  quiet_mvn -f "$root/pom.xml" "$line_profiles" dependency:copy-dependencies \
    -DincludeScope=provided -DoutputDirectory="$runtime/jars"
  quiet_mvn -f "$root/pom.xml" help:evaluate -Dexpression=spark.jvm.flags -DforceStdout \
    -Doutput="$runtime/jvm-flags"
  echo "$stamp" > "$runtime/complete"
fi
read -r -a spark_jvm_flags < "$runtime/jvm-flags" || true # the file has no final newline
