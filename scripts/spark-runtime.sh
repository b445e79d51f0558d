# Sourced after line.sh by spark-submit, cluster.sh, connect-server.sh, hadoop.sh and bench.sh
# (before they start anything that waits on a deadline): a Spark runtime of the line's
# version, assembled from Maven Central under target/spark-runtime/<line> once (jars/ and Spark's
# JVM flags) with a class-data archive, when SPARK_HOME is not set. Defines: runtime,
# spark_jvm_flags (array), archive (the archive's path; it may not exist).
runtime="$root/target/spark-runtime/$line_id"
# Assembled again when the pom changes (its provided dependencies are the runtime).
stamp="$(sha1sum "$root/pom.xml" | cut -d' ' -f1)"
# Drivers started together wait for the first to assemble it and record its archive (a lock next
# to it).
mkdir -p "$(dirname "$runtime")"
exec 8> "$runtime.lock"
flock 8
if [[ "$(cat "$runtime/complete" 2>/dev/null)" != "$stamp" ]]; then
  echo "Assembling a Spark $line_id runtime in $runtime (once) ..." >&2
  rm -rf "$runtime"
  # One Maven run for both (each start of Maven takes seconds).
  quiet_mvn -f "$root/pom.xml" "$line_profiles" dependency:copy-dependencies \
    -DincludeScope=provided -DoutputDirectory="$runtime/jars" \
    help:evaluate -Dexpression=spark.jvm.flags -DforceStdout -Doutput="$runtime/jvm-flags"
  echo "$stamp" > "$runtime/complete"
fi
read -r -a spark_jvm_flags < "$runtime/jvm-flags" || true # the file has no final newline

# Class data sharing: the JVM maps the classes a run needs from an archive instead of finding,
# reading and verifying each in the runtime's jars, which is most of a small job's start-up. The
# archive holds the classes of a sample run of this project's job, recorded once per runtime when
# the line's jar exists: recorded by whichever run came first, it held only what that run loaded
# (a refused argument, --version) and later runs took twice as long to start. A stale or unusable
# archive is ignored, silently; a failed recording is not tried again for this runtime (its log,
# archive.log, says why), as each try costs a run or two.
archive="$runtime/classes.jsa"
# record_archive: the sample activated into Parquet with its classes dumped as it exits; the
# archive is put in place once a JVM has opened it (else runs go on without one).
record_archive() {
  local work="$runtime/sample" dump="$archive.new"
  # The sample's logits: Parquet that every line reads, generated once for all of them.
  local sample="$root/target/spark-runtime/sample-logits"
  # The project's Spark settings (conf/), and nothing else of the caller's environment (a Hadoop
  # configuration, a test's fault point).
  local conf="$root/conf"
  local job=(env -i PATH="$PATH" HOME="$HOME" SPARK_LOCAL_IP=127.0.0.1 SPARK_CONF_DIR="$conf"
    java -Xmx1g "${spark_jvm_flags[@]}" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:cds*=off
    -Dlog4j2.configurationFile="$conf/log4j2.properties" -cp "$runtime/jars/*")
  local submit=(org.apache.spark.deploy.SparkSubmit
    --class io.github.sparkactivations.job.ActivationJob "$root/$jar")
  rm -rf "$work" "$dump"
  local code=0
  if [[ ! -f "$sample/_SUCCESS" ]]; then
    # Renamed into place whole; where another line's recording got there first, its sample stays.
    "${job[@]}" "${submit[@]}" generate-sample --output "$work/logits" --rows 2000 --classes 10 &&
      { mv -T "$work/logits" "$sample" 2> /dev/null || [[ -f "$sample/_SUCCESS" ]]; } || code=1
  fi
  [[ $code == 0 ]] &&
    "${job[@]}" -XX:ArchiveClassesAtExit="$dump" "${submit[@]}" run --input "$sample" \
      --output "$work/probs" --apply 'probs=softmax(logits)' --apply 'top3=top_k(logits, k=3)' \
      --apply 'p=sigmoid(score)' --show 1 &&
    # A truncated dump can crash this check: no error file.
    java -XX:SharedArchiveFile="$dump" -Xshare:on -XX:ErrorFile=/dev/null -cp "$runtime/jars/*" \
      -version &&
    mv -f "$dump" "$archive" || code=1
  rm -rf "$work" "$dump"
  # A sample this job no longer reads is generated again by the next recording.
  [[ $code == 0 ]] || rm -rf "$sample"
  return $code
}
if [[ ! -f "$archive" && ! -f "$runtime/archive.log" && -f "$root/$jar" ]]; then
  echo "Recording the classes of a sample run in $archive (once) ..." >&2
  # The log is kept only when the recording fails; an interrupted one (a first run stopped with ^C,
  # which the JVM answers with an exit code of its own) leaves none and is tried again.
  trap 'rm -f "$runtime/archive.log.new"; exit 130' INT
  trap 'rm -f "$runtime/archive.log.new"; exit 143' TERM
  record_archive &> "$runtime/archive.log.new" ||
    mv -f "$runtime/archive.log.new" "$runtime/archive.log"
  trap - INT TERM
  rm -f "$runtime/archive.log.new"
fi
flock -u 8
exec 8>&-
