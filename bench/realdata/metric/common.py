# shared: data, evaluation (NN first caption CIDEr-D; 16-NN weighted consensus), pairCIDEr with train df
import os, sys, math, pickle, collections, numpy as np
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from neighbours import CiderD, words, ngrams
from rerank_weights import Pairwise
WORK = os.environ.get('METRIC_WORK', '/tmp/metric')  # feature cache and trained projections

D = pickle.load(open(WORK + '/feats.pkl', 'rb'))
TR = D['train']
TR_CAPS = [TR['refs'][i] for i in TR['ids']]
STOP = set("the of a an and in on with to for at by".split())

_cider = {}
def cider(split):
    if split not in _cider:
        _cider[split] = CiderD(D[split]['refs'])
    return _cider[split]

def unitrows(z):
    return z / (np.linalg.norm(z, axis=1, keepdims=True) + 1e-8)

def nn_first(split, zq, ztr):
    """CIDEr-D of the first caption of the nearest training image (cosine)."""
    nearest = (unitrows(zq) @ unitrows(ztr).T).argmax(1)
    cd = cider(split)
    return float(np.mean([cd.score(i, TR_CAPS[j][0]) for i, j in zip(D[split]['ids'], nearest)]))

# pairCIDEr: CIDEr-D, document frequencies from the training captions (each training image's
# caption set one document), one caption as the other's single reference
_pairwise = Pairwise(TR['refs'])
vec, pair = lambda c: _pairwise.vec(c), Pairwise.score

TR_VEC = [[vec(c) for c in rs] for rs in TR_CAPS]
_pc = {}
def pairc(a, b):  # keyed by (img, cap) tuples
    k = (a, b)
    if k not in _pc:
        _pc[k] = pair(TR_VEC[a[0]][a[1]], TR_VEC[b[0]][b[1]])
    return _pc[k]

def consensus(split, zq, ztr, k=16, p=12):
    sims = unitrows(zq) @ unitrows(ztr).T
    order = np.argsort(-sims, 1)[:, :k]
    cd = cider(split)
    out = []
    for q, i in enumerate(D[split]['ids']):
        cands = [(int(j), c) for j in order[q] for c in range(len(TR_CAPS[j]))]
        w = {int(j): max(0.0, float(sims[q, j])) ** p for j in order[q]}
        gains = [sum(w[b[0]] * pairc(a, b) for b in cands) for a in cands]
        best = cands[int(np.argmax(gains))]
        out.append(cd.score(i, TR_CAPS[best[0]][best[1]]))
    return float(np.mean(out))
