#!/usr/bin/env bash
# Teaching a real concept k = 1, 5, 20 times (issue 15; docs/MEMORY-RETRIEVAL.md, "Teaching a real
# concept"): bench/concepts.sh asks it of the synthetic shapes, this asks it of the real icons.
# A concept is a word that at least 10 test images' captions use and at most 3 training images'
# captions do, so the model has (nearly) never been taught it: "clapperboard" (the whole movie
# family of Material Design Icons, 45 test images, no training caption), "invoice", "pencil",
# "nine", "inbox" (concepts sharing more than half their images with a commoner one are left out).
# A concept's names are its word and the other words at least half of its test images' captions
# use and at most 20 training images' do: clapperboard, movie, slate, film; 9, nine; inbox, queue,
# tray. A caption uses the concept when it has one of its names.
# Each concept's images are shuffled (seed 1); the first min(20, n - 5) may be taught, the rest
# are held out, the same for every k. For k = 0 (bank off), 1, 5, 20 the first min(k, that) of
# each concept are taught with their human captions (`kvcap memory build` on a fresh copy of the
# model), and every test image that is never taught is captioned, as the model captions by
# default (--rerank as saved) and with its own captions (--rerank 0).
# Prints one table: per concept, how many of its held-out images' captions use it (use), how
# many captions of images without any of its names do (false use) and the held-out images' mean CIDEr-D (scored with all the
# captioned images, `kvcap score --per-image`), then CIDEr-D of all the captioned images.
#
# Usage: bench/realdata/concepts.sh REAL_SET MODEL_DIR WORK
#   e.g. bench/realdata/concepts.sh /tmp/real runs/xe42/best /tmp/concepts42
set -euo pipefail
real=${1:?usage: bench/realdata/concepts.sh REAL_SET MODEL_DIR WORK}
model=${2:?model directory}
work=${3:?work directory}
here=$(cd "$(dirname "$0")" && pwd)
kvcap="$here/../../bin/kvcap"
rm -rf "$work" && mkdir -p "$work"
python3 - "$real/annotations" "$work" <<'PY'
import collections, json, random, re, sys
ann, work = sys.argv[1], sys.argv[2]
def words(caption):
    return set(re.findall(r"[a-z0-9]+", caption.lower()))
def images_per_word(coco):
    per = collections.defaultdict(set)
    for a in coco["annotations"]:
        for w in words(a["caption"]):
            per[w].add(a["image_id"])
    return per
train = images_per_word(json.load(open(f"{ann}/captions_train.json")))
test = json.load(open(f"{ann}/captions_test.json"))
per = images_per_word(test)
found = sorted((w for w in per if len(per[w]) >= 10 and len(train.get(w, ())) <= 3), key=lambda w: (-len(per[w]), w))
concepts = []
for w in found:
    if all(len(per[w] & per[c]) <= len(per[w]) / 2 for c in concepts):
        concepts.append(w)
plan, teachable = {}, set()
for c in concepts:
    ids = sorted(per[c])
    random.Random(1).shuffle(ids)
    most = min(20, len(ids) - 5)
    names = sorted(w for w in per if 2 * len(per[w] & set(ids)) >= len(ids) and len(train.get(w, ())) <= 20)
    plan[c] = {"order": ids, "most": most, "names": names, "train_images": len(train.get(c, ()))}
    teachable.update(ids[:most])
for c in concepts:  # concepts may share images: one another's teachable ones are never held out
    plan[c]["held"] = [i for i in plan[c]["order"][plan[c]["most"]:] if i not in teachable]
def subset(ids, name):
    json.dump({"images": [i for i in test["images"] if i["id"] in ids],
               "annotations": [a for a in test["annotations"] if a["image_id"] in ids]},
              open(f"{work}/{name}.json", "w"))
for k in (1, 5, 20):
    subset({i for c in concepts for i in plan[c]["order"][:min(k, plan[c]["most"])]}, f"taught-{k}")
subset({i["id"] for i in test["images"]} - teachable, "eval")
json.dump({"concepts": concepts, "plan": plan}, open(f"{work}/plan.json", "w"))
for c in concepts:
    p = plan[c]
    print(f"{c}: {len(p['order'])} test images ({p['train_images']} in training), up to {p['most']} taught, {len(p['held'])} held out; names {', '.join(p['names'])}", file=sys.stderr)
PY
score() { # k, setting, results file, metrics file, per-image scores: one table row
  python3 - "$work/plan.json" "$work/eval.json" "$@" <<'PY'
import json, re, sys
plan = json.load(open(sys.argv[1])); k, setting = sys.argv[3], sys.argv[4]
refs = {}
for a in json.load(open(sys.argv[2]))["annotations"]:
    refs.setdefault(a["image_id"], set()).update(re.findall(r"[a-z0-9]+", a["caption"].lower()))
results = {r["image_id"]: set(re.findall(r"[a-z0-9]+", r["caption"].lower())) for r in json.load(open(sys.argv[5]))}
cider = json.load(open(sys.argv[6]))["CIDEr"]
per_image = {s["image_id"]: s["CIDEr"] for s in json.load(open(sys.argv[7]))}
cells = []
for c in plan["concepts"]:
    held, names = plan["plan"][c]["held"], set(plan["plan"][c]["names"])
    use = sum(1 for i in held if results[i] & names)
    false = sum(1 for i, w in results.items() if w & names and not refs[i] & names)
    cells.append(f"{use} of {len(held)} ({false}), {sum(per_image[i] for i in held) / len(held):.2f}")
print(f"| {k} | {setting} | " + " | ".join(cells) + f" | {cider:.3f} |")
PY
}
concepts=$(python3 -c "import json,sys; print(' | '.join(json.load(open(sys.argv[1]))['concepts']))" "$work/plan.json")
echo "| taught per concept | captions | $concepts | CIDEr-D |"
echo "| --- | --- |$(python3 -c "import json,sys; print(' --- |' * len(json.load(open(sys.argv[1]))['concepts']))" "$work/plan.json") --- |"
for k in 0 1 5 20; do
  copy="$work/model-$k"
  cp -r "$model" "$copy" && rm -rf "$copy/memory" "$copy/best/memory" # a weights folder or a training run's
  memory=off
  if [ "$k" -gt 0 ]; then
    "$kvcap" memory build --model "$copy" --captions "$work/taught-$k.json" --images "$real/images/test" \
        > "$work/build-$k.json" 2> "$work/build-$k.log" || { tail -3 "$work/build-$k.log" >&2; exit 1; }
    memory=on
  fi
  for setting in chosen own; do
    rerank=(); [ "$setting" = own ] && rerank=(--rerank 0)
    name="$work/$setting-$k"
    "$kvcap" evaluate --model "$copy" --memory "$memory" "${rerank[@]}" --captions "$work/eval.json" \
        --images "$real/images/test" --results "$name.results.json" > "$name.metrics.json" 2> "$name.log" \
        || { tail -3 "$name.log" >&2; exit 1; }
    "$kvcap" score --refs "$work/eval.json" --results "$name.results.json" --metrics cider \
        --per-image "$name.per-image.json" > /dev/null 2>> "$name.log" || { tail -3 "$name.log" >&2; exit 1; }
    score "$k" "$setting" "$name.results.json" "$name.metrics.json" "$name.per-image.json"
  done
  rm -rf "$copy"
done
echo "(per concept: held-out images whose caption has one of its names, in brackets captions of images without them that have one, then the held-out images' mean CIDEr-D)"
