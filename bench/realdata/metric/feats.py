# cache unit(chosen(x)) for train/val/test + ids + refs
import os, sys, json, pickle, numpy as np
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from neighbours import load, chosen, unit
WORK = os.environ.get('METRIC_WORK', '/tmp/metric')
REAL = os.environ.get('REAL', '/tmp/real')
os.makedirs(WORK, exist_ok=True)
out = {}
for s in ('train', 'val', 'test'):
    ids, a, refs = load(REAL, s)
    out[s] = dict(ids=ids, raw=chosen(a).astype(np.float32), x=unit(chosen(a)).astype(np.float32), refs=dict(refs))
    print(s, len(ids), out[s]['x'].shape, flush=True)
pickle.dump(out, open(WORK + '/feats.pkl', 'wb'))
