# sweep of learned-projection settings (val only); caches caption-sim targets
import sys, time, numpy as np
from learn import *
S = {False: capsim(False)}
Pc = {}
cfgs = [eval(l) for l in sys.argv[1:]]
for c in cfgs:
    c = dict(dict(d=128, tau=0.05, tau_t=0.05, topk=0, epochs=5, lr=1e-3, init='pca', seed=0, wd=0.0, bigrams=False), **c)
    k = (c['bigrams'], c['tau_t'], c['topk'])
    if c['bigrams'] not in S: S[c['bigrams']] = capsim(c['bigrams'])
    if k not in Pc: Pc[k] = targets(S[c['bigrams']], c['tau_t'], c['topk'])
    (s, ep, W), hist, mu, secs = train(P=Pc[k], verbose=False, **c)
    tag = '_'.join(f'{a}={b}' for a, b in c.items())
    np.savez(f'{WORK}/W_{tag}.npz', W=W, mu=mu, ep=ep, val=s)
    print(f'{tag}: best val {s:.4f} @ep{ep}; curve', ' '.join(f'{h[1]:.3f}' for h in hist), f'; {secs:.0f}s', flush=True)
