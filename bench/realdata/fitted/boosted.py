#!/usr/bin/env python3
"""Would a nonlinear choice do better than kvcap's linear one? (docs/REAL-DATA.md, "Where 2x the
floor stands"; tried 2026-12-07, not built.)

On ranker.py's rows, fits gradient-boosted regression trees (scikit-learn's
HistGradientBoostingRegressor: 200 rounds, rate 0.05, 15 leaves, at least 50 rows a leaf) to each
hypothesis's CIDEr-D minus the mean of its image's hypotheses, over the sampled training images;
each validation and test image then takes the hypothesis with the highest prediction. Three tree
seeds; kvcap's linear fit is fit.py's "tau 1.0" line on the same rows and columns.

Usage: /usr/bin/python3 bench/realdata/fitted/boosted.py ROWS [COLUMNS|all]
  e.g. /usr/bin/python3 bench/realdata/fitted/boosted.py /tmp/kvcap-fitted-rows-K32-2000-pair-x.pkl 0,1,2,3,4,5,6,8,11,12,13,19,20,21
       (about a minute a seed on 2 cores; needs Debian's python3-sklearn: apt-get install python3-sklearn)
"""
import pickle
import sys

import numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor

tr, va, te = pickle.load(open(sys.argv[1], "rb"))
spec = sys.argv[2] if len(sys.argv) > 2 else "all"
cols = None if spec == "all" else [int(c) for c in spec.split(",")]


def prep(rows):
    return [((f if cols is None else f[:, cols]), t) for f, t in rows if len(t)]


tr, va, te = prep(tr), prep(va), prep(te)
X = np.concatenate([f for f, _ in tr])
y = np.concatenate([t - t.mean() for _, t in tr])


def score(rows, model):
    return np.mean([t[np.argmax(model.predict(f))] for f, t in rows])


for seed in [0, 1, 2]:
    m = HistGradientBoostingRegressor(learning_rate=0.05, max_iter=200, max_leaf_nodes=15, min_samples_leaf=50,
                                      random_state=seed).fit(X, y)
    print("columns %s, tree seed %d: train %.3f val %.3f test %.3f" % (spec, seed, score(tr, m), score(va, m), score(te, m)),
          flush=True)
