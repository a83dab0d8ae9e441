#!/usr/bin/env python3
"""How the fitted choice was found (docs/REAL-DATA.md, "A fitted choice"): a replay outside kvcap.

Writes, for a sample of training images (each captioned from its K nearest *other* items' captions,
oriented gradients, weights cos^12, candidates and their spans as kvcap's --rerank-spans makes them)
and for every validation and test image (from the training images), each hypothesis's features and
its CIDEr-D against the image's own captions, to ROWS = /tmp/kvcap-fitted-rows-K{K}-{N}-{GROUP}-x.pkl;
fit.py then fits and scores choices on them.

Features (columns): 0 gain (weighted agreement, minimum Bayes risk's score), 1 log gain, 2-5 one /
two / three / four or more words, 6 whole candidate, 7 agreement with the nearest neighbour's
captions, 8 coverage (weighted share of candidates containing it), 9 unweighted coverage, 10 rank of
the nearest neighbour containing it / K, 11-13 mean / least / most idf of its words, 14 a caption of
the nearest neighbour, 15-16 least / mean weighted support of its words, 17 coverage among the 4
nearest, 18 neighbours containing it / K. kvcap uses 0-6, 8, 11-13 (ConsensusChoice.FEATURES).

GROUP, what counts as a training image's own item (left out of its neighbours): caption (a caption
in common, chained), outline (the same after deleting the word "outline", chained), oneword (equal up
to one word, chained), pair (kvcap's rule: a caption in common or equal up to one word, per pair).

Usage: /usr/bin/python3 bench/realdata/fitted/ranker.py K N GROUP     (REAL_SET /tmp/real; needs python3-numpy, -pil)
  e.g. /usr/bin/python3 bench/realdata/fitted/ranker.py 32 2000 pair   (about 5 minutes on 2 cores)
"""
import sys, os, math, collections, pickle, random
import numpy as np
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from neighbours import CiderD, chosen, load, ngrams, similarity, unit, words
from spans import hypotheses, FUNCTION
root = "/tmp/real"; K = int(sys.argv[1]); P = 12.0; NTRAIN = int(sys.argv[2]); GROUP = sys.argv[3]
tr_ids, tr_arr, tr_refs = load(root, "train")
va_ids, va_arr, va_refs = load(root, "val")
te_ids, te_arr, te_refs = load(root, "test")
trd = unit(chosen(tr_arr))
# items of the training set: images sharing a caption
parent = list(range(len(tr_ids)))
def find(x):
    while parent[x] != x:
        parent[x] = parent[parent[x]]; x = parent[x]
    return x
owner = {}
for j, i in enumerate(tr_ids):
    for c in tr_refs[i]:
        if GROUP == "outline": c = " ".join(x for x in c.split() if x != "outline")
        if c in owner: parent[find(j)] = find(owner[c])
        else: owner[c] = j
if GROUP == "oneword":
    for j, i in enumerate(tr_ids):
        for c in tr_refs[i]:
            ws = c.split()
            for a in range(len(ws)):
                d = " ".join(ws[:a] + ws[a+1:])
                if d and d in owner: parent[find(j)] = find(owner[d])
comp = np.array([find(j) for j in range(len(tr_ids))])
print("training components", len(set(comp)), file=sys.stderr)
pair = CiderD({i: tr_refs[i] for i in tr_ids})
vecs = {}
def vec(t):
    if t not in vecs: vecs[t] = pair.vec(ngrams(words(t)))
    return vecs[t]
df = pair.df; logn = pair.log_n
def dels(c):
    ws = c.split()
    return [" ".join(ws[:a] + ws[a+1:]) for a in range(len(ws)) if len(ws) > 1]
def rows(qd, refs_of, qids, exclude):
    sims = qd @ trd.T
    cider = CiderD({i: refs_of[i] for i in qids})
    out = []
    for r, i in enumerate(qids):
        s_row = sims[r].copy()
        if exclude is not None and GROUP != "pair":
            s_row[comp == comp[exclude[r]]] = -9
        if exclude is not None and GROUP == "pair":
            s_row[exclude[r]] = -9
            qc = set(tr_refs[i]); qv = qc | set(d for c in qc for d in dels(c))
            order = []
            for j in np.argsort(-s_row):
                jc = tr_refs[tr_ids[j]]
                if any(c in qv for c in jc) or any(d in qc for c in jc for d in dels(c)): continue
                order.append(j)
                if len(order) == K: break
        else:
            order = np.argsort(-s_row)[:K]
        w, rank = {}, {}
        for k, j in enumerate(order):
            s = max(s_row[j], 1e-9) ** P
            for c in tr_refs[tr_ids[j]]:
                if c not in w: w[c] = s; rank[c] = k
        texts = list(w); ws = np.array([w[t] for t in texts]); ws = ws / ws.sum()
        tw = [tuple(words(t)) for t in texts]
        twsets = [set(x) for x in tw]
        top1 = [t for t in texts if rank[t] == 0]
        hyps = list(hypotheses(texts, "phrases"))
        feats, targ = [], []
        for h in hyps:
            hw = tuple(words(h)); n = len(hw)
            if n == 0: continue
            hv = vec(h)
            sims_t = np.array([similarity(hv, vec(t)) / 4 * 10 for t in texts])
            g = float(ws @ sims_t)
            g1 = float(np.mean([similarity(hv, vec(t)) / 4 * 10 for t in top1]))
            cont = np.array([any(tw_[a:a+n] == hw for a in range(len(tw_) - n + 1)) for tw_ in tw])
            cov = float(ws @ cont)
            ncov = float(cont.mean())
            best_rank = min([rank[t] for t, c_ in zip(texts, cont) if c_] or [K])
            idfs = [logn - math.log(max(1.0, df[(x,)])) for x in hw]
            whole = h in w
            wsup = [float(ws @ np.array([x in tws for tws in twsets])) for x in hw]
            top4 = np.array([rank[t] < 4 for t in texts])
            cov4 = float((ws * top4) @ cont) / max(1e-12, float(ws @ top4))
            feats.append([g, math.log(g + 1e-3), n == 1, n == 2, n == 3, n >= 4, whole, g1, cov, ncov,
                          best_rank / K, np.mean(idfs), min(idfs), max(idfs), h in top1,
                          min(wsup), np.mean(wsup), cov4, len(set(rank[t] for t, c_ in zip(texts, cont) if c_)) / K])
            targ.append(cider.score(i, h))
        out.append((np.array(feats, dtype=np.float64), np.array(targ)))
        if r % 200 == 0: print(r, file=sys.stderr, flush=True)
    return out
random.seed(0)
pick = sorted(random.sample(range(len(tr_ids)), NTRAIN))
train_rows = rows(trd[pick], tr_refs, [tr_ids[j] for j in pick], pick)
val_rows = rows(unit(chosen(va_arr)), va_refs, va_ids, None)
test_rows = rows(unit(chosen(te_arr)), te_refs, te_ids, None)
pickle.dump((train_rows, val_rows, test_rows), open(f"/tmp/kvcap-fitted-rows-K{K}-{NTRAIN}-{GROUP}-x.pkl", "wb"))
