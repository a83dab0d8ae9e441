"""How much a scripted (TorchScript) decoder step would save: the reference model's step, eager
against traced and frozen, same weights, same inputs, output checked equal (docs/BENCHMARKS.md,
"What remains"). Measures the potential of that lever before building it in kvcap.

Usage (Debian's python3-torch): /usr/bin/python3 bench/pytorch/scripted_step.py small vgg16
"""
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kvm_reference as R  # noqa: E402

VOCAB = 10000


def median_ms(fn, n=1500, warm=400):
    for _ in range(warm):
        fn()
    ts = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t0) * 1e3)
    ts.sort()
    return ts[len(ts) // 2]


class Step(torch.nn.Module):
    """The reference model's step over flat tensors, so that it can be traced."""

    def __init__(self, model):
        super().__init__()
        self.m = model

    def forward(self, regions, region_proj, glob, words, h1, c1, h2, c2, values, mh, mc):
        logits, ((h1, c1, h2, c2), (values, mh, mc)) = self.m.step(
            (regions, region_proj, glob), words, ((h1, c1, h2, c2), (values, mh, mc)))
        return torch.log_softmax(logits, -1), h1, c1, h2, c2, values, mh, mc


def main(presets):
    torch.set_num_threads(2)
    for preset in presets:
        c = R.Config(preset, R.PRESETS[preset])
        s = c.image_size
        torch.manual_seed(1)
        model = R.KvmCaptionModel(c, VOCAB).eval()
        with torch.inference_mode():
            for rows in (1, 3):
                ctx = R.repeat_ctx(model.encode(torch.randn(1, 3, s, s)), rows)
                (h1, c1, h2, c2), (values, mh, mc) = model.start(ctx)
                words = torch.full((rows,), R.START_ID, dtype=torch.long)
                args = (ctx[0], ctx[1], ctx[2], words, h1, c1, h2, c2, values.contiguous(), mh, mc)
                step = Step(model).eval()
                traced = torch.jit.freeze(torch.jit.trace(step, args))
                same = torch.allclose(step(*args)[0], traced(*args)[0], atol=1e-5)
                eager = median_ms(lambda: step(*args)[0].numpy())
                scripted = median_ms(lambda: traced(*args)[0].numpy())
                print(f"{preset} rows {rows}: eager {eager:.3f} ms, traced and frozen {scripted:.3f} ms "
                      f"({100 * (scripted / eager - 1):+.0f} %), same output: {same}")


if __name__ == "__main__":
    main(sys.argv[1:] or ["small", "vgg16"])
