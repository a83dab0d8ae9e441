"""Writes adamw-step.pt, the TorchScript update kvcap's AdamW runs (dev.kvcap.train.AdamW).

One call updates every parameter with single fused torch operations (add_ with alpha, addcmul_,
addcdiv_), about 20 passes over each parameter's memory instead of the ~40 that DJL's NDArray
operations need (DJL has no add-with-alpha, addcmul or addcdiv), and one JNI call instead of
about 13 per parameter. Measured effect: docs/BENCHMARKS.md, "Lever 7".

The update, with k = min(1, clip / ||g||) (clip <= 0: k = 1) and t the step number:
    m <- beta1 m + (1 - beta1) k g
    v <- beta2 v + (1 - beta2) k^2 g^2
    w <- (1 - lr wd) w - lr sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + eps sqrt(1 - beta2^t))
    g <- 0
A non-finite global norm ||g|| changes nothing but the gradients, which are zeroed. Either way
the global norm (before clipping) is returned.

Usage (needs torch; Debian's python3-torch works):
    /usr/bin/python3 bench/pytorch/adamw_step.py src/main/resources/dev/kvcap/train
"""
import math
import os
import sys
from typing import List

import torch


class AdamWStep(torch.nn.Module):
    def forward(self, params: List[torch.Tensor], grads: List[torch.Tensor], means: List[torch.Tensor],
                variances: List[torch.Tensor], hyper: List[float]) -> torch.Tensor:
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
        n = float(norm)
        k = clip / n if clip > 0.0 and n > clip else 1.0
        c1 = 1.0 - beta1 ** step
        c2 = 1.0 - beta2 ** step
        step_size = lr * math.sqrt(c2) / c1
        eps_hat = eps * math.sqrt(c2)
        for i in range(len(params)):
            w = params[i]
            g = grads[i]
            m = means[i]
            v = variances[i]
            m.mul_(beta1).add_(g, alpha=(1.0 - beta1) * k)
            v.mul_(beta2).addcmul_(g, g, value=(1.0 - beta2) * k * k)
            if weight_decay > 0.0:
                w.mul_(1.0 - lr * weight_decay)
            w.addcdiv_(m, v.sqrt().add_(eps_hat), value=-step_size)
            g.zero_()
        return norm


if __name__ == "__main__":
    torch.jit.script(AdamWStep()).save(os.path.join(sys.argv[1], "adamw-step.pt"))
