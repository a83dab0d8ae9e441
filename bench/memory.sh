#!/usr/bin/env bash
# Memory-bank effect on held-out captions: copies a trained model, fills its bank from N training
# images (every caption), and evaluates the test split with the bank off and on (beam 3).
# Usage: bench/memory.sh MODEL_DIR DATA_DIR [WORKDIR] [N_IMAGES]
#   e.g. after bench/ablation.sh: bench/memory.sh /tmp/kvcap-ablation/full /tmp/kvcap-ablation/data
# DATA_DIR is laid out as kvcap synth writes it (annotations/captions_{train,test}.json,
# images/{train,test}/). For another COCO-format set (e.g. MSCOCO 2014 with a model trained on it)
# name the files instead: TRAIN_CAPTIONS, TRAIN_IMAGES, TEST_CAPTIONS, TEST_IMAGES, e.g.
#   TRAIN_CAPTIONS=coco/annotations/captions_train2014.json TRAIN_IMAGES=coco/train2014 \
#   TEST_CAPTIONS=coco/annotations/captions_val2014.json TEST_IMAGES=coco/val2014 \
#   bench/memory.sh runs/coco - /tmp/kvcap-memory-coco 10000
set -euo pipefail
home="$(cd "$(dirname "$0")/.." && pwd)"
kvcap="$home/bin/kvcap"
model="$1"; data="$2"; work="${3:-/tmp/kvcap-memory}"; n="${4:-1000}"
train_captions="${TRAIN_CAPTIONS:-$data/annotations/captions_train.json}"
train_images="${TRAIN_IMAGES:-$data/images/train}"
test_captions="${TEST_CAPTIONS:-$data/annotations/captions_test.json}"
test_images="${TEST_IMAGES:-$data/images/test}"
rm -rf "$work"; mkdir -p "$work"; cp -r "$model" "$work/model"
start=$(date +%s)
"$kvcap" memory build --model "$work/model" --captions "$train_captions" \
  --images "$train_images" --limit "$n" > "$work/build.json" 2> "$work/build.log"
build_s=$(( $(date +%s) - start ))
for mode in off on; do
  "$kvcap" evaluate --model "$work/model" --memory "$mode" --captions "$test_captions" \
    --images "$test_images" --beam 3 --rerank 0 2> "$work/eval-$mode.log" > "$work/eval-$mode.json"
done
"$kvcap" memory stats --model "$work/model" > "$work/stats.json"
python3 - "$work" "$build_s" <<'PY'
import json, sys
work, build_s = sys.argv[1], sys.argv[2]
st = json.load(open(f"{work}/stats.json"))
print(f"bank: {st['entries']} entries from {st['sources']} images, {st['bytes_on_disk']/1e6:.1f} MB on disk, built in {build_s} s")
print("| memory | Bleu_4 | METEOR | ROUGE_L | CIDEr |")
print("| --- | --- | --- | --- | --- |")
for mode in ("off", "on"):
    m = json.load(open(f"{work}/eval-{mode}.json"))
    print(f"| {mode} | {m['Bleu_4']:.3f} | {m['METEOR']:.3f} | {m['ROUGE_L']:.3f} | {m['CIDEr']:.3f} |")
PY
