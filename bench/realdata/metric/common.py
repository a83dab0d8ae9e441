# shared: data, evaluation (NN first caption CIDEr-D; 16-NN weighted consensus), pairCIDEr with train df
import os, sys, math, pickle, collections, numpy as np
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from neighbours import CiderD, words, ngrams
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

# pairCIDEr: CIDEr-D df from training captions, each training image's caption set one document
_df = collections.Counter()
for rs in TR_CAPS:
    for g in set(g for r in rs for g in ngrams(words(r))):
        _df[g] += 1
_logn = math.log(len(TR_CAPS))

def vec(c):
    v, norm = [{} for _ in range(4)], [0.0] * 4
    for g, tf in c.items():
        w = tf * (_logn - math.log(max(1.0, _df[g])))
        v[len(g) - 1][g] = w
        norm[len(g) - 1] += w * w
    return v, [math.sqrt(x) for x in norm], sum(x for g, x in c.items() if len(g) == 1)

def pair(a, b):
    (va, na, la), (vb, nb, lb) = a, b
    total = 0.0
    for n in range(4):
        s = sum(min(w, vb[n][g]) * vb[n][g] for g, w in va[n].items() if g in vb[n])
        if na[n] and nb[n]:
            total += s / (na[n] * nb[n]) * math.exp(-(la - lb) ** 2 / 72.0)
    return total / 4 * 10

TR_VEC = [[vec(ngrams(words(c))) for c in rs] for rs in TR_CAPS]
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
