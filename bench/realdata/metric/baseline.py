import time, numpy as np
from common import *
x = {s: D[s]['x'] for s in D}
for s in ('val', 'test'):
    t = time.time()
    print(s, 'raw HOG nn-first', round(nn_first(s, x[s], x['train']), 4), 'consensus16', round(consensus(s, x[s], x['train']), 4), f'{time.time()-t:.0f}s', flush=True)
