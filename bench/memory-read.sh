#!/usr/bin/env bash
# The two ways of reading the memory bank, same model, same bank (issue 6; docs/MEMORY-BANK.md,
# "Reading the bank through the memory's slots"): interpolate (kNN-LM, the default) and slots (a
# share λ of the key-value memory's read goes to the remembered words' slots), against the bank
# off. Beam 3, one image at a time, so the seconds compare per-caption latency.
# Usage: bench/memory-read.sh MODEL_DIR ANN.json IMAGE_DIR [WORKDIR]
#   held-out set:  bench/memory-read.sh /tmp/kvcap-memory/model DATA/annotations/captions_test.json DATA/images/test
#   concept use:   bench/memory-read.sh WORK/model WORK/eval.json WORK/data/images/test WORK
#                  (WORK from bench/concepts.sh, whose model holds the k = 20 bank; prints concept use too)
set -euo pipefail
home="$(cd "$(dirname "$0")/.." && pwd)"
kvcap="$home/bin/kvcap"
model="$1"; ann="$2"; images="$3"; work="${4:-}"
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
# name, --memory, --memory-read, --memory-weight
variants=("0 off interpolate 0.3" "interpolate on interpolate 0.3" "slots on slots 0.3" "slots-1.0 on slots 1.0")
for v in "${variants[@]}"; do
  read -r name mode read weight <<< "$v"
  "$kvcap" evaluate --model "$model" --memory "$mode" --memory-read "$read" --memory-weight "$weight" \
    --batch 1 --beam 3 --rerank 0 --captions "$ann" --images "$images" --results "$out/results-$name.json" \
    2> "$out/$name.log" > "$out/metrics-$name.json"
done
python3 - "$out" <<'PY'
import json, re, sys
out = sys.argv[1]
names = [("0", "off", "–"), ("interpolate", "interpolate", "0.3"), ("slots", "slots", "0.3"), ("slots-1.0", "slots", "1.0")]
caps = {n: {r["image_id"]: r["caption"] for r in json.load(open(f"{out}/results-{n}.json"))} for n, _, _ in names}
print("| bank | read | λ | Bleu_4 | METEOR | ROUGE_L | CIDEr | captions changed | captioning s (batch 1) |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for n, read, lam in names:
    m = json.load(open(f"{out}/metrics-{n}.json"))
    secs = re.search(r"captioned \d+ images in ([0-9.]+) s", open(f"{out}/{n}.log").read()).group(1)
    changed = sum(caps[n][i] != caps["0"][i] for i in caps["0"])
    print(f"| {'off' if n == '0' else 'on'} | {read if n != '0' else '–'} | {lam} | {m['Bleu_4']:.3f} | {m['METEOR']:.3f} "
          f"| {m['ROUGE_L']:.3f} | {m['CIDEr']:.3f} | {changed} of {len(caps['0'])} | {secs} |")
PY
if [ -n "$work" ] && [ -f "$work/truth.json" ]; then
  entries=$("$kvcap" memory stats --model "$model" | python3 -c 'import json,sys; print(json.load(sys.stdin)["entries"])')
  cp "$out"/results-*.json "$out"/metrics-*.json "$work/"
  echo
  echo "| read | bank entries | concept | images with it | use: bank off → on | false use (other images) | CIDEr (all) |"
  echo "| --- | --- | --- | --- | --- | --- | --- |"
  for name in interpolate slots slots-1.0; do
    python3 "$home/bench/concepts.py" score "$work" "$name" "$entries"
  done
fi
