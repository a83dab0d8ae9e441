#!/usr/bin/env python3
"""How spans were chosen (docs/REAL-DATA.md, "Spans of the candidates"): the training-free weighted
consensus of `kvcap baseline --features gradients --neighbours K --similarity-power P [--spans]`,
replayed outside kvcap so that variants of the hypothesis space cost a minute each.

Each image's candidates are the distinct captions of its K nearest training images (the oriented-
gradient descriptor of neighbours.py, cosine of centred vectors), each weighing s^P, s its nearest
owner's cosine. The hypotheses depend on the variant; the one with the highest weighted CIDEr-D
against the candidates (each a single reference, training document frequencies) is chosen:

  whole        the candidates only (kvcap's --no-rerank-spans)
  spans        every run of consecutive words of a candidate (function words allowed)
  spansN       runs of at most N words (spans1, spans2, ...)
  phrases      runs that neither start nor end with a function word (kvcap's spans)
  skips        order-keeping choices of up to 4 words, not starting or ending with a function word
  sum          phrases, each candidate weighing the sum of its owners' s^P instead of the nearest's
  oracle       phrases, choosing the hypothesis that scores best against the image's references
  oracle-whole the same among whole candidates
  betaX        phrases, choosing by gain + X * words (a length term; e.g. beta-0.1)

CIDEr-D is neighbours.py's plain re-implementation (close to kvcap's figures, not equal); ties go
to Python's set order, so repeated runs differ by a few thousandths. Needs python3-numpy, -pil.

Usage: /usr/bin/python3 bench/realdata/spans.py REAL_SET SPLIT K P VARIANT...
  e.g. /usr/bin/python3 bench/realdata/spans.py /tmp/real val 16 12 whole spans phrases
"""
import itertools
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from neighbours import CiderD, chosen, load, ngrams, similarity, unit, words  # noqa: E402

FUNCTION = set("a an the of and or in on at by for to with".split())


def hypotheses(texts, variant):
    out = set(texts)
    if variant in ("whole", "oracle-whole"):
        return out
    for t in texts:
        ws = words(t)
        if variant == "skips":
            runs = (tuple(ws[i] for i in c) for n in range(1, min(4, len(ws)) + 1)
                    for c in itertools.combinations(range(len(ws)), n))
        else:
            most = int(variant[5:]) if variant.startswith("spans") and variant[5:] else len(ws)
            runs = (tuple(ws[a:b]) for a in range(len(ws)) for b in range(a + 1, min(len(ws), a + most) + 1))
        for r in runs:
            if variant.startswith("spans") or (r[0] not in FUNCTION and r[-1] not in FUNCTION):
                out.add(" ".join(r))
    return out


def main(root, split, k, p, variants):
    tr_ids, tr_arr, tr_refs = load(root, "train")
    ids, arr, refs = load(root, split)
    sims = unit(chosen(arr)) @ unit(chosen(tr_arr)).T
    pair = CiderD({i: tr_refs[i] for i in tr_ids})
    cider = CiderD({i: refs[i] for i in ids})
    vecs = {}

    def vec(t):
        if t not in vecs:
            vecs[t] = pair.vec(ngrams(words(t)))
        return vecs[t]

    for variant in variants:
        beta = float(variant[4:]) if variant.startswith("beta") else 0.0
        picks = []
        for r, i in enumerate(ids):
            w = {}
            for j in np.argsort(-sims[r])[:k]:
                s = max(sims[r, j], 1e-9) ** p
                for c in tr_refs[tr_ids[j]]:
                    w[c] = w.get(c, 0) + s if variant == "sum" else max(w.get(c, 0), s)
            texts = list(w)
            ws = np.array([w[t] for t in texts]) / sum(w.values())
            hyps = list(hypotheses(texts, "phrases" if variant.startswith("beta") or variant == "sum" else variant))
            if variant.startswith("oracle"):
                picks.append(max(hyps, key=lambda h: cider.score(i, h)))
                continue
            gain = [sum(wj * similarity(vec(h), vec(t)) / 4 * 10 for wj, t in zip(ws, texts)) + beta * len(words(h)) for h in hyps]
            picks.append(hyps[int(np.argmax(gain))])
        score = np.mean([cider.score(i, c) for i, c in zip(ids, picks)])
        print(f"{split} K {k} P {p} {variant:<12} CIDEr-D {score:.3f}  distinct {len(set(picks))}  "
              f"words {np.mean([len(words(c)) for c in picks]):.2f}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5:])
