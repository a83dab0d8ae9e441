#!/usr/bin/env bash
# Ablation of the KVM components on the synthetic set: trains the 'small' preset with the
# key-value memory and the deconvolution maps switched on/off (same data, seed and epochs) and
# evaluates each on the held-out test split (unseen combinations), beam 3.
# Usage: bench/ablation.sh [WORKDIR] [EPOCHS] [VARIANTS]   (default /tmp/kvcap-ablation 8 "full nomem nomaps plain")
set -euo pipefail
home="$(cd "$(dirname "$0")/.." && pwd)"
kvcap="$home/bin/kvcap"
work="${1:-/tmp/kvcap-ablation}"
epochs="${2:-8}"
variants="${3:-full nomem nomaps plain}"
mkdir -p "$work"
data="$work/data"
[ -f "$data/annotations/captions_test.json" ] || "$kvcap" synth --out "$data" --images 3000 --seed 1 >&2
for v in $variants; do
  case "$v" in
    full)   mem=true;  maps=true ;;
    nomem)  mem=false; maps=true ;;
    nomaps) mem=true;  maps=false ;;
    plain)  mem=false; maps=false ;;
    *) echo "unknown variant $v" >&2; exit 2 ;;
  esac
  cfg="$work/$v.json"
  echo "{\"preset\":\"small\",\"model\":{\"useMemory\":$mem,\"useDeconvMaps\":$maps}}" > "$cfg"
  if [ ! -f "$work/$v/best/kvcap.json" ]; then
    start=$(date +%s)
    "$kvcap" train --captions "$data/annotations/captions_train.json" --images "$data/images/train" \
      --val-captions "$data/annotations/captions_val.json" --val-images "$data/images/val" \
      --out "$work/$v" --config "$cfg" --epochs "$epochs" 2> "$work/$v.train.log"
    echo "$(( $(date +%s) - start ))" > "$work/$v.seconds"
  fi
  "$kvcap" evaluate --model "$work/$v" --captions "$data/annotations/captions_test.json" \
    --images "$data/images/test" --beam 3 2> /dev/null > "$work/$v.metrics.json"
done
python3 - "$work" $variants <<'PY'
import json, sys
work, variants = sys.argv[1], sys.argv[2:]
print("| variant | memory | deconv maps | Bleu_4 | METEOR | ROUGE_L | CIDEr | train s |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
flags = {"full": ("on", "on"), "nomem": ("off", "on"), "nomaps": ("on", "off"), "plain": ("off", "off")}
for v in variants:
    m = json.load(open(f"{work}/{v}.metrics.json"))
    try:
        secs = open(f"{work}/{v}.seconds").read().strip()
    except OSError:
        secs = "?"
    print(f"| {v} | {flags[v][0]} | {flags[v][1]} | {m['Bleu_4']:.3f} | {m['METEOR']:.3f} | {m['ROUGE_L']:.3f} | {m['CIDEr']:.3f} | {secs} |")
PY
