"""Writes adamw-step.pt, the TorchScript update kvcap's AdamW runs (dev.kvcap.train.AdamW).

One call updates every parameter with single fused torch operations (add_ with alpha, addcmul_,
addcdiv_): about 20 passes over each parameter's memory instead of the ~40 (both counted from
the code) that DJL's NDArray operations need (DJL has no add-with-alpha, addcmul or addcdiv), and one JNI call instead of
about 13 per parameter. Contiguous parameters are updated slice by slice (hyper[7] elements at a
time), so all the passes over a slice run in cache and the temporary sqrt(v) stays small.
Measured effect: docs/BENCHMARKS.md, "Lever 7".

The update, with k = min(1, clip / ||g||) (clip <= 0: k = 1) and t the step number:
    m <- beta1 m + (1 - beta1) k g
    v <- beta2 v + (1 - beta2) k^2 g^2
    w <- (1 - lr wd) w - lr sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + eps sqrt(1 - beta2^t))
    g <- 0
A non-finite global norm ||g|| changes nothing but the gradients, which are zeroed. Either way
the global norm (before clipping) is returned.

Usage (needs torch; Debian's python3-torch works):
    /usr/bin/python3 bench/pytorch/adamw_step.py kvcap-core/src/main/resources/dev/kvcap/train
"""
import math
import os
import sys
from typing import List

import torch


def update(w: torch.Tensor, g: torch.Tensor, m: torch.Tensor, v: torch.Tensor, beta1: float, beta2: float,
           a1: float, a2: float, decay: float, eps_hat: float, step_size: float):
    m.mul_(beta1).add_(g, alpha=a1)
    v.mul_(beta2).addcmul_(g, g, value=a2)
    if decay != 1.0:
        w.mul_(decay)
    w.addcdiv_(m, v.sqrt().add_(eps_hat), value=-step_size)
    g.zero_()


class AdamWStep(torch.nn.Module):
    def forward(self, params: List[torch.Tensor], grads: List[torch.Tensor], means: List[torch.Tensor],
                variances: List[torch.Tensor], hyper: List[float]) -> torch.Tensor:
        """hyper: lr, weight decay, clip norm (<= 0: none), step t, beta1, beta2, eps, slice size."""
        lr = hyper[0]
        weight_decay = hyper[1]
        clip = hyper[2]
        step = hyper[3]
        beta1 = hyper[4]
        beta2 = hyper[5]
        eps = hyper[6]
        norm = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads]))
        if not bool(torch.isfinite(norm)):
            for g in grads:
                g.zero_()
            return norm
        total = float(norm)
        k = clip / total if clip > 0.0 and total > clip else 1.0
        c1 = 1.0 - beta1 ** step
        c2 = 1.0 - beta2 ** step
        step_size = lr * math.sqrt(c2) / c1
        eps_hat = eps * math.sqrt(c2)
        chunk = int(hyper[7])
        decay = 1.0 - lr * weight_decay
        a1 = (1.0 - beta1) * k
        a2 = (1.0 - beta2) * k * k
        for i in range(len(params)):
            w = params[i]
            g = grads[i]
            m = means[i]
            v = variances[i]
            if w.is_contiguous() and g.is_contiguous() and m.is_contiguous() and v.is_contiguous():
                w = w.view(-1)
                g = g.view(-1)
                m = m.view(-1)
                v = v.view(-1)
                n = w.numel()
                for start in range(0, n, chunk):
                    end = min(start + chunk, n)
                    update(w[start:end], g[start:end], m[start:end], v[start:end],
                           beta1, beta2, a1, a2, decay, eps_hat, step_size)
            else:
                update(w, g, m, v, beta1, beta2, a1, a2, decay, eps_hat, step_size)
        return norm


if __name__ == "__main__":
    torch.jit.script(AdamWStep()).save(os.path.join(sys.argv[1], "adamw-step.pt"))
