"""Writes the two TorchScript helpers of kvcap's int8 decoder (--decoder-precision int8).

The decoding step of a captioner is a handful of matrix-vector products (three LSTMs, the memory's
query/erase/add maps, the attention query and the 10,000-word output layer: 17.7 M float32 weights,
about 70 MB, for vgg16). At batch 1 reading those weights is most of a step's time, and bfloat16
weights measured no faster on this CPU (docs/BF16.md). PyTorch's dynamic quantization reads them as
int8 instead, a quarter of the bytes (fbgemm's int8 kernels, AVX-512 VNNI where the CPU has it):

  int8-pack.pt    (w [N, K] float32, b [N] float32) -> packed int8 weights: each row w_n scaled by
                  max|w_n| / 127 (symmetric, per output channel), prepacked for fbgemm. Once per
                  weight matrix, when a model is loaded for captioning.
  int8-linear.pt  (x [.., K] float32, packed, reduce_range) -> x w^T + b [.., N] float32: x is
                  quantized to uint8 per call (its own min/max), multiplied in int8, rescaled.
                  reduce_range uses 7 of x's 8 bits, for CPUs without AVX-512 VNNI, whose 16-bit
                  intermediate sums could otherwise saturate (PyTorch's own default there).

DJL 0.36 cannot make quantized tensors; kvcap holds the packed weights as opaque TorchScript values
(dev.kvcap.model.Int8Linears). Measured effect and caption agreement: docs/BENCHMARKS.md, lever 12.

Usage (needs torch; Debian's python3-torch works):
    /usr/bin/python3 bench/pytorch/int8_linear.py kvcap-core/src/main/resources/dev/kvcap/model
"""
import os
import sys

import torch


class Int8Pack(torch.nn.Module):
    def forward(self, w: torch.Tensor, b: torch.Tensor) -> torch.classes.quantized.LinearPackedParamsBase:
        scale = w.abs().amax(1).clamp_min(1e-12) / 127.0
        zero = torch.zeros(w.size(0), dtype=torch.long)
        q = torch.quantize_per_channel(w.contiguous(), scale.double(), zero, 0, torch.qint8)
        return torch.ops.quantized.linear_prepack(q, b)


class Int8Linear(torch.nn.Module):
    def forward(self, x: torch.Tensor, packed: torch.classes.quantized.LinearPackedParamsBase,
                reduce_range: bool) -> torch.Tensor:
        return torch.ops.quantized.linear_dynamic(x, packed, reduce_range)


if __name__ == "__main__":
    out = sys.argv[1]
    torch.jit.script(Int8Pack()).save(os.path.join(out, "int8-pack.pt"))
    torch.jit.script(Int8Linear()).save(os.path.join(out, "int8-linear.pt"))
