#!/usr/bin/env python3
"""Fits a linear choice on ranker.py's rows (docs/REAL-DATA.md, "A fitted choice"): maximises the
mean expected CIDEr-D of the softmax choice (temperature tau) over the sampled training images, from
minimum Bayes risk, Adam, 300 steps, as kvcap's ChoiceFit does; prints the choice's CIDEr-D on the
training sample, validation and test (argmax of the gain alone is minimum Bayes risk; the oracle
picks the best hypothesis knowing the references), then the same fitted on the validation images
instead (all of them, and each half scored on the other).

Usage: /usr/bin/python3 bench/realdata/fitted/fit.py ROWS [COLUMNS [quad]]
  e.g. /usr/bin/python3 bench/realdata/fitted/fit.py /tmp/kvcap-fitted-rows-K32-2000-pair-x.pkl 0,1,2,3,4,5,6,8,11,12,13,19,20,21
       (kvcap's features since 2026-12-07; without 19,20,21 those before)
"""
import sys, pickle, numpy as np
tr, va, te = pickle.load(open(sys.argv[1], "rb"))
cols = [int(c) for c in sys.argv[2].split(",")] if len(sys.argv) > 2 else None
QUAD = len(sys.argv) > 3 and sys.argv[3] == "quad"  # every product of two columns too


def prep(rows):
    out = []
    for f, t in rows:
        if not len(t):
            continue
        f = f[:, cols] if cols else f
        if QUAD:
            f = np.concatenate([f] + [(f[:, a] * f[:, b])[:, None] for a in range(f.shape[1]) for b in range(a, f.shape[1])], 1)
        out.append((f, t))
    return out
tr, va, te = prep(tr), prep(va), prep(te)
allf = np.concatenate([f for f, _ in tr]); mu, sd = allf.mean(0), allf.std(0) + 1e-9
def Z(rows): return [((f - mu) / sd, t) for f, t in rows]
trz, vaz, tez = Z(tr), Z(va), Z(te)
def score(rows, th): return np.mean([t[np.argmax(f @ th)] for f, t in rows])
def oracle(rows): return np.mean([t.max() for f, t in rows])
base = np.zeros(allf.shape[1]); base[0] = 1
print("MBR gain argmax: train %.3f val %.3f test %.3f | oracle val %.3f test %.3f" % (score(trz, base), score(vaz, base), score(tez, base), oracle(vaz), oracle(tez)))
def fit(rows, tau, steps=300, lr=0.05, l2=1e-3, init=None):
    th = np.zeros(rows[0][0].shape[1]) if init is None else init.copy()
    m = np.zeros_like(th); v = np.zeros_like(th)
    for s in range(steps):
        g = np.zeros_like(th)
        for f, t in rows:
            z = f @ th / tau; z -= z.max(); p = np.exp(z); p /= p.sum()
            eg = p @ t
            g += (f * (p * (t - eg))[:, None]).sum(0) / tau
        g = g / len(rows) - l2 * th
        m = 0.9 * m + 0.1 * g; v = 0.999 * v + 0.001 * g * g
        th += lr * (m / (1 - 0.9 ** (s + 1))) / (np.sqrt(v / (1 - 0.999 ** (s + 1))) + 1e-8)
    return th
for tau in [1.0, 0.3, 0.1]:
    th = fit(trz, tau, init=base * 3)
    print("tau %.1f: train %.3f val %.3f test %.3f" % (tau, score(trz, th), score(vaz, th), score(tez, th)), np.round(th, 2))
print("--- fit on validation")
vz = Z(va)
for tau in [1.0, 0.3]:
    for l2 in [1e-3, 1e-2, 1e-1]:
        th = fit(vz, tau, l2=l2, init=base * 3)
        h = len(vz) // 2
        ta = fit(vz[:h], tau, l2=l2, init=base * 3); tb = fit(vz[h:], tau, l2=l2, init=base * 3)
        print("tau %.1f l2 %g: val(in) %.3f test %.3f | halves A->B %.3f (base %.3f) B->A %.3f (base %.3f)" % (
            tau, l2, score(vz, th), score(tez, th), score(vz[h:], ta), score(vz[h:], base), score(vz[:h], tb), score(vz[:h], base)))
