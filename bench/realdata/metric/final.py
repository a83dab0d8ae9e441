"""Final report: raw HOG, PCA variants, learned W (npz path(s) given) on val and test:
nn-first CIDEr-D and 16-NN weighted consensus (w = max(0,cos)^12, pairCIDEr with train df), paired SE vs raw.
Usage: python3 final.py W1.npz [W2.npz ...]"""
import sys, numpy as np
from common import *

def nn_items(split, zq, ztr):
    nearest = (unitrows(zq) @ unitrows(ztr).T).argmax(1)
    cd = cider(split)
    return np.array([cd.score(i, TR_CAPS[j][0]) for i, j in zip(D[split]['ids'], nearest)])

x = {s: D[s]['x'].astype(np.float64) for s in D}
pc = np.load(WORK + '/pca.npz')
mu, V, ev = pc['mu'], pc['V'], pc['ev']
variants = {'raw HOG': lambda s: x[s],
            'PCA-whiten d=256': lambda s: (x[s] - mu) @ (V[:, :256] / np.sqrt(ev[:256])),
            'PCA d=256 (no whiten)': lambda s: (x[s] - mu) @ V[:, :256]}
for p in sys.argv[1:]:
    f = np.load(p)
    variants[f'learned {p.split("/")[-1]} (ep {int(f["ep"])})'] = (lambda W, m: lambda s: (x[s] - m) @ W)(f['W'], f['mu'])
base = {}
for name, fn in variants.items():
    row = []
    for s in ('val', 'test'):
        it = nn_items(s, fn(s), fn('train'))
        if name == 'raw HOG': base[s] = it
        dse = np.std(it - base[s]) / np.sqrt(len(it))
        row.append(f'{s} nn {it.mean():.4f} (diff {it.mean() - base[s].mean():+.4f} ± {dse:.4f})  cons16 {consensus(s, fn(s), fn("train")):.4f}')
    print(f'{name:50s}', ' | '.join(row), flush=True)
