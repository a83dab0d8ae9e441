#!/usr/bin/env python3
"""How many training images each "own item" rule leaves out of a training image's neighbours.

A training image is captioned from its nearest *other* items (the retrieval memory's training
cells, the fitted choice's sample), since a test item is never among the training images. This
counts, per training image, the images each rule leaves out: "any caption in common" (the
memory's rule until 2026-12-06) and kvcap's rule since (SameItem: every caption of one image is
a caption of the other, up to one word more or fewer). Captions are compared lower-cased, as
runs of letters and digits (close to kvcap's tokens). docs/REAL-DATA.md, "A second real set".

  python3 bench/realdata/items.py DATA [DATA ...]     # DATA: a set in kvcap's layout
"""
import collections
import json
import re
import statistics
import sys


def fewer(c):
    w = c.split()
    return [" ".join(w[:i] + w[i + 1:]) for i in range(len(w))] if len(w) > 1 else []


def covered(a, b):
    whole = set(b)
    shorter = {x for c in b for x in fewer(c)}
    return all(c in whole or c in shorter or any(x in whole for x in fewer(c)) for c in a)


def main():
    for data in sys.argv[1:]:
        d = json.load(open(data + "/annotations/captions_train.json"))
        caps = collections.defaultdict(list)
        for a in d["annotations"]:
            t = " ".join(re.findall(r"[a-z0-9]+", a["caption"].lower()))
            if t:
                caps[a["image_id"]].append(t)
        holders, shorter = collections.defaultdict(set), collections.defaultdict(set)
        for i, cs in caps.items():
            for c in cs:
                holders[c].add(i)
                for s in fewer(c):
                    shorter[s].add(i)
        anyc, same = [], []
        for i, cs in caps.items():
            anyc.append(len(set().union(*(holders[c] for c in cs)) - {i}))
            near = set()
            for c in cs:
                near |= holders[c] | shorter.get(c, set())
                for s in fewer(c):
                    near |= holders.get(s, set())
            near.discard(i)
            same.append(sum(1 for j in near if covered(cs, caps[j]) or covered(caps[j], cs)))
        for name, xs in (("any caption in common", anyc), ("every caption, up to a word (SameItem)", same)):
            print("%s: %d training images; %s: mean %.1f, median %d, 90th percentile %d left out" % (
                data, len(xs), name, statistics.mean(xs), statistics.median(xs), sorted(xs)[int(0.9 * len(xs))]))


if __name__ == "__main__":
    main()
