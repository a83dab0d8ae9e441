#!/usr/bin/env bash
# How far from a human is the model? (docs/REAL-DATA.md, "Headroom"). Holds out one reference caption
# of every test image that has two or more, and scores on the remaining references: that held-out
# human caption as it is, the same caption with every word the model does not know (not in MODEL's
# vocab.json) deleted, and each RESULTS file given (kvcap evaluate --results, or the floor's
# captions from kvcap baseline --results) restricted to the same images.
# Usage: bench/realdata/ceiling.sh DATA WORK MODEL [NAME=RESULTS.json ...]
#   e.g. bench/realdata/ceiling.sh /tmp/real /tmp/ceil runs/ret-s1 floor=floor.json ret=ret-s1.results.json
set -euo pipefail
home="$(cd "$(dirname "$0")/../.." && pwd)"
kvcap="$home/bin/kvcap"
data="$1"; work="$2"; model="$3"; shift 3
vocab="$model/vocab.json"
[ -f "$vocab" ] || vocab="$model/best/vocab.json"
mkdir -p "$work"
python3 - "$data" "$work" "$vocab" "$@" <<'PY'
import collections, json, re, sys
data, work, vocab_file, given = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
# kvcap's word pattern (CaptionTokenizer), for captions already lower-cased
words = lambda c: re.findall(r"\w+(?:['-]\w+)*", c.lower())
vocab = set(json.load(open(vocab_file))["words"][4:])  # after <pad> <start> <end> <unk>
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
unknown = sum(w not in vocab for c in held.values() for w in words(c))
total = sum(len(words(c)) for c in held.values())
print(f"{len(held)} test images with 2+ references; references left: {len(refs)}; "
      f"held-out words the model does not know: {unknown} of {total}", file=sys.stderr)
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
