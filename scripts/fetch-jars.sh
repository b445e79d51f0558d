# Sourced by line.sh and the server scripts.
# quiet_mvn ARGS: Maven in batch mode, silent unless it fails (then its output, on stderr). Debian's
# Maven prints terminal reset codes even with -B -q; they stay out of the scripts' output.
quiet_mvn() {
  local log
  log="$(mktemp)"
  if mvn -B -q "$@" > "$log" 2>&1; then
    rm -f "$log"
  else
    sed 's/\x1b\[[0-9;]*m//g' "$log" >&2
    rm -f "$log"
    return 1
  fi
}

# fetch_jars DIR GROUP:ARTIFACT:VERSION [ARGS]
# copies that module and its runtime dependencies from Maven Central into DIR/jars (a pom.xml of
# one dependency is written in DIR, since Maven copies dependencies only for a project); ARGS go
# to dependency:copy-dependencies, e.g. -DincludeArtifactIds=... to keep some of them only.
fetch_jars() {
  local dir group artifact version
  dir="$(mkdir -p "$1" && cd "$1" && pwd)" # Maven reads relative paths from the pom's folder
  IFS=: read -r group artifact version <<< "$2"
  shift 2
  cat > "$dir/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>io.github.sparkactivations</groupId>
  <artifactId>fetch-$artifact</artifactId>
  <version>1</version>
  <dependencies>
    <dependency><groupId>$group</groupId><artifactId>$artifact</artifactId><version>$version</version></dependency>
  </dependencies>
</project>
POM
  quiet_mvn -f "$dir/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$dir/jars" "$@"
}

# The value of a property of the line's build, e.g. line_property spark.connect.version.
line_property() {
  local value
  value="$(mktemp)"
  # Through a file: Maven's console output carries terminal control codes.
  quiet_mvn -f "$root/pom.xml" "$line_profiles" help:evaluate -Dexpression="$1" -DforceStdout \
    -Doutput="$value"
  cat "$value"
  rm -f "$value"
}

# fetch_once DIR WHAT COMMAND...: runs COMMAND, which fills DIR, unless DIR is complete; processes
# started together wait for the first (a lock next to DIR). WHAT names it in the one line printed.
fetch_once() {
  local dir="$1" what="$2"
  shift 2
  mkdir -p "$(dirname "$dir")"
  exec 9> "$(dirname "$dir")/.lock"
  flock 9
  if [[ ! -f "$dir/complete" ]]; then
    echo "Fetching $what into $dir (once) ..." >&2
    rm -rf "$dir"
    mkdir -p "$dir"
    "$@"
    touch "$dir/complete"
  fi
  flock -u 9
}
