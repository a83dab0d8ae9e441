#!/usr/bin/env bash
# Teaching a real icon (docs/MEMORY-RETRIEVAL.md, "Teaching a real icon"): of every test item with
# two or more images (an icon and its outline or style variants, a country's flags), the first
# image is taught with its human captions (`kvcap memory build` on those images alone), and the
# item's other images are captioned before and after: does one taught example of an unseen item
# reach the captions of its variants? The model is copied first (the bank lives in the model
# directory). Prints one line per setting: CIDEr-D, METEOR and how many of the held-out images'
# captions share a word with the taught example's captions.
#
# Usage: bench/realdata/teach.sh REAL_SET MODEL_DIR WORK
#   e.g. bench/realdata/teach.sh /tmp/real runs/xe42 /tmp/teach
set -euo pipefail
real=${1:?usage: bench/realdata/teach.sh REAL_SET MODEL_DIR WORK}
model=${2:?model directory}
work=${3:?work directory}
here=$(cd "$(dirname "$0")" && pwd)
kvcap="$here/../../bin/kvcap"
rm -rf "$work" && mkdir -p "$work"
cp -r "$model" "$work/model"
rm -rf "$work/model/memory"
python3 - "$real/annotations/captions_test.json" "$work" <<'PY'
import collections, json, sys
coco = json.load(open(sys.argv[1]))
by_item = collections.defaultdict(list)
for img in sorted(coco["images"], key=lambda i: i["id"]):
    by_item[img["source"]].append(img)
taught, held = [], []
for imgs in by_item.values():
    if len(imgs) >= 2:
        taught.append(imgs[0])
        held.extend(imgs[1:])
def subset(images, name):
    ids = {i["id"] for i in images}
    json.dump({"images": images, "annotations": [a for a in coco["annotations"] if a["image_id"] in ids]},
              open(f"{sys.argv[2]}/{name}.json", "w"))
subset(taught, "taught")
subset(held, "held")
teacher = {i["id"]: i["source"] for i in taught}
item_of = {i["id"]: i["source"] for i in held}
words = collections.defaultdict(set)
for a in coco["annotations"]:
    if a["image_id"] in teacher:
        words[teacher[a["image_id"]]].update(a["caption"].lower().split())
json.dump({str(i): sorted(words[s]) for i, s in item_of.items()}, open(f"{sys.argv[2]}/taught-words.json", "w"))
print(f"{len(by_item)} test items; {len(taught)} with two or more images: {len(taught)} taught, {len(held)} held out", file=sys.stderr)
PY
share() { # how many held-out captions share a word (not a function word) with their item's taught captions
  python3 - "$1" "$work/taught-words.json" <<'PY'
import json, sys
stop = set("a an the of and or in on at by for to with".split())
results = json.load(open(sys.argv[1])); taught = json.load(open(sys.argv[2]))
n = sum(1 for r in results if (set(r["caption"].lower().split()) - stop) & set(taught[str(r["image_id"])]))
print(f"{n} of {len(results)}")
PY
}
run() { # name, extra options
  local name=$1; shift
  "$kvcap" evaluate --model "$work/model" --captions "$work/held.json" --images "$real/images/test" \
      --results "$work/$name.results.json" "$@" > "$work/$name.metrics.json" 2> "$work/$name.log"
  python3 -c "import json,sys; m=json.load(open(sys.argv[1])); print(f\"{sys.argv[2]:<28} CIDEr-D {m['CIDEr']:.3f}  METEOR {m['METEOR']:.3f}\", end='  ')" \
      "$work/$name.metrics.json" "$name"
  echo "shares a taught word: $(share "$work/$name.results.json")"
}
run "own, bank off" --rerank 0 --memory off
run "chosen, bank off" --memory off
"$kvcap" memory build --model "$work/model" --captions "$work/taught.json" --images "$real/images/test" > "$work/build.json" 2> "$work/build.log"
echo "taught: $(cat "$work/build.json")"
run "own, bank on" --rerank 0 --memory on
run "chosen, bank on" --memory on
