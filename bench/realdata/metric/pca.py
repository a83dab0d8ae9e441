# non-learned: PCA(-whitening) of unit(chosen(x)), fitted on train; val nn-first CIDEr-D
import numpy as np
from common import *
x = {s: D[s]['x'].astype(np.float64) for s in D}
mu = x['train'].mean(0)
C = np.cov((x['train'] - mu).T)
ev, V = np.linalg.eigh(C); ev, V = ev[::-1], V[:, ::-1]
np.savez(WORK + '/pca.npz', mu=mu, ev=ev, V=V)
print('raw val', round(nn_first('val', x['val'], x['train']), 4))
for d in (64, 128, 256, 720):
    for pw in (0.0, 0.25, 0.5):
        P = V[:, :d] / (ev[:d] + 1e-8 * ev[0]) ** pw
        z = {s: (x[s] - mu) @ P for s in ('train', 'val')}
        print(f'd={d} whiten^{pw}: val nn-first {nn_first("val", z["val"], z["train"]):.4f}', flush=True)
