#!/usr/bin/env bash
# How far from a human is the model? (docs/REAL-DATA.md, "Headroom"). Holds out one reference caption
# of every test image that has two or more, and scores on the remaining references: that held-out
# human caption as it is, the same caption with every word outside the training vocabulary
# (words seen at least twice in training captions, as the model's) deleted, and each RESULTS file
# given (kvcap evaluate --results, or the floor's captions) restricted to the same images.
# Usage: bench/realdata/ceiling.sh DATA WORK [NAME=RESULTS.json ...]
#   e.g. bench/realdata/ceiling.sh /tmp/real /tmp/ceil floor=/tmp/nn1.json ret=/tmp/ret-s1.results.json
set -euo pipefail
home="$(cd "$(dirname "$0")/../.." && pwd)"
kvcap="$home/bin/kvcap"
data="$1"; work="$2"; shift 2
mkdir -p "$work"
python3 - "$data" "$work" "$@" <<'PY'
import collections, json, re, sys
data, work, given = sys.argv[1], sys.argv[2], sys.argv[3:]
words = lambda c: re.findall(r"[a-z0-9]+", c.lower())
seen = collections.Counter()
for a in json.load(open(f"{data}/annotations/captions_train.json"))["annotations"]:
    seen.update(words(a["caption"]))
vocab = {w for w, n in seen.items() if n >= 2}
test = json.load(open(f"{data}/annotations/captions_test.json"))
caps = collections.defaultdict(list)
for a in test["annotations"]:
    caps[a["image_id"]].append(a)
held = {i: l[0]["caption"] for i, l in caps.items() if len(l) >= 2}
refs = [a for i in held for a in caps[i][1:]]
json.dump({"images": [im for im in test["images"] if im["id"] in held], "annotations": refs}, open(f"{work}/refs.json", "w"))
json.dump([{"image_id": i, "caption": c} for i, c in held.items()], open(f"{work}/human.json", "w"))
known = {i: " ".join(w for w in words(c) if w in vocab) for i, c in held.items()}
json.dump([{"image_id": i, "caption": c or "a"} for i, c in known.items()], open(f"{work}/human-known-words.json", "w"))
for arg in given:
    name, path = arg.split("=", 1)
    json.dump([r for r in json.load(open(path)) if r["image_id"] in held], open(f"{work}/{name}.json", "w"))
print(f"{len(held)} test images with 2+ references; references left: {len(refs)}", file=sys.stderr)
PY
echo "| captions | CIDEr-D on the remaining references |"
echo "| --- | --- |"
names=(human human-known-words)
for arg in "$@"; do names+=("${arg%%=*}"); done
for name in "${names[@]}"; do
  cider=$("$kvcap" score --refs "$work/refs.json" --results "$work/$name.json" --metrics cider 2>/dev/null \
    | python3 -c 'import json,sys; print("%.3f" % json.load(sys.stdin)["CIDEr"])')
  echo "| $name | $cider |"
done
