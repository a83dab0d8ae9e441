#!/usr/bin/env python3
"""How the retrieval memory's neighbour descriptor was chosen (docs/MEMORY-RETRIEVAL.md, "Finding
the neighbours"): a prototype outside kvcap, on the VALIDATION split of the real set.

  descriptors  each candidate descriptor: every validation image gets the first caption of its
               nearest training image (cosine of centred vectors); CIDEr-D of those captions
  votes        with the chosen descriptor, the 8 nearest training images vote for their captions'
               words as the memory's cells do; how often the top cell is a reference word, with
               equal votes, votes by 1/(rank + 1) and by similarity^8
  oracle       on the TEST split: CIDEr-D if each image got the best of the captions of its k
               nearest training images (chosen descriptor; k = 1, 8, 16, 32, 128), knowing the
               references: how often the right words are among the neighbours' captions at all
               (docs/REAL-DATA.md, "Choosing among the neighbours' captions")

CIDEr-D here is a plain re-implementation (lower-case word split, not the PTB tokenizer), so its
figures are close to, not equal to, kvcap's. Needs Debian's python3-numpy and python3-pil.

Usage: /usr/bin/python3 bench/realdata/neighbours.py REAL_SET [descriptors|votes|oracle]
  e.g. /usr/bin/python3 bench/realdata/neighbours.py /tmp/real
"""
import collections
import json
import math
import re
import sys

import numpy as np
from PIL import Image


def words(s):
    return re.sub(r"[^a-z0-9 ]", " ", s.lower()).split()


def ngrams(ws):
    c = collections.Counter()
    for n in range(1, 5):
        for i in range(len(ws) - n + 1):
            c[tuple(ws[i:i + n])] += 1
    return c


class CiderD:
    def __init__(self, refs):
        counts = {i: [ngrams(words(r)) for r in rs] for i, rs in refs.items()}
        self.df = collections.Counter()
        for rs in counts.values():
            for g in set(g for r in rs for g in r):
                self.df[g] += 1
        self.log_n = math.log(len(counts))
        self.refs = {i: [self.vec(r) for r in rs] for i, rs in counts.items()}

    def vec(self, c):
        v, norm = [{} for _ in range(4)], [0.0] * 4
        for g, tf in c.items():
            w = tf * (self.log_n - math.log(max(1.0, self.df[g])))
            v[len(g) - 1][g] = w
            norm[len(g) - 1] += w * w
        return v, [math.sqrt(x) for x in norm], sum(x for g, x in c.items() if len(g) == 1)

    def score(self, i, caption):
        a = self.vec(ngrams(words(caption)))
        total = 0.0
        for b in self.refs[i]:
            total = similarity(a, b, total)
        return total / 4 / len(self.refs[i]) * 10


def similarity(a, b, total=0.0):
    """total plus the sum over n = 1..4 of the clipped, length-penalised cosine of two vectors (CiderD.vec)."""
    (va, na, la), (vb, nb, lb) = a, b
    for n in range(4):
        s = sum(min(w, vb[n][g]) * vb[n][g] for g, w in va[n].items() if g in vb[n])
        if na[n] and nb[n]:
            total += s / (na[n] * nb[n]) * math.exp(-(la - lb) ** 2 / 72.0)
    return total


def load(root, split):
    t = json.load(open(f"{root}/annotations/captions_{split}.json"))
    refs = collections.defaultdict(list)
    for a in t["annotations"]:
        refs[a["image_id"]].append(a["caption"])
    ids = [i["id"] for i in t["images"]]
    arr = np.stack([np.asarray(Image.open(f"{root}/images/{split}/{i['file_name']}").convert("RGB").resize((64, 64)),
                               dtype=np.float32) / 255 for i in t["images"]])
    return ids, arr, refs


def pool(a, side):
    f = 64 // side
    return a.reshape(len(a), side, f, side, f, 3).mean((2, 4)).reshape(len(a), -1)


def hog(a, cell, bins=9, signed=False):
    g = a.mean(-1)
    gx, gy = np.zeros_like(g), np.zeros_like(g)
    gx[:, :, 1:-1] = g[:, :, 2:] - g[:, :, :-2]
    gy[:, 1:-1, :] = g[:, 2:, :] - g[:, :-2, :]
    period = 2 * np.pi if signed else np.pi
    b = np.minimum(((np.arctan2(gy, gx) % period) / period * bins).astype(int), bins - 1)
    mag, c = np.sqrt(gx ** 2 + gy ** 2), 64 // cell
    out = np.zeros((len(a), c, c, bins), np.float32)
    for k in range(bins):
        out[..., k] = (mag * (b == k)).reshape(len(a), c, cell, c, cell).sum((2, 4))
    return out.reshape(len(a), -1)


def as_bytes(x):  # each image's largest value -> 255, as ImageDescriptor stores a grid
    return np.round(255 * x / (x.max(1, keepdims=True) + 1e-8))


def unit(x):
    x = x - x.mean(1, keepdims=True)
    return x / (np.linalg.norm(x, axis=1, keepdims=True) + 1e-8)


def chosen(a):  # ImageDescriptor.GRADIENTS: 8x8 and 4x4 grids (8- and 16-pixel cells), square roots
    return np.concatenate([as_bytes(np.sqrt(hog(a, 8))), as_bytes(np.sqrt(hog(a, 16)))], 1)


CANDIDATES = {
    "pixels 16x16": lambda a: pool(a, 16),
    "gradients, 8-pixel cells": lambda a: hog(a, 8),
    "  square-rooted": lambda a: np.sqrt(hog(a, 8)),
    "  fourth-rooted": lambda a: hog(a, 8) ** 0.25,
    "  4-pixel cells, square-rooted": lambda a: np.sqrt(hog(a, 4)),
    "  16-pixel cells, square-rooted": lambda a: np.sqrt(hog(a, 16)),
    "  6 orientations, square-rooted": lambda a: np.sqrt(hog(a, 8, 6)),
    "  12 orientations, square-rooted": lambda a: np.sqrt(hog(a, 8, 12)),
    "  12 signed orientations, square-rooted": lambda a: np.sqrt(hog(a, 8, 12, True)),
    "8- and 16-pixel cells, square-rooted, as bytes (chosen)": chosen,
    "  + colour 16x16 at weight 0.5": lambda a: np.concatenate([chosen(a), np.round(127.5 * pool(a, 16))], 1),
    "  + colour 16x16 at weight 1 (gradients+colour)": lambda a: np.concatenate([chosen(a), np.round(255 * pool(a, 16))], 1),
}

STOP = set("the of a an and in on with to for at by".split())


def main(root, what):
    train_ids, train, train_refs = load(root, "train")
    val_ids, val, val_refs = load(root, "val")
    if what in ("descriptors", "all"):
        cider = CiderD(val_refs)
        for name, f in CANDIDATES.items():
            nearest = (unit(f(val)) @ unit(f(train)).T).argmax(1)
            s = np.mean([cider.score(i, train_refs[train_ids[j]][0]) for i, j in zip(val_ids, nearest)])
            print(f"validation CIDEr-D {s:.3f}  {name}", flush=True)
    if what in ("votes", "all"):
        sims = unit(chosen(val)) @ unit(chosen(train)).T
        order = np.argsort(-sims, 1)[:, :8]
        weights = {"equal votes": lambda r, s: 1.0, "by 1/(rank + 1)": lambda r, s: 1 / (r + 1),
                   "by similarity^8": lambda r, s: max(0.0, s) ** 8}
        for name, weight in weights.items():
            right = 0
            for q, i in enumerate(val_ids):
                votes = collections.Counter()
                for r, j in enumerate(order[q]):
                    caps = train_refs[train_ids[j]]
                    for c in caps:
                        for w in set(words(c)) - STOP:
                            votes[w] += weight(r, sims[q, j]) / len(caps)
                top = votes.most_common(1)
                right += bool(top) and top[0][0] in set(w for c in val_refs[i] for w in words(c))
            print(f"top cell is a reference word for {100 * right / len(val_ids):.1f} % of images  ({name})", flush=True)
    if what == "oracle":
        test_ids, test, test_refs = load(root, "test")
        cider = CiderD(test_refs)
        order = np.argsort(-(unit(chosen(test)) @ unit(chosen(train)).T), 1)
        for k in (1, 8, 16, 32, 128):
            best = [max(cider.score(i, c) for j in order[q, :k] for c in train_refs[train_ids[j]])
                    for q, i in enumerate(test_ids)]
            print(f"best caption of the {k} nearest training images: test CIDEr-D {np.mean(best):.3f}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "all")
