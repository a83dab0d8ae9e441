#!/usr/bin/env bash
# Adaptation without retraining: the synthetic test split holds scene compositions never seen in
# training. Teach the bank the captions of the first K test images (K = 0, 1, 5, 20) and measure
# the captions of the other test images (the same 280 each time), bank on, beam 3.
# Usage: bench/adapt.sh MODEL_DIR DATA_DIR [WORKDIR]
set -euo pipefail
home="$(cd "$(dirname "$0")/.." && pwd)"
kvcap="$home/bin/kvcap"
model="$1"; data="$2"; work="${3:-/tmp/kvcap-adapt}"
rm -rf "$work"; mkdir -p "$work"
python3 - "$data/annotations/captions_test.json" "$work" <<'PY'
import json, sys
src, work = sys.argv[1], sys.argv[2]
d = json.load(open(src))
ids = [im["id"] for im in d["images"]]
def subset(keep, name):
    keep = set(keep)
    json.dump({"images": [im for im in d["images"] if im["id"] in keep],
               "annotations": [a for a in d["annotations"] if a["image_id"] in keep]},
              open(f"{work}/{name}.json", "w"))
subset(ids[:20], "teach")
subset(ids[20:], "eval")
PY
echo "| taught images | bank entries | Bleu_4 | METEOR | ROUGE_L | CIDEr |"
echo "| --- | --- | --- | --- | --- | --- |"
for k in 0 1 5 20; do
  rm -rf "$work/model"; cp -r "$model" "$work/model"
  mode=off
  if [ "$k" -gt 0 ]; then
    "$kvcap" memory build --model "$work/model" --captions "$work/teach.json" --images "$data/images/test" \
      --limit "$k" > /dev/null 2>> "$work/log"
    mode=on
  fi
  entries=$("$kvcap" memory stats --model "$work/model" | python3 -c 'import json,sys; print(json.load(sys.stdin)["entries"])')
  "$kvcap" evaluate --model "$work/model" --memory "$mode" --captions "$work/eval.json" \
    --images "$data/images/test" --beam 3 --rerank 0 2>> "$work/log" > "$work/eval-$k.json"
  python3 - "$work/eval-$k.json" "$k" "$entries" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
print(f"| {sys.argv[2]} | {sys.argv[3]} | {m['Bleu_4']:.3f} | {m['METEOR']:.3f} | {m['ROUGE_L']:.3f} | {m['CIDEr']:.3f} |")
PY
done
