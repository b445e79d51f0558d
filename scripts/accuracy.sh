#!/usr/bin/env bash
# Accuracy beyond the tests' reference set: random points with exact values from mpmath (needs
# python3 with mpmath), then every spec's maximum error on them. Prints the tables and writes
# target/accuracy-random.md.
#   scripts/accuracy.sh                   1,000,000 points per element-wise spec and values per
#                                         array spec, a tenth of that in float (about 30 minutes
#                                         on 2 cores)
#   scripts/accuracy.sh --points N        another count
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/line.sh" # root, line_id, line_profiles; takes --line
cd "$root"
points=1000000
if [[ "${1:-}" == --points ]]; then
  points="${2:?--points needs a number}"
fi

python3 src/test/python/random_points.py --points "$points"
source scripts/app-jar.sh # the classes, test classes included
source scripts/test-classpath.sh # test_classpath
java -Dlog4j2.configurationFile="$root/conf/log4j2.properties" -cp "$test_classpath" \
  io.github.sparkactivations.core.RandomAccuracyReport target/random-points
