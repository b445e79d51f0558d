# Sourced after line.sh and app-jar.sh from the repository root by bench.sh and accuracy.sh: the
# line's classes, test classes and test-scope dependencies (Spark's logging among them) as one
# classpath in $test_classpath, resolved again when pom.xml changes.
build="target/spark$line_id"
classpath_file="$build/test-classpath.txt"
if [[ ! -f "$classpath_file" || pom.xml -nt "$classpath_file" ]]; then
  quiet_mvn "$line_profiles" dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$classpath_file"
fi
test_classpath="$build/test-classes:$build/classes:$(cat "$classpath_file")"
