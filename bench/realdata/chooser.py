#!/usr/bin/env python3
"""A learned chooser, first try (docs/REAL-DATA.md, "Spans of the candidates"): on the training-
free weighted consensus of spans.py, fit the few numbers that decide the choice on validation
images and see whether the fit carries over to images it was not fitted on.

Each image's candidates are the distinct captions of its K = 32 nearest training images (the
oriented-gradient descriptor), its hypotheses those candidates and their spans (spans.py
"phrases"). A hypothesis h scores  sum_c w_c CIDEr-D(h, c) + beta * words(h) + gamma * [h whole],
with  w_c proportional to exp(P log s_c + a * rank_c - b * |colourful(query) - colourful(owner)|)
over the candidates of the k nearest (s_c the nearest owner's cosine, rank_c its rank, colourful
neighbours.py's share of coloured pixels). (P, a, b, beta, gamma, k) are fitted by coordinate
ascent over a grid on the mean CIDEr-D of the chosen hypotheses: on one random half of the
validation images, scored on the other half (both ways), then on all of them, scored on the test
images. Starts from spans.py's setting (P 12, k 16, the rest 0).

CIDEr-D is neighbours.py's plain re-implementation (close to kvcap's figures, not equal). Needs
python3-numpy and -pil; about 10 minutes on 2 cores, most of it building the tables.

Usage: /usr/bin/python3 bench/realdata/chooser.py REAL_SET
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from neighbours import CiderD, chosen, colourful, load, ngrams, similarity, unit, words  # noqa: E402
from spans import hypotheses  # noqa: E402

K = 32
GRID = {"P": [8, 12, 16, 24], "a": [0, -0.05, -0.1], "b": [0, 2, 5], "beta": [0, 0.02, 0.05],
        "gamma": [0, 0.05, -0.05], "k": [16, 32]}
START = [12, 0, 0, 0, 0, 16]


def tables(root, split, train):
    """Per image: its hypotheses' CIDEr-D against each candidate [H, C] and against its references [H]."""
    tr_ids, tr_arr, tr_refs = train
    ids, arr, refs = load(root, split)
    pair, cider, vecs = CiderD({i: tr_refs[i] for i in tr_ids}), CiderD({i: refs[i] for i in ids}), {}
    vec = lambda t: vecs.setdefault(t, pair.vec(ngrams(words(t))))  # noqa: E731
    sims = unit(chosen(arr)) @ unit(chosen(tr_arr)).T
    cq, ct = colourful(arr), colourful(tr_arr)
    out = []
    for r, i in enumerate(ids):
        sim, rank, gap = {}, {}, {}
        for q, j in enumerate(np.argsort(-sims[r])[:K]):
            for c in tr_refs[tr_ids[j]]:
                if c not in sim:
                    sim[c], rank[c], gap[c] = max(float(sims[r, j]), 1e-9), q, abs(cq[r] - ct[j])
        texts = list(sim)
        hyps = list(hypotheses(texts, "phrases"))
        out.append({
            "gain": np.array([[similarity(vec(h), vec(t)) / 4 * 10 for t in texts] for h in hyps]),
            "score": np.array([cider.score(i, h) for h in hyps]),
            "log_s": np.log([sim[t] for t in texts]), "rank": np.array([rank[t] for t in texts]),
            "gap": np.array([gap[t] for t in texts]),
            "whole": np.array([h in sim for h in hyps]), "words": np.array([len(words(h)) for h in hyps])})
    return out


def mean_score(images, theta):
    p, a, b, beta, gamma, k = theta
    total = 0.0
    for d in images:
        log_w = np.where(d["rank"] < k, p * d["log_s"] + a * d["rank"] - b * d["gap"], -np.inf)
        w = np.exp(log_w - log_w.max())
        choice = d["gain"] @ (w / w.sum()) + beta * d["words"] + gamma * d["whole"]
        total += d["score"][int(np.argmax(choice))]
    return total / len(images)


def fit(images):
    theta, best = list(START), mean_score(images, START)
    for _ in range(2):
        for at, values in enumerate(GRID.values()):
            for v in values:
                t = theta[:at] + [v] + theta[at + 1:]
                s = mean_score(images, t)
                if s > best + 1e-9:
                    theta, best = t, s
    return theta, best


def main(root):
    train = load(root, "train")
    val, test = tables(root, "val", train), tables(root, "test", train)
    named = lambda t: dict(zip(GRID, t))  # noqa: E731
    print(f"start {named(START)}: validation {mean_score(val, START):.3f}, test {mean_score(test, START):.3f}")
    order = np.random.default_rng(0).permutation(len(val))
    halves = [[val[i] for i in order[:len(val) // 2]], [val[i] for i in order[len(val) // 2:]]]
    for f, h in ((0, 1), (1, 0)):
        theta, s = fit(halves[f])
        print(f"fitted on validation half {f + 1}: {named(theta)}, {s:.3f} there; on half {h + 1} "
              f"{mean_score(halves[h], theta):.3f} against {mean_score(halves[h], START):.3f} from the start")
    theta, s = fit(val)
    print(f"fitted on all validation images: {named(theta)}, {s:.3f}; test {mean_score(test, theta):.3f}")


if __name__ == "__main__":
    main(sys.argv[1])
