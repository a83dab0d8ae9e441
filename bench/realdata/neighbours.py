#!/usr/bin/env python3
"""How the retrieval memory's neighbour descriptor was chosen (docs/MEMORY-RETRIEVAL.md, "Finding
the neighbours"): a prototype outside kvcap, on the VALIDATION split of the real set.

  descriptors  each candidate descriptor: every validation image gets the first caption of its
               nearest training image (cosine of centred vectors); CIDEr-D of those captions
  votes        with the chosen descriptor, the 8 nearest training images vote for their captions'
               words as the memory's cells do; how often the top cell is a reference word, with
               equal votes, votes by 1/(rank + 1) and by similarity^8
  more         (2026-12-06) ways to find better neighbours than the chosen descriptor, each by the
               same validation measure: a ridge map of the descriptor onto the training captions'
               words (cosine of the mapped vectors, or of a mapped query against the training
               images' word vectors), the best of the query shifted by 2 or 4 pixels, colour
               histograms and colourfulness added to the cosine
  encoder DUMP the chosen descriptor's cosine plus a trained encoder's global vector's, the vectors
               from GlobalDump (test sources; DUMP-train.bin and DUMP-val.bin)
  oracle       on the TEST split: CIDEr-D if each image got the best of the captions of its k
               nearest training images (chosen descriptor; k = 1, 8, 16, 32, 128), knowing the
               references: how often the right words are among the neighbours' captions at all
               (docs/REAL-DATA.md, "Choosing among the neighbours' captions")

CIDEr-D here is a plain re-implementation (lower-case word split, not the PTB tokenizer), so its
figures are close to, not equal to, kvcap's. Needs Debian's python3-numpy and python3-pil.

Usage: /usr/bin/python3 bench/realdata/neighbours.py REAL_SET [descriptors|votes|more|encoder DUMP|oracle]
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


def shifted(a, dx, dy):
    """The images moved by (dx, dy) pixels, the uncovered edge filled with each image's corner colour."""
    out = np.broadcast_to(a[:, :1, :1, :], a.shape).copy()
    src = lambda d: slice(0, 64 - d) if d >= 0 else slice(-d, 64)  # noqa: E731
    dst = lambda d: slice(d, 64) if d >= 0 else slice(0, 64 + d)  # noqa: E731
    out[:, dst(dy), dst(dx)] = a[:, src(dy), src(dx)]
    return out


def colour_histogram(a, bins):
    q = np.minimum((a * bins).astype(int), bins - 1)
    cell = (q[..., 0] * bins + q[..., 1]) * bins + q[..., 2]
    return np.stack([(cell == k).reshape(len(a), -1).mean(1) for k in range(bins ** 3)], 1)


def colourful(a):  # the share of pixels whose channels differ by more than 0.2
    return ((a.max(-1) - a.min(-1)) > 0.2).reshape(len(a), -1).mean(1)


def more(train, train_ids, train_refs, val, first_caption_score):
    xt, xv = unit(chosen(train)), unit(chosen(val))
    base = xv @ xt.T
    first_caption_score(base, "the chosen descriptor")
    seen = collections.Counter(w for i in train_ids for c in train_refs[i] for w in set(words(c)))
    vocab = {w: k for k, w in enumerate(w for w, n in seen.items() if n >= 2 and w not in STOP)}
    y = np.zeros((len(train_ids), len(vocab)), np.float32)
    for r, i in enumerate(train_ids):
        for c in train_refs[i]:
            for w in set(words(c)) & vocab.keys():
                y[r, vocab[w]] += 1 / len(train_refs[i])
    idf = np.log(len(train_ids) / np.maximum((y > 0).sum(0), 1))
    norm = lambda x: x / (np.linalg.norm(x, axis=1, keepdims=True) + 1e-8)  # noqa: E731
    for weighting, target in (("word shares", y), ("word shares x idf", y * idf)):
        for lam in (0.1, 1, 10):
            m = np.linalg.solve(xt.T @ xt + lam * np.eye(xt.shape[1]), xt.T @ target)
            first_caption_score(norm(xv @ m) @ norm(xt @ m).T, f"ridge map ({weighting}, lambda {lam}): mapped vs mapped")
            first_caption_score(norm(xv @ m) @ norm(target).T, f"ridge map ({weighting}, lambda {lam}): mapped vs words")
            first_caption_score(0.5 * base + 0.5 * norm(xv @ m) @ norm(xt @ m).T, f"ridge map ({weighting}, lambda {lam}): half each")
    for r in (2, 4):
        best = base.copy()
        for dx, dy in ((r, 0), (-r, 0), (0, r), (0, -r)):
            best = np.maximum(best, unit(chosen(shifted(val, dx, dy))) @ xt.T)
        first_caption_score(best, f"the best of the query and its four {r}-pixel shifts")
    for bins in (4, 8):
        hist = np.sqrt(colour_histogram(val, bins)) @ np.sqrt(colour_histogram(train, bins)).T
        for lam in (0.1, 0.3, 1.0):
            first_caption_score(base + lam * hist, f"+ {lam} x colour histogram ({bins}^3 bins, Bhattacharyya)")
    gap = np.abs(colourful(val)[:, None] - colourful(train)[None, :])
    for lam in (0.2, 0.5, 1.0):
        first_caption_score(base - lam * gap, f"- {lam} x colourfulness difference")


def encoder(root, dump, train, val, first_caption_score):
    def vectors(split):
        v = np.fromfile(f"{dump}-{split}.bin", dtype=">f4")
        names = open(f"{dump}-{split}.bin.names").read().split()
        by_name = dict(zip(names, v.reshape(len(names), -1)))
        return np.stack([by_name[i["file_name"]] for i in json.load(open(f"{root}/annotations/captions_{split}.json"))["images"]])
    base = unit(chosen(val)) @ unit(chosen(train)).T
    enc = unit(vectors("val")) @ unit(vectors("train")).T
    first_caption_score(base, "the chosen descriptor")
    first_caption_score(enc, "the encoder's global vector")
    for lam in (0.1, 0.25, 0.5, 1.0):
        first_caption_score(base + lam * enc, f"the descriptor + {lam} x the encoder's")


def main(root, what, dump=None):
    train_ids, train, train_refs = load(root, "train")
    val_ids, val, val_refs = load(root, "val")

    val_cider = CiderD(val_refs)

    def first_caption_score(sims, name):  # each validation image gets its nearest training image's first caption
        s = np.mean([val_cider.score(i, train_refs[train_ids[j]][0]) for i, j in zip(val_ids, sims.argmax(1))])
        print(f"validation CIDEr-D {s:.3f}  {name}", flush=True)

    if what == "more":
        more(train, train_ids, train_refs, val, first_caption_score)
    if what == "encoder":
        encoder(root, dump, train, val, first_caption_score)
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
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "all", sys.argv[3] if len(sys.argv) > 3 else None)
