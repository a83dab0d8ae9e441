#!/usr/bin/env bash
# Adaptation without retraining, measured as concept use (issue 6): the synthetic training split
# never states four "role" compositions (docs/SYNTHETIC.md, held-out rule 2): a red triangle on the
# left of something, a green diamond above something, something left of a blue circle, something
# above a yellow square. Teach the bank k test images of each concept with `kvcap memory add`
# (one caption that states it, k = 0, 1, 5, 20 per concept, nested), then caption the other test
# images with the bank on and count how often a caption states the concept where the image has it
# (use) and where it does not (false use). k = 0 is the same model with the bank off.
# Usage: bench/concepts.sh MODEL_DIR [WORKDIR] [IMAGES]
#   e.g. bench/concepts.sh /tmp/kvcap-demo/model /tmp/kvcap-concepts 10000
set -euo pipefail
home="$(cd "$(dirname "$0")/.." && pwd)"
kvcap="$home/bin/kvcap"
model="$1"; work="${2:-/tmp/kvcap-concepts}"; images="${3:-10000}"
rm -rf "$work"; mkdir -p "$work"
# A fresh synthetic set (another seed than the demo's): its test split is new images of the same
# held-out compositions.
"$kvcap" synth --images "$images" --seed 11 --out "$work/data" > /dev/null 2>> "$work/log"
cp -r "$model" "$work/model"
python3 "$home/bench/concepts.py" plan "$work"
echo "| taught per concept | bank entries | concept | images with it | use: bank off → on | false use (other images) | CIDEr (all) |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
taught=0
for k in 0 1 5 20; do
  mode=off
  if [ "$k" -gt 0 ]; then
    # teach.tsv: concept, rank, image file, caption; add the ranks taught < rank <= k
    while IFS=$'\t' read -r concept rank file caption; do
      if [ "$rank" -gt "$taught" ] && [ "$rank" -le "$k" ]; then
        "$kvcap" memory add --model "$work/model" --caption "$caption" "$work/data/images/test/$file" > /dev/null 2>> "$work/log"
      fi
    done < "$work/teach.tsv"
    taught=$k; mode=on
  fi
  entries=0
  [ "$k" -gt 0 ] && entries=$("$kvcap" memory stats --model "$work/model" | python3 -c 'import json,sys; print(json.load(sys.stdin)["entries"])')
  "$kvcap" evaluate --model "$work/model" --memory "$mode" --captions "$work/eval.json" \
    --images "$work/data/images/test" --beam 3 --rerank 0 --results "$work/results-$k.json" 2>> "$work/log" > "$work/metrics-$k.json"
  python3 "$home/bench/concepts.py" score "$work" "$k" "$entries"
done
