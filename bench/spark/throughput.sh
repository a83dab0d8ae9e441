#!/usr/bin/env bash
# Spark's overhead: images/s of `kvcap evaluate` against `kvcap spark-caption` in local[1] and
# local[2] on the same images, model, beam and batch (docs/BENCHMARKS.md, "Spark throughput").
# Usage: [THREADS=N] bench/spark/throughput.sh MODEL_DIR DATA_DIR [BEAM] [BATCH] [RUNS]
#   DATA_DIR in kvcap synth's layout: DATA_DIR/images/test and DATA_DIR/annotations/captions_test.json
# Prints one line per run: what, wall seconds (JVM start to exit), images/s.
set -euo pipefail
HERE=$(cd "$(dirname "$0")/../.." && pwd)
MODEL=${1:?usage: throughput.sh MODEL_DIR DATA_DIR [BEAM] [BATCH] [RUNS]}
DATA=${2:?usage: throughput.sh MODEL_DIR DATA_DIR [BEAM] [BATCH] [RUNS]}
BEAM=${3:-3}
BATCH=${4:-16}
RUNS=${5:-2}
IMAGES="$DATA/images/test"
N=$(find "$IMAGES" -type f | wc -l)
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
timed() { # label, command...
  local label=$1; shift
  local t0 t1
  t0=$(date +%s.%N)
  "$@" > "$OUT/stdout" 2> "$OUT/stderr" || { echo "$label failed:"; cat "$OUT/stderr"; exit 1; }
  t1=$(date +%s.%N)
  awk -v l="$label" -v a="$t0" -v b="$t1" -v n="$N" 'BEGIN { printf "%-22s %7.1f s  %6.1f images/s\n", l, b - a, n / (b - a) }'
}
echo "$N images, beam $BEAM, batch $BATCH, $(nproc) cores"
# PyTorch threads are set explicitly: one per task (THREADS=1) unless told otherwise.
THREADS=${THREADS:-1}
for run in $(seq "$RUNS"); do
  timed "evaluate" "$HERE/bin/kvcap" evaluate --model "$MODEL" --captions "$DATA/annotations/captions_test.json" \
    --images "$IMAGES" --beam "$BEAM" --batch "$BATCH" --threads "$THREADS" --rerank 0
  grep -h "captioned .* images in" "$OUT/stderr" | sed 's/^/  (evaluate: /; s/$/)/'
  for m in "local[1]" "local[2]"; do
    rm -rf "$OUT/captions.parquet"
    timed "spark-caption $m" "$HERE/bin/kvcap" spark-caption --model "$MODEL" --input "$IMAGES" \
      --output "$OUT/captions.parquet" --master "$m" --beam "$BEAM" --batch "$BATCH" --threads "$THREADS"
    grep -h "stage .*captioning.*done" "$OUT/stderr" | sed 's/^kvcap spark-caption: /  (/; s/$/)/'
    echo "  (summary: $(cat "$OUT/stdout"))"
  done
done
