"""Writes the TorchScript helper kvcap uses for bf16 inference (docs/BF16.md).

DJL 0.36's PyTorch JNI has no bfloat16 data type (NDArray.toType(BFLOAT16) aborts the JVM), so
kvcap converts tensors through this scripted module instead: float32 -> bfloat16 (4-D tensors also
to channels-last, the layout oneDNN's AMX convolutions want), anything else -> float32.

Usage (needs torch; Debian's python3-torch works):
    /usr/bin/python3 bench/pytorch/bf16_cast.py src/main/resources/dev/kvcap/model/bf16-cast.pt
"""
import sys

import torch


class Bf16Cast(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dtype == torch.float32:
            y = x.to(torch.bfloat16)
            if y.dim() == 4:
                y = y.contiguous(memory_format=torch.channels_last)
            return y
        return x.to(torch.float32)


if __name__ == "__main__":
    torch.jit.script(Bf16Cast()).save(sys.argv[1])
