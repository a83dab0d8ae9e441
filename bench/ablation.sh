#!/usr/bin/env bash
# Ablation of the KVM components, several seeds each, mean ± spread (docs/MEMORY-RETRIEVAL.md).
# Trains every variant of the 'small' preset on the same data and evaluates each on the test split
# (beam 3): CIDEr-D, BLEU-4 and distinct captions, then prints one table of mean ± sample standard
# deviation over the seeds, with the min-max range.
#
# Variants:  off   no key-value memory
#            slots today's learned-slot memory (controller LSTM, K = 32 slots keyed by frequent words)
#            ret   retrieval memory: 24 cells per image from the captions of its 8 nearest training
#                  images (thumbnails), copy gate on
#            ret-K-N  the same with K cells from N neighbours (ret = ret-24-8)
#            ret-grad / ret-gradcol  ret with neighbours found by oriented gradients (model.memoryFeatures
#                  "gradients") / by gradients and colour ("gradients+colour") instead of pixels
#            ret-grad-nowrite  ret-grad whose memory only reads: no erase/add write per step (model.memoryWrite false)
#            ret-grad-lstm1 / ret-grad-lstm1-nowrite  ret-grad / ret-grad-nowrite without a controller LSTM of
#                  the memory's own: the decoder's LSTM-1 drives it (model.memoryControllerDim 0);
#                  ret-grad-lstm1-nowrite is `small`'s memory since 2026-12-06 (also named `small`)
#            Every memory variant but those two has SPEC §2.2's controller and write, as when it was measured.
#            ret-grad-central / off-central  ret-grad / off whose decoder learns each image's central
#                  caption (train.captionTarget central)
#            ret-vote-P  ret-grad with the neighbours' votes weighted by max(0, cosine)^P
#                  (model.memoryVotePower P) instead of equal
#            nomaps / plain: 'slots' / 'off' without the deconvolution maps
#            slots+bank / ret+bank: the trained 'slots' / 'ret' run (listed before it), with a memory
#                  bank of same-domain captions the model was not trained on: `kvcap memory build`
#                  from the validation split, read while captioning (--memory on)
#
# Usage: bench/ablation.sh [WORKDIR] [EPOCHS] [VARIANTS] [SEEDS] [DATA] [ENCODER]
#   DATA     a directory with annotations/captions_{train,val,test}.json and images/{train,val,test};
#            default (or -): a synthetic set of 3000 images made in WORKDIR/data
#   ENCODER  a trained kvcap model directory: every run starts from its encoder, frozen
#            (--encoder-weights ENCODER --freeze-encoder), so the runs differ in the decoder only
#            and train in minutes; default: each run trains its own encoder from scratch
# e.g. bench/ablation.sh /tmp/abl-syn 8 "off slots ret" "1 2 3" - /tmp/kvcap-demo/model
#      bench/ablation.sh /tmp/abl-real 12 "off slots ret" "1 2 3" /tmp/real /tmp/real-xe/best
set -euo pipefail
home="$(cd "$(dirname "$0")/.." && pwd)"
kvcap="$home/bin/kvcap"
work="${1:-/tmp/kvcap-ablation}"
epochs="${2:-8}"
variants="${3:-off slots ret}"
seeds="${4:-1 2 3}"
data="${5:--}"
[ "$data" = "-" ] && data="$work/data" && synthetic=1
encoder="${6:-}"
mkdir -p "$work"
if [ ! -f "$data/annotations/captions_test.json" ]; then
  [ -z "${synthetic:-}" ] && { echo "ablation: $data has no annotations/captions_test.json" >&2; exit 2; }
  "$kvcap" synth --out "$data" --images 3000 --seed 1 >&2
fi
frozen=()
[ -n "$encoder" ] && frozen=(--encoder-weights "$encoder" --freeze-encoder)
for seed in $seeds; do
  for v in $variants; do
    run="$work/$v-s$seed"
    if [[ "$v" == *+bank ]]; then
      trained="$work/${v%+bank}-s$seed"
      if [ ! -f "$run.metrics.json" ]; then
        rm -rf "$run"; mkdir -p "$run"; cp -r "$trained/best/." "$run/"
        start=$(date +%s)
        "$kvcap" memory build --model "$run" --captions "$data/annotations/captions_val.json" \
          --images "$data/images/val" > /dev/null 2> "$run.build.log"
        echo "$(( $(date +%s) - start ))" > "$run.seconds"
        "$kvcap" evaluate --model "$run" --memory on --captions "$data/annotations/captions_test.json" \
          --images "$data/images/test" --beam 3 --rerank 0 --results "$run.results.json" 2> /dev/null > "$run.metrics.json"
      fi
      continue
    fi
    # SPEC §2.2's memory: a controller LSTM of its own, and a write per word; the variants below were
    # measured with it, so they pin it (`small` itself has since been driven by LSTM-1 and only read)
    spec='"memoryControllerDim":128,"memoryWrite":true'
    ret_grad='"useMemory":true,"memoryCells":24,"memoryNeighbours":8,"memoryFeatures":"gradients"'
    train=""
    case "$v" in
      off)    model='"useMemory":false' ;;
      slots)  model='"useMemory":true,"memoryCells":0,'"$spec" ;;
      ret)    model='"useMemory":true,"memoryCells":24,"memoryNeighbours":8,"memoryFeatures":"pixels",'"$spec" ;;
      ret-grad) model="$ret_grad,$spec" ;;
      ret-grad-nowrite) model="$ret_grad"',"memoryControllerDim":128,"memoryWrite":false' ;;
      ret-grad-lstm1) model="$ret_grad"',"memoryControllerDim":0,"memoryWrite":true' ;;
      ret-grad-lstm1-nowrite | small) model="$ret_grad"',"memoryControllerDim":0,"memoryWrite":false' ;;
      ret-grad-central) model="$ret_grad,$spec"; train=',"captionTarget":"central"' ;;
      off-central) model='"useMemory":false'; train=',"captionTarget":"central"' ;;
      ret-gradcol)
              model='"useMemory":true,"memoryCells":24,"memoryNeighbours":8,"memoryFeatures":"gradients+colour",'"$spec" ;;
      ret-vote-[0-9]*)
              model="\"useMemory\":true,\"memoryCells\":24,\"memoryNeighbours\":8,\"memoryFeatures\":\"gradients\",\"memoryVotePower\":${v#ret-vote-},$spec" ;;
      ret-[0-9]*-[0-9]*)
              k="${v#ret-}"; model="\"useMemory\":true,\"memoryCells\":${k%-*},\"memoryNeighbours\":${k#*-},\"memoryFeatures\":\"pixels\",$spec" ;;
      nomaps) model='"useMemory":true,"memoryCells":0,"useDeconvMaps":false,'"$spec" ;;
      plain)  model='"useMemory":false,"useDeconvMaps":false' ;;
      *) echo "ablation: unknown variant $v" >&2; exit 2 ;;
    esac
    cfg="$work/$v-s$seed.json"
    # the decoders' own captions: the memory designs are compared, not train's choice of --rerank
    # (which only retrieval models can make), so rerankChoice 0 here and --rerank 0 in evaluate
    echo "{\"preset\":\"small\",\"model\":{$model},\"train\":{\"seed\":$seed,\"rerankChoice\":0$train}}" > "$cfg"
    if [ ! -f "$run/best/kvcap.json" ] || [ ! -f "$run.seconds" ]; then
      rm -rf "$run"
      start=$(date +%s)
      echo "ablation: training $v seed $seed" >&2
      "$kvcap" train --captions "$data/annotations/captions_train.json" --images "$data/images/train" \
        --val-captions "$data/annotations/captions_val.json" --val-images "$data/images/val" \
        --out "$run" --config "$cfg" --epochs "$epochs" "${frozen[@]}" 2> "$run.train.log"
      echo "$(( $(date +%s) - start ))" > "$run.seconds"
    fi
    if [ ! -f "$run.metrics.json" ]; then
      "$kvcap" evaluate --model "$run" --captions "$data/annotations/captions_test.json" \
        --images "$data/images/test" --beam 3 --rerank 0 --results "$run.results.json" 2> /dev/null > "$run.metrics.json"
    fi
  done
done
python3 - "$work" "$variants" "$seeds" <<'PY'
import json, statistics, sys
work, variants, seeds = sys.argv[1], sys.argv[2].split(), sys.argv[3].split()
def cell(xs, fmt):
    if len(xs) == 1:
        return fmt.format(xs[0])
    return (fmt + " ± " + fmt + " (" + fmt + "–" + fmt + ")").format(
        statistics.mean(xs), statistics.stdev(xs), min(xs), max(xs))
print(f"| variant | seeds | CIDEr-D | BLEU-4 | distinct captions | train s (bank: build s) |")
print("| --- | --- | --- | --- | --- | --- |")
for v in variants:
    cider, bleu, distinct, secs = [], [], [], []
    for s in seeds:
        run = f"{work}/{v}-s{s}"
        try:
            m = json.load(open(run + ".metrics.json"))
            res = json.load(open(run + ".results.json"))
        except (OSError, ValueError):
            continue
        cider.append(m["CIDEr"]); bleu.append(m["Bleu_4"])
        caps = [r["caption"] for r in res]
        distinct.append(len(set(caps)) / len(caps))
        secs.append(float(open(run + ".seconds").read()))
    if cider:
        print(f"| {v} | {len(cider)} | {cell(cider, '{:.3f}')} | {cell(bleu, '{:.3f}')} | "
              f"{cell([100 * d for d in distinct], '{:.0f}')} % | {statistics.mean(secs):.0f} |")
PY
