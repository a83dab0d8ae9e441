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
nearest, 18 neighbours containing it / K, 19-21 mean / least / most share of the image's captions
that a ridge map of the descriptor predicts to use each of its content words (docs/REAL-DATA.md,
"Words the image predicts"; cross-fitted by item for the training sample). kvcap uses 0-6, 8,
11-13 and 19-21 (ConsensusChoice.FEATURES).

The word map's penalty is LAM (default 1) and its input WORDMAP: g (the descriptor and a constant,
kvcap's), gc (and a 16x16 colour thumbnail), rfN (and N random ReLU features of the descriptor).

GROUP, what counts as a training image's own item (left out of its neighbours): caption (a caption
in common, chained), outline (the same after deleting the word "outline", chained), oneword (equal up
to one word, chained), pair (kvcap's rule: a caption in common or equal up to one word, per pair).

Usage: /usr/bin/python3 bench/realdata/fitted/ranker.py K N GROUP     (REAL_SET /tmp/real; needs python3-numpy, -pil)
  e.g. /usr/bin/python3 bench/realdata/fitted/ranker.py 32 2000 pair   (about 5.5 minutes on 2 cores)
       LAM=0.1 WORDMAP=rf2000 /usr/bin/python3 bench/realdata/fitted/ranker.py 32 2000 pair
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
# the word map: ridge regression from the descriptor onto each training image's share of captions using each content word
LAM = float(os.environ.get("LAM", "1")); WORDMAP = os.environ.get("WORDMAP", "g")
wc = collections.Counter()
for i in tr_ids:
    for x in set(x for c in tr_refs[i] for x in words(c) if x not in FUNCTION): wc[x] += 1
vocab = sorted(x for x, n in wc.items() if n >= 2); vidx = {x: k for k, x in enumerate(vocab)}
Y = np.zeros((len(tr_ids), len(vocab)))
for j, i in enumerate(tr_ids):
    for c in tr_refs[i]:
        for x in set(words(c)):
            if x in vidx: Y[j, vidx[x]] += 1.0 / len(tr_refs[i])
RF = np.random.RandomState(0).randn(trd.shape[1], int(WORDMAP[2:]) if WORDMAP.startswith("rf") else 1) * 3
def thumbs(a):
    t = a.reshape(len(a), 16, 4, 16, 4, 3).mean((2, 4)).reshape(len(a), -1)
    t = t - t.mean(1, keepdims=True); return t / (np.linalg.norm(t, axis=1, keepdims=True) + 1e-9)
def design(qd, arr):
    parts = [qd] + ([thumbs(arr)] if WORDMAP == "gc" else []) \
        + ([np.maximum(qd @ RF, 0) / np.sqrt(RF.shape[1])] if WORDMAP.startswith("rf") else []) + [np.ones((len(qd), 1))]
    return np.concatenate(parts, 1)
X = design(trd, tr_arr)
def ridge(rows_):
    return np.linalg.solve(X[rows_].T @ X[rows_] + LAM * np.eye(X.shape[1]), X[rows_].T @ Y[rows_])
folds = np.array([hash(int(c)) % 5 for c in comp])  # whole items (images sharing a caption, chained) per fold
WALL = ridge(np.arange(len(tr_ids)))
WF = [ridge(np.where(folds != f)[0]) for f in range(5)]
def predict(qd, exclude, arr):
    Q = design(qd, arr)
    if exclude is None: return Q @ WALL
    return np.stack([Q[r] @ WF[folds[j]] for r, j in enumerate(exclude)])
vecs = {}
def vec(t):
    if t not in vecs: vecs[t] = pair.vec(ngrams(words(t)))
    return vecs[t]
df = pair.df; logn = pair.log_n
def dels(c):
    ws = c.split()
    return [" ".join(ws[:a] + ws[a+1:]) for a in range(len(ws)) if len(ws) > 1]
def rows(qd, refs_of, qids, exclude, arr):
    sims = qd @ trd.T
    cider = CiderD({i: refs_of[i] for i in qids})
    out = []
    pred = predict(qd, exclude, arr)
    for r, i in enumerate(qids):
        pr = pred[r]
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
            shares = [pr[vidx[x]] if x in vidx else 0.0 for x in hw if x not in FUNCTION] or [0.0]
            feats.append([g, math.log(g + 1e-3), n == 1, n == 2, n == 3, n >= 4, whole, g1, cov, ncov,
                          best_rank / K, np.mean(idfs), min(idfs), max(idfs), h in top1,
                          min(wsup), np.mean(wsup), cov4, len(set(rank[t] for t, c_ in zip(texts, cont) if c_)) / K,
                          np.mean(shares), min(shares), max(shares)])
            targ.append(cider.score(i, h))
        out.append((np.array(feats, dtype=np.float64), np.array(targ)))
        if r % 200 == 0: print(r, file=sys.stderr, flush=True)
    return out
random.seed(0)
pick = sorted(random.sample(range(len(tr_ids)), NTRAIN))
train_rows = rows(trd[pick], tr_refs, [tr_ids[j] for j in pick], pick, tr_arr[pick])
val_rows = rows(unit(chosen(va_arr)), va_refs, va_ids, None, va_arr)
test_rows = rows(unit(chosen(te_arr)), te_refs, te_ids, None, te_arr)
suffix = "" if (LAM, WORDMAP) == (1.0, "g") else f"-{LAM}-{WORDMAP}"
pickle.dump((train_rows, val_rows, test_rows), open(f"/tmp/kvcap-fitted-rows-K{K}-{NTRAIN}-{GROUP}-x{suffix}.pkl", "wb"))
