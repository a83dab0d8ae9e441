"""Learned linear projection W (720->d) of unit(chosen(x)), soft-target InfoNCE, hand-written Adam.
Caption similarity S[i,j] between training images: cosine of tf-idf vectors of each image's caption words
(all captions pooled, stop words removed, idf = log(N/df) with df over images; option bigrams too).
Targets: p_ij ∝ exp(S_ij / tau_t) over j != i (optionally restricted to the top-k by S).
Logits: z_i·z_j / tau, z = normalise((x - mu) W), over all other training images (self masked).
Usage: python3 learn.py d tau tau_t topk epochs lr [init=pca|rand] [seed] [wd] [bigrams 0/1]
Prints val nn-first CIDEr-D per epoch; saves best-on-val W to W_<tag>.npz."""
import sys, time, collections, math, numpy as np
from common import *

def capsim(bigrams=False):
    docs = []
    for rs in TR_CAPS:
        c = collections.Counter()
        for r in rs:
            ws = [w for w in words(r) if w not in STOP]
            c.update(ws)
            if bigrams:
                c.update(zip(ws, ws[1:]))
        docs.append({k: v / len(rs) for k, v in c.items()})
    df = collections.Counter(k for d in docs for k in d)
    vocab = {k: i for i, k in enumerate(df)}
    N = len(docs)
    M = np.zeros((N, len(vocab)), np.float32)
    for n, d in enumerate(docs):
        for k, v in d.items():
            M[n, vocab[k]] = v * math.log(N / df[k])
    M /= np.linalg.norm(M, axis=1, keepdims=True) + 1e-8
    return M @ M.T

def targets(S, tau_t, topk):
    S = S.copy()
    np.fill_diagonal(S, -np.inf)
    if topk:
        kth = -np.partition(-S, topk - 1, axis=1)[:, topk - 1:topk]
        S[S < kth] = -np.inf
    L = S / tau_t
    L -= L.max(1, keepdims=True)
    P = np.exp(L); P /= P.sum(1, keepdims=True)
    return P.astype(np.float32)

def fwd(X, W):
    Y = X @ W
    n = np.linalg.norm(Y, axis=1, keepdims=True) + 1e-8
    return Y / n, n

def train(d, tau, tau_t, topk, epochs, lr, init='pca', seed=0, wd=0.0, bigrams=False, B=256, verbose=True, P=None):
    rng = np.random.default_rng(seed)
    x = {s: D[s]['x'].astype(np.float32) for s in D}
    mu = x['train'].mean(0)
    X = x['train'] - mu
    N = len(X)
    if P is None:
        P = targets(capsim(bigrams), tau_t, topk)
    if init == 'pca':
        pc = np.load(WORK + '/pca.npz')
        W = pc['V'][:, :d].astype(np.float32).copy()
    else:
        W = (rng.standard_normal((X.shape[1], d)) / math.sqrt(X.shape[1])).astype(np.float32)
    W *= 1.0 / np.sqrt((W ** 2).sum(0).mean())  # columns ~unit norm
    m = np.zeros_like(W); v = np.zeros_like(W); t = 0
    def evalv(W):
        return nn_first('val', (x['val'] - mu) @ W, X @ W)
    hist = [(0, evalv(W), 0.0)]
    best = (hist[0][1], 0, W.copy())
    if verbose: print(f'  ep 0 val {hist[0][1]:.4f}', flush=True)
    t0 = time.time()
    for ep in range(1, epochs + 1):
        perm = rng.permutation(N); tot = 0.0
        for b0 in range(0, N, B):
            a = perm[b0:b0 + B]
            Z, nz = fwd(X, W)
            Za = Z[a]
            Lg = Za @ Z.T / tau
            Lg[np.arange(len(a)), a] = -np.inf
            Lg -= Lg.max(1, keepdims=True)
            Q = np.exp(Lg); Q /= Q.sum(1, keepdims=True)
            Pa = P[a]
            tot += float(-(Pa * np.log(Q + 1e-30)).sum())
            G = (Q - Pa) / (tau * len(a))          # dL/d(Za·Z^T)
            dZ = G.T @ Za                          # via Z (all) columns
            dZ[a] += G @ Z                         # via anchors
            dY = (dZ - Z * (Z * dZ).sum(1, keepdims=True)) / nz
            g = X.T @ dY + wd * W
            t += 1
            m = 0.9 * m + 0.1 * g; v = 0.999 * v + 0.001 * g * g
            W -= lr * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
        s = evalv(W)
        hist.append((ep, s, tot / N))
        if s > best[0]: best = (s, ep, W.copy())
        if verbose: print(f'  ep {ep} loss {tot / N:.4f} val {s:.4f}  {time.time() - t0:.0f}s', flush=True)
    return best, hist, mu, time.time() - t0

if __name__ == '__main__':
    a = sys.argv[1:]
    d, tau, tau_t, topk, epochs, lr = int(a[0]), float(a[1]), float(a[2]), int(a[3]), int(a[4]), float(a[5])
    init = a[6] if len(a) > 6 else 'pca'; seed = int(a[7]) if len(a) > 7 else 0
    wd = float(a[8]) if len(a) > 8 else 0.0; bg = bool(int(a[9])) if len(a) > 9 else False
    tag = '_'.join(a)
    print('config', tag, flush=True)
    (s, ep, W), hist, mu, secs = train(d, tau, tau_t, topk, epochs, lr, init, seed, wd, bg)
    np.savez(f'{WORK}/W_{tag}.npz', W=W, mu=mu, ep=ep, val=s)
    print(f'RESULT {tag} best val {s:.4f} at epoch {ep}; train {secs:.0f}s', flush=True)
