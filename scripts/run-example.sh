#!/usr/bin/env bash
# The README's run command: builds the application jar if needed, generates 1M rows x 10 float
# logits, runs the activation job on embedded local Spark through scripts/spark-submit, and prints
# the summary and a few output rows. Everything goes under target/example/.
#   scripts/run-example.sh [--line L]     L: 4.2 (default), 4.1, 4.0, 3.5 or 3.5_2.13 (see line.sh)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/line.sh" # root, line_id, jar
cd "$root"

source scripts/app-jar.sh
job=(scripts/spark-submit --master 'local[*]' --class io.github.sparkactivations.job.ActivationJob "$jar")

"${job[@]}" generate-sample --output target/example/logits --rows "${ROWS:-1000000}" --classes 10 \
  --type float --seed 42 --overwrite
"${job[@]}" run --input target/example/logits --output target/example/probs --mode overwrite \
  --apply 'probs=softmax(logits)' --apply 'top3=top_k(logits, k=3)' --apply 'score_p=sigmoid(score)' \
  --show 5
