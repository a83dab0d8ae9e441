#!/usr/bin/env python3
"""How `--rerank`'s weights were chosen (docs/REAL-DATA.md, "Weighing by the neighbours'
similarity"): replays the choice offline from each image's candidates, so that a grid of
settings costs seconds instead of one `kvcap evaluate` each.

A throwaway build writes, per image, the candidates, the model's mean log-probability of each,
the cosine and rank of the nearest neighbour it comes from (the model's own caption: -1 unless a
neighbour has it too):

    git checkout 46f2eda   # the patch is against CaptionRerank before spans (2026-12-06)
    git apply bench/realdata/rerank-dump.patch && ./mvnw -q package -DskipTests
    KVCAP_RERANK_DUMP=/tmp/rr/xe42.val.dump bin/kvcap evaluate --model runs/xe42 \
        --captions REAL/annotations/captions_val.json --images REAL/images/val --beam 3 \
        --rerank 32 --results /tmp/rr/xe42.val.results.json          # and test, and seed 7
    git apply -R bench/realdata/rerank-dump.patch

then: /usr/bin/python3 bench/realdata/rerank_weights.py REAL /tmp/rr val xe42,xe7 [grid|chosen|own|prune]
("own": the model's own caption's weight times 0.25 ... 4, at N 32, T 8, P 12; "prune": candidates
whose neighbour's s^P is below a share of the nearest neighbour's dropped before scoring, with the
candidates kept per image, docs/BENCHMARKS.md)

Each image's choice is replayed as kvcap makes it: weights exp(logp / T) * s^P (the model's own
caption takes the nearest neighbour's s), then the highest weighted pairwise CIDEr-D (training
document frequencies, one reference). The rows with "no model" drop the model's caption and its
probabilities: a similarity-weighted consensus of the neighbours' captions alone, a floor that
needs no training. CIDEr-D here is neighbours.py's plain re-implementation (lower-case word
split, not the PTB tokenizer): close to kvcap's figures, not equal (the first row reproduces
kvcap's `--rerank 16` at T = 2, P = 0 to within 0.003).
"""
import collections
import json
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from neighbours import CiderD, ngrams, similarity, words  # noqa: E402


def references(root, split):
    refs = collections.defaultdict(list)
    for a in json.load(open(f"{root}/annotations/captions_{split}.json"))["annotations"]:
        refs[a["image_id"]].append(a["caption"])
    return refs


class Pairwise:
    """CIDEr-D of one caption against another as its single reference, training document frequencies."""

    def __init__(self, train_refs):
        self.cider = CiderD(train_refs)  # its document frequencies: one document per training image

    def vec(self, text):
        return self.cider.vec(ngrams(words(text)))

    @staticmethod
    def score(a, b):
        return similarity(a, b) / 4 * 10


def load(dumps, model, split, pairwise):
    rows = [json.loads(line) for line in open(f"{dumps}/{model}.{split}.dump")]
    results = json.load(open(f"{dumps}/{model}.{split}.results.json"))
    assert len(rows) == len(results), "one dump line per captioned image, in the results' order"
    for r, x in zip(rows, results):
        vs = [pairwise.vec(t) for t in r["texts"]]
        r["agree"] = np.array([[pairwise.score(a, b) for b in vs] for a in vs])
        r["id"] = x["image_id"]
        for k in ("logp", "sim", "rank"):
            r[k] = np.array(r[k], dtype=float)
    return rows


def chooser(n, t, p, model=True, own=1.0, prune=0.0, kept=None):
    def pick(r):
        k = np.where(r["rank"] < n)[0]  # the model's own caption has rank -1
        if prune > 0:  # drop candidates whose neighbour's s^P is below prune x the nearest one's
            near = r["sim"][r["sim"] >= 0]
            top = near.max() if len(near) else 1.0
            k = k[(r["sim"][k] < 0) | ((np.clip(r["sim"][k], 1e-9, None) / top) ** p >= prune)]
        if kept is not None:
            kept.append(len(k))
        if not model and r["rank"][0] < 0 and len(k) > 1:
            k = k[1:]
        sim = r["sim"][k].copy()
        near = r["sim"][r["sim"] >= 0]
        sim[sim < 0] = near.max() if len(near) else 1.0
        logw = (r["logp"][k] / t if model else 0) + p * np.log(np.clip(sim, 1e-9, None))
        if model and r["rank"][0] < 0:
            logw = logw + np.where(k == 0, math.log(own), 0.0)  # the model's own caption, weighed x own
        w = np.exp(logw - np.max(logw))
        return k[int(np.argmax(r["agree"][np.ix_(k, k)] @ (w / w.sum())))]
    return pick


def main(root, dumps, split, models, what):
    refs = references(root, split)
    pairwise = Pairwise(references(root, "train"))
    data = {m: load(dumps, m, split, pairwise) for m in models}
    cider = CiderD({r["id"]: refs[r["id"]] for r in next(iter(data.values()))})
    settings = [dict(n=16, t=2, p=0), dict(n=32, t=8, p=12), dict(n=16, t=8, p=12),
                dict(n=16, t=1, p=12, model=False), dict(n=32, t=1, p=12, model=False)]
    if what == "own":
        settings = [dict(n=32, t=8, p=12, own=x) for x in (0.25, 0.5, 1, 2, 4)]
    if what == "prune":
        settings = [dict(n=32, t=8, p=12, prune=x) for x in (0, 0.001, 0.01, 0.03, 0.1, 0.3)]
    if what == "grid":
        settings = [dict(n=n, t=t, p=p) for n in (16, 32) for t in (1, 2, 4, 8, 1e9) for p in (0, 4, 8, 12, 16, 32)]
        settings += [dict(n=n, t=1, p=p, model=False) for n in (16, 32) for p in (0, 8, 12, 16)]
    own = {m: np.mean([cider.score(r["id"], r["texts"][0]) for r in data[m]]) for m in models}
    print(split, "the model's own captions:", "  ".join(f"{m} {own[m]:.3f}" for m in models))
    for s in settings:
        line = []
        for m in models:
            kept = []
            picks = [r["texts"][chooser(**s, kept=kept)(r)] for r in data[m]]
            score = np.mean([cider.score(r["id"], c) for r, c in zip(data[m], picks)])
            line.append(f"{m} {score:.3f} ({len(set(picks))} distinct, {np.mean(kept):.1f} candidates)")
        label = f"N {s['n']:>2}, " + (f"T {s['t']:g}, " if s.get("model", True) else "no model, ") + f"P {s['p']:g}"
        label += f", own x{s['own']:g}" if "own" in s else ""
        label += f", prune {s['prune']:g}" if "prune" in s else ""
        print(f"{label:<24}", "  ".join(line), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(","), sys.argv[5] if len(sys.argv) > 5 else "chosen")
