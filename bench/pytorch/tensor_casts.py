"""Writes the two TorchScript helpers kvcap uses to lay out its image encoder (docs/BF16.md).

DJL 0.36 has no way to make bfloat16 tensors (NDArray.toType(BFLOAT16) aborts the JVM) nor to
change a tensor's memory format, so kvcap runs these scripted modules on its tensors instead:

  channels-last.pt  4-D tensors -> channels-last (same values); anything else unchanged.
                    kvcap's float32 inference: oneDNN convolutions without reorders.
  bf16-cast.pt      float32 -> bfloat16, 4-D tensors also channels-last; anything else -> float32.
                    kvcap --precision bf16.

Usage (needs torch; Debian's python3-torch works):
    /usr/bin/python3 bench/pytorch/tensor_casts.py kvcap-core/src/main/resources/dev/kvcap/model
"""
import os
import sys

import torch


class ChannelsLast(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() == 4:
            return x.contiguous(memory_format=torch.channels_last)
        return x


class Bf16Cast(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dtype == torch.float32:
            y = x.to(torch.bfloat16)
            if y.dim() == 4:
                y = y.contiguous(memory_format=torch.channels_last)
            return y
        return x.to(torch.float32)


if __name__ == "__main__":
    out = sys.argv[1]
    torch.jit.script(ChannelsLast()).save(os.path.join(out, "channels-last.pt"))
    torch.jit.script(Bf16Cast()).save(os.path.join(out, "bf16-cast.pt"))
