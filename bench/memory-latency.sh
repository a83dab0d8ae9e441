#!/usr/bin/env bash
# Caption latency with and without a memory (issue 15: the retrieval memory must stay within 20 %
# of no memory): captions the first N test images one at a time (batch 1, beam 3) with each model,
# alternating, R rounds, on a quiet machine; prints ms per image, the best round of each. WORDS > 0
# forces every caption to that many words (--min-len = --max-len), so models that write captions
# of different lengths are compared per word as well; 0 lets each model stop where it would.
# The time is evaluate's own "captioned N images in X s" line: model loading and metrics are outside.
# MODEL may be followed by ":bank" to caption with its memory bank on (--memory on).
# Usage: bench/memory-latency.sh DATA N R WORDS MODEL[:bank]...
#   e.g. bench/memory-latency.sh /tmp/real 200 3 8 /tmp/abl-real/off-s1 /tmp/abl-real/ret-s1 /tmp/abl-real/slots-s1
set -euo pipefail
home="$(cd "$(dirname "$0")/.." && pwd)"
kvcap="$home/bin/kvcap"
data="$1"; n="$2"; rounds="$3"; words="$4"; shift 4
length=()
[ "$words" -gt 0 ] && length=(--min-len "$words" --max-len "$words")
declare -A best
for r in $(seq "$rounds"); do
  for model in "$@"; do
    memory=off; dir="$model"
    [[ "$model" == *:bank ]] && memory=on && dir="${model%:bank}"
    secs=$("$kvcap" evaluate --model "$dir" --captions "$data/annotations/captions_test.json" \
      --images "$data/images/test" --limit "$n" --batch 1 --beam 3 --rerank 0 --memory "$memory" "${length[@]}" 2>&1 >/dev/null \
      | sed -n 's/^captioned [0-9]* images in \([0-9.]*\) s.*/\1/p')
    ms=$(python3 -c "print(f'{1000 * $secs / $n:.1f}')")
    echo "round $r $model: $ms ms/image" >&2
    if [ -z "${best[$model]:-}" ] || python3 -c "import sys; sys.exit(0 if $ms < ${best[$model]} else 1)"; then
      best[$model]=$ms
    fi
  done
done
echo "| model | ms per image (best of $rounds rounds, $n images, batch 1, beam 3, words: ${words/#0/as each model ends}) |"
echo "| --- | --- |"
for model in "$@"; do
  echo "| $model | ${best[$model]} |"
done
