#!/usr/bin/env python3
"""PyTorch reference implementation of kvcap's KVM captioner, for `kvcap bench --pytorch`.

The same model as kvcap's Java/DJL code (kvcap-core/src/main/java/dev/kvcap/model), layer for layer:

  ImageEncoder     VGG stages of 3x3 conv (+ optional batch norm) + ReLU, 2x2 max pool; the last
                   grid gives the regions [B, L, C]; flatten + FC(+ReLU) layers give global [B, Dg]
  WordEmbedding    one [V, E] table
  KeyValueMemory   LSTM controller on [word; global]; q = W_q h; w = softmax(K q / sqrt(E));
                   read r = w^T V; erase e = sigmoid(W_e h), add a = tanh(W_a h);
                   V <- V * (1 - w e^T) + w a^T
  CaptionDecoder   Up-Down: LSTM-1 on [h2; global; word], additive attention
                   e = w^T tanh(W_v v + W_h h1), deconvolution attention maps, LSTM-2 on
                   [context; h1; memory read], dropout, output layer
  AttentionMaps    logits [B, G*G] -> two stride-2 transposed convs (k4 s2 p1, ReLU between) ->
                   softmax over the 4G x 4G pixels -> summed over 4x4 blocks = region weights

and the same benchmark as kvcap's dev.kvcap.bench.Bench (same JSON keys), so the two can be put
side by side. Weights are random (they cost the same as trained ones); every caption is forced to
exactly --words words (min length = max length).

Differences from kvcap, all deliberate and all "what a PyTorch user would write":
  * The transposed convolutions are nn.ConvTranspose2d(k=4, s=2, p=1). DJL's PyTorch engine has
    no deconvolution. kvcap's parameters are those of the textbook identity (insert a zero after
    every pixel, an ordinary 4x4 conv with padding 2, crop), the same function up to a kernel flip;
    it computes it as one 2x2 conv of the four output phases (dev.kvcap.model.StrideTwoDeconv).
    `--quick` checks the identity.
  * LSTMs are nn.LSTMCell (kvcap: DJL LSTM parameters, one step written out as two linear maps
    and the gate math, dev.kvcap.model.LstmCell). Same parameters (i2h and h2h weights and both
    biases) and the same math.
  * Caption latency and batch figures run the encoder as kvcap's Captioner does: float32 with
    weights and images channels-last, then (the _bf16 figures) bfloat16 channels-last with the
    outputs back in float32, as kvcap --precision bf16 does (docs/BF16.md), then (the
    _bf16_int8 figures, and the _int8 steps) also with the layers kvcap's --decoder-precision
    int8 quantizes (INT8_LAYERS) through torch.ao.quantization.quantize_dynamic, int8 weights
    with one scale per output channel (kvcap: dev.kvcap.model.Int8Linears, the same
    quantized::linear_dynamic operator; the quantized nn.Linear here always quantizes its input
    to 7 bits, kvcap to 8 where the CPU has AVX-512 VNNI). The first step figures use the
    model as trained (NCHW). Training feeds the images channels-last, as kvcap's Trainer does
    (the weights stay NCHW), so the convolutions, batch norms and pools run channels-last; then
    (train_images_per_s_bf16) with the convolution stages under torch.autocast(bfloat16), as
    kvcap train --precision bf16 runs them (parameters and optimiser float32).
  * Loss is F.cross_entropy(ignore_index=0), the same masked mean as kvcap's CaptionLoss.
  * Optimiser is torch.optim.AdamW(weight_decay=0) after clip_grad_norm_(2.0), like the
    AdamW(0, 2) kvcap's bench uses (kvcap's own also skips non-finite updates, and runs its update
    as one scripted call of fused torch ops: bench/pytorch/adamw_step.py).
  * Beam candidates are chosen with torch.topk over [k*V] per image rather than a Java loop;
    same rules: <pad>/<start> never, <end> not before the minimum length, top 2k candidates,
    finished beams leave, k live beams kept.

Install (Debian, no PyPI): apt-get install -y python3-torch python3-pil python3-numpy libopenblas0-openmp
(Debian's torch does its float matmuls through the libblas.so.3 alternative: without OpenBLAS that
is the unoptimised reference BLAS, and every linear layer is many times slower.)
Run:   python3 bench/pytorch/kvm_reference.py --preset small --threads 2 --json out.json
Check: python3 bench/pytorch/kvm_reference.py --quick
"""

import argparse
import json
import math
import os
import platform
import random
import resource
import sys
import tempfile
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image, ImageDraw

PAD_ID, START_ID, END_ID, UNK_ID = 0, 1, 2, 3
SPECIALS = 4
MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)


# ---------------------------------------------------------------------------------------------
# Presets: copies of kvcap-core/src/main/java/dev/kvcap/config/Presets.java (model part) plus the training
# batch the bench uses (images >= 224: 8, otherwise the preset's batch size).
# ---------------------------------------------------------------------------------------------

PRESETS = {
    "tiny": dict(
        image_size=32, encoder_widths=[8, 16], convs_per_stage=[1, 1], batch_norm=True,
        fc_dims=[32], embed_dim=16, hidden_dim=32, attn_dim=16, use_memory=True, memory_slots=8,
        memory_value_dim=16, memory_controller_dim=16, use_deconv_maps=True, deconv_channels=4,
        dropout=0.0, global_proj=0, train_batch=8),
    "small": dict(
        image_size=64, encoder_widths=[32, 64, 128], convs_per_stage=[1, 2, 2], batch_norm=True,
        fc_dims=[256], embed_dim=128, hidden_dim=256, attn_dim=128, use_memory=True,
        memory_slots=32, memory_value_dim=128, memory_controller_dim=128, use_deconv_maps=True,
        deconv_channels=8, dropout=0.3, global_proj=0, train_batch=64),
    "vgg16": dict(
        image_size=224, encoder_widths=[64, 128, 256, 512, 512], convs_per_stage=[2, 2, 3, 3, 3],
        batch_norm=False, fc_dims=[4096, 4096], embed_dim=512, hidden_dim=512, attn_dim=512,
        use_memory=True, memory_slots=64, memory_value_dim=512, memory_controller_dim=512,
        use_deconv_maps=True, deconv_channels=16, dropout=0.5, global_proj=512, train_batch=8),
}


class Config:
    """ModelConfig with its derived sizes."""

    def __init__(self, name, d):
        self.name = name
        self.__dict__.update(d)
        self.stages = len(self.encoder_widths)
        self.grid = self.image_size >> self.stages
        self.regions = self.grid * self.grid
        self.region_dim = self.encoder_widths[-1]
        self.global_dim = self.fc_dims[-1] if self.fc_dims else self.regions * self.region_dim
        # kvcap's ModelConfig.contextDim(): what LSTM-1 and the memory controller read each step
        self.context_dim = self.global_proj if self.global_proj > 0 else self.global_dim


def expected_parameters(c, v):
    """kvcap's formula (KvmCaptionModelTest#expectedParameters), written out from the architecture."""

    def lstm(inp, hidden):
        return 4 * hidden * inp + 4 * hidden * hidden + 8 * hidden

    n = 0
    cin = 3
    for s in range(c.stages):
        w = c.encoder_widths[s]
        for _ in range(c.convs_per_stage[s]):
            n += 9 * cin * w + w + (2 * w if c.batch_norm else 0)
            cin = w
    inp = c.regions * c.region_dim
    for d in c.fc_dims:
        n += inp * d + d
        inp = d
    e, h, a, dg, cr = c.embed_dim, c.hidden_dim, c.attn_dim, c.context_dim, c.region_dim
    if c.global_proj > 0:
        n += c.global_dim * c.global_proj + c.global_proj
    n += v * e
    mem = 0
    if c.use_memory:
        k, dv, hm = c.memory_slots, c.memory_value_dim, c.memory_controller_dim
        n += k * e + k * dv + lstm(e + dg, hm) + (hm * e + e) + 2 * (hm * dv + dv)
        mem = dv
    n += lstm(h + dg + e, h) + lstm(cr + h + mem, h)
    n += cr * a + a + h * a + a + a
    if c.use_deconv_maps:
        ch = c.deconv_channels
        n += 16 * ch + ch + 16 * ch + 1
    n += h * v + v
    return n


# ---------------------------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------------------------


class ImageEncoder(nn.Module):
    """VGG-style CNN: images [B, 3, S, S] -> regions [B, L, C], global [B, Dg]."""

    def __init__(self, c):
        super().__init__()
        self.c = c
        layers = []
        cin = 3
        for s in range(c.stages):
            w = c.encoder_widths[s]
            for _ in range(c.convs_per_stage[s]):
                layers.append(nn.Conv2d(cin, w, 3, padding=1))
                if c.batch_norm:
                    layers.append(nn.BatchNorm2d(w))
                layers.append(nn.ReLU(inplace=True))
                cin = w
            layers.append(nn.MaxPool2d(2, 2))
        self.features = nn.Sequential(*layers)
        fcs = []
        inp = c.regions * c.region_dim
        for d in c.fc_dims:
            fcs += [nn.Linear(inp, d), nn.ReLU(inplace=True)]
            inp = d
        self.fc = nn.Sequential(*fcs)

    mixed = False  # train the convolution stages under bf16 autocast (kvcap train --precision bf16)

    def forward(self, images):
        if self.mixed and self.training:
            with torch.autocast("cpu", dtype=torch.bfloat16):
                x = self.features(images)
            x = x.float()
        else:
            x = self.features(images)  # [B, C, G, G]
        b = x.shape[0]
        regions = x.reshape(b, self.c.region_dim, self.c.regions).transpose(1, 2)  # [B, L, C]
        glob = self.fc(x.reshape(b, -1))  # [B, Dg]
        return regions, glob


class KeyValueMemory(nn.Module):
    """Key-value memory with an LSTM controller; one read-then-write per word."""

    def __init__(self, slots, key_dim, value_dim, controller_dim, global_dim):
        super().__init__()
        self.slots, self.key_dim, self.value_dim = slots, key_dim, value_dim
        self.controller_dim = controller_dim
        self.keys = nn.Parameter(torch.randn(slots, key_dim) * 0.1)  # [K, E]
        self.values = nn.Parameter(torch.randn(slots, value_dim) * 0.1)  # [K, Dv]
        self.controller = nn.LSTMCell(key_dim + global_dim, controller_dim)
        self.query = nn.Linear(controller_dim, key_dim)
        self.erase = nn.Linear(controller_dim, value_dim)
        self.add = nn.Linear(controller_dim, value_dim)
        self.scale = 1.0 / math.sqrt(key_dim)

    def initial_state(self, batch):
        values = self.values.unsqueeze(0).expand(batch, self.slots, self.value_dim)  # [B, K, Dv]
        zeros = self.values.new_zeros(batch, self.controller_dim)
        return values, zeros, zeros

    def step(self, word, glob, state):
        values, h, c = state
        h, c = self.controller(torch.cat([word, glob], 1), (h, c))  # [B, Hm]
        q = self.query(h)  # [B, E]
        weights = torch.softmax((q @ self.keys.t()) * self.scale, -1)  # [B, K]
        w = weights.unsqueeze(2)  # [B, K, 1]
        read = torch.bmm(w.transpose(1, 2), values).squeeze(1)  # [B, Dv]
        e = torch.sigmoid(self.erase(h))
        a = torch.tanh(self.add(h))
        values = values - values * (w * e.unsqueeze(1)) + w * a.unsqueeze(1)  # [B, K, Dv]
        return read, weights, (values, h, c)


def zero_insertion_deconv(x, conv_weight, bias):
    """kvcap's StrideTwoDeconv, for the equivalence check: zero after every pixel, conv k4 p2, crop."""
    b, ch, n, _ = x.shape
    cell = torch.zeros(b, ch, n, 2, n, 2, dtype=x.dtype)
    cell[:, :, :, 0, :, 0] = x
    y = F.conv2d(cell.reshape(b, ch, 2 * n, 2 * n), conv_weight, bias, padding=2)
    return y[:, :, : 2 * n, : 2 * n]


class AttentionMaps(nn.Module):
    """Logits [B, G*G] -> region weights [B, G*G] and pixel map [B, 16 G*G], both summing to 1.

    kvcap builds each transposed conv from zero insertion + an ordinary conv (DJL's PyTorch
    engine lacks deconvolution); nn.ConvTranspose2d is the same function (kernel flipped) with
    about a quarter of the multiply-adds.
    """

    def __init__(self, grid, channels):
        super().__init__()
        self.grid = grid
        self.up1 = nn.ConvTranspose2d(1, channels, 4, stride=2, padding=1)
        self.up2 = nn.ConvTranspose2d(channels, 1, 4, stride=2, padding=1)

    @torch.no_grad()
    def init_bilinear(self):
        """Both deconvs start as bilinear x2 upsampling (channel 0: +, channel 1: -), like kvcap."""
        k1 = torch.tensor([0.25, 0.75, 0.75, 0.25])
        kernel = torch.outer(k1, k1)
        self.up1.weight.zero_()  # [1, C, 4, 4]
        self.up2.weight.zero_()  # [C, 1, 4, 4]
        self.up1.weight[0, 0] = kernel
        self.up2.weight[0, 0] = kernel
        if self.up1.weight.shape[1] > 1:
            self.up1.weight[0, 1] = -kernel
            self.up2.weight[1, 0] = -kernel
        self.up1.bias.zero_()
        self.up2.bias.zero_()

    def forward(self, logits):
        b = logits.shape[0]
        g = self.grid
        x = logits.reshape(b, 1, g, g)
        x = self.up2(F.relu(self.up1(x)))  # [B, 1, 4G, 4G]
        pixels = torch.softmax(x.reshape(b, -1), -1)  # [B, 16 G*G]
        regions = pixels.reshape(b, g, 4, g, 4).sum((2, 4)).reshape(b, -1)  # [B, G*G]
        return regions, pixels


class CaptionDecoder(nn.Module):
    """Up-Down decoder: two LSTMs, additive attention (through the maps), output layer."""

    def __init__(self, c, vocab):
        super().__init__()
        self.c = c
        h, e, a, dg, cr = c.hidden_dim, c.embed_dim, c.attn_dim, c.context_dim, c.region_dim
        mem = c.memory_value_dim if c.use_memory else 0
        self.lstm1 = nn.LSTMCell(h + dg + e, h)
        self.lstm2 = nn.LSTMCell(cr + h + mem, h)
        self.att_region = nn.Linear(cr, a)
        self.att_hidden = nn.Linear(h, a)
        self.att_score = nn.Linear(a, 1, bias=False)
        self.maps = AttentionMaps(c.grid, c.deconv_channels) if c.use_deconv_maps else None
        self.drop = nn.Dropout(c.dropout)
        self.out = nn.Linear(h, vocab)

    def initial_state(self, batch, like):
        z = like.new_zeros(batch, self.c.hidden_dim)
        return z, z, z, z

    def step(self, word, ctx, memory_read, s):
        regions, region_proj, glob = ctx
        h1, c1, h2, c2 = s
        h1, c1 = self.lstm1(torch.cat([h2, glob, word], 1), (h1, c1))  # [B, H]
        q = self.att_hidden(h1).unsqueeze(1)  # [B, 1, A]
        logits = self.att_score(torch.tanh(region_proj + q)).squeeze(2)  # [B, L]
        if self.maps is not None:
            alpha, pixels = self.maps(logits)
        else:
            alpha = pixels = torch.softmax(logits, -1)
        context = torch.bmm(alpha.unsqueeze(1), regions).squeeze(1)  # [B, C]
        x2 = [context, h1] + ([memory_read] if memory_read is not None else [])
        h2, c2 = self.lstm2(torch.cat(x2, 1), (h2, c2))
        word_logits = self.out(self.drop(h2))  # [B, V]
        return word_logits, alpha, pixels, (h1, c1, h2, c2)


class KvmCaptionModel(nn.Module):
    """Encoder -> key-value memory -> decoder; teacher-forced forward() and step-wise decoding."""

    def __init__(self, c, vocab):
        super().__init__()
        self.c = c
        self.vocab = vocab
        self.encoder = ImageEncoder(c)
        self.embedding = nn.Embedding(vocab, c.embed_dim)
        self.memory = (
            KeyValueMemory(c.memory_slots, c.embed_dim, c.memory_value_dim,
                           c.memory_controller_dim, c.context_dim)
            if c.use_memory else None)
        # once per image: the global vector projected to context_dim (kvcap: model.globalProj)
        self.global_proj = nn.Linear(c.global_dim, c.global_proj) if c.global_proj > 0 else None
        self.decoder = CaptionDecoder(c, vocab)
        self.drop = nn.Dropout(c.dropout)
        # kvcap: Xavier for weights, zeros for biases (the memory's keys/values stay N(0, 0.1)).
        for name, p in self.named_parameters():
            if name.startswith("memory.keys") or name.startswith("memory.values"):
                continue
            if p.dim() >= 2:
                nn.init.xavier_uniform_(p)
            elif name.endswith("bias"):
                nn.init.zeros_(p)
        if self.decoder.maps is not None:
            self.decoder.maps.init_bilinear()

    def encode(self, images):
        regions, glob = self.encoder(images)
        if self.global_proj is not None:
            glob = self.global_proj(glob)
        return regions, self.decoder.att_region(regions), glob

    def start(self, ctx):
        b = ctx[2].shape[0]
        mem = self.memory.initial_state(b) if self.memory is not None else None
        return self.decoder.initial_state(b, ctx[2]), mem

    def step(self, ctx, words, state):
        return self._step_embedded(ctx, self.embedding(words), state)

    def _step_embedded(self, ctx, emb, state):
        lstm, mem = state
        read = None
        if self.memory is not None:
            read, _, mem = self.memory.step(emb, ctx[2], mem)
        logits, alpha, pixels, lstm = self.decoder.step(self.drop(emb), ctx, read, lstm)
        return logits, (lstm, mem)

    def forward(self, images, tokens):
        """images [B, 3, S, S], tokens [B, T] -> logits [B, T, V]."""
        ctx = self.encode(images)
        emb = self.embedding(tokens)  # [B, T, E]
        state = self.start(ctx)
        out = []
        for t in range(tokens.shape[1]):
            logits, state = self._step_embedded(ctx, emb[:, t], state)
            out.append(logits)
        return torch.stack(out, 1)


def repeat_ctx(ctx, n):
    return tuple(x.repeat_interleave(n, 0) for x in ctx) if n > 1 else ctx


def select_state(state, index):
    lstm, mem = state
    lstm = tuple(x.index_select(0, index) for x in lstm)
    if mem is not None:
        mem = tuple(x.index_select(0, index) for x in mem)
    return lstm, mem


# ---------------------------------------------------------------------------------------------
# Batched beam search (dev.kvcap.infer.CaptionSearch): one model step for all B*k rows.
# ---------------------------------------------------------------------------------------------


def beam_search(model, images, beam, max_len, min_len, length_penalty=0.0):
    """Returns per image up to k (words, logP, score, ended) tuples, best first."""

    def score(logp, length):
        return logp if length_penalty == 0 else logp / max(1, length) ** length_penalty

    b, k = images.shape[0], beam
    rows = b * k
    ctx = repeat_ctx(model.encode(images), k)
    state = model.start(ctx)
    live = [None] * rows  # (words, logP) per row; None = dead slot
    for i in range(b):
        live[i * k] = ([], 0.0)
    finished = [[] for _ in range(b)]
    done = [False] * b
    words = torch.full((rows,), START_ID, dtype=torch.long)
    for t in range(max_len):
        if all(done):
            break
        logits, state = model.step(ctx, words, state)
        logp = torch.log_softmax(logits, -1).double()  # [B*k, V], on the CPU already
        logp[:, PAD_ID] = -math.inf
        logp[:, START_ID] = -math.inf
        if t < min_len:  # every live caption has t words at step t
            logp[:, END_ID] = -math.inf
        base_lp = torch.tensor([p[1] if p is not None else -math.inf for p in live], dtype=torch.double)
        total = (logp + base_lp.unsqueeze(1)).view(b, k * model.vocab)
        top_s, top_i = total.topk(min(2 * k, k * model.vocab), 1)
        top_s, top_i = top_s.tolist(), top_i.tolist()
        source = [0] * rows
        next_words = words.tolist()
        next_live = [None] * rows
        for img in range(b):
            base = img * k
            source[base:base + k] = [base] * k
            if done[img]:
                continue
            kept = 0
            for s, flat in zip(top_s[img], top_i[img]):
                if kept >= k or s == -math.inf:
                    break
                j, w = divmod(flat, model.vocab)
                p = live[base + j]
                q = (p[0] + [w], s)
                if w == END_ID:
                    finished[img].append((p[0], s, score(s, len(p[0]) + 1), True))
                else:
                    next_live[base + kept] = q
                    source[base + kept] = base + j
                    next_words[base + kept] = w
                    kept += 1
            f = finished[img]
            if len(f) < k:
                done[img] = next_live[base] is None
            else:
                best_live = max((score(p[1], len(p[0])) for p in next_live[base:base + k] if p),
                                default=-math.inf)
                done[img] = max(h[2] for h in f) >= best_live
            if t == max_len - 1 or done[img]:
                if not done[img] or not f:
                    for p in next_live[base:base + k]:
                        if p is not None:
                            f.append((p[0], p[1], score(p[1], len(p[0])), False))
                done[img] = True
        live = next_live
        words = torch.tensor(next_words, dtype=torch.long)
        state = select_state(state, torch.tensor(source, dtype=torch.long))
    return [sorted(f, key=lambda h: -h[2])[:k] for f in finished]


# ---------------------------------------------------------------------------------------------
# Image preparation (dev.kvcap.data.ImageLoader): decode, stretch to S x S (halving with bilinear
# while at least twice too big, then one bilinear step), CHW floats with ImageNet mean/std.
# ---------------------------------------------------------------------------------------------


def prepare(path, size):
    img = Image.open(path).convert("RGB")
    w, h = img.size
    while w >= 2 * size or h >= 2 * size:
        w = w // 2 if w >= 2 * size else w
        h = h // 2 if h >= 2 * size else h
        img = img.resize((w, h), Image.BILINEAR)
    if (w, h) != (size, size):
        img = img.resize((size, size), Image.BILINEAR)
    x = (np.asarray(img, dtype=np.float32) / 255.0 - MEAN) / STD  # [S, S, 3]
    return torch.from_numpy(np.ascontiguousarray(x.transpose(2, 0, 1))).unsqueeze(0)


def photo_like(path, w=640, h=480):
    """Like kvcap's Bench.photoLike: stripes and ellipses, so JPEG decoding does real work."""
    r = random.Random(7)
    img = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(img)
    for y in range(0, h, 4):
        d.rectangle([0, y, w - 1, y + 3], fill=(r.randrange(256), y * 255 // h, 128))
    for _ in range(20):
        x0, y0 = r.randrange(w), r.randrange(h)
        d.ellipse([x0, y0, x0 + 20 + r.randrange(120), y0 + 20 + r.randrange(120)],
                  fill=(r.randrange(256), r.randrange(256), r.randrange(256)))
    img.save(path, "JPEG", quality=75)  # ImageIO's default quality


# ---------------------------------------------------------------------------------------------
# The benchmark (dev.kvcap.bench.Bench)
# ---------------------------------------------------------------------------------------------


WARMUP_SECONDS = [0.0]  # set by --warmup-seconds; kvcap's Bench.DEFAULT_WARMUP_MILLIS


def timed(warmup, runs, body, min_seconds=None):
    """body() warmup times and for at least min_seconds (default: --warmup-seconds) unmeasured,
    then runs times measured, like kvcap's Timing.of."""
    min_seconds = WARMUP_SECONDS[0] if min_seconds is None else min_seconds
    start = time.perf_counter()
    i = 0
    while i < warmup or time.perf_counter() - start < min_seconds:
        body()
        i += 1
    ms = []
    for _ in range(runs):
        t0 = time.perf_counter()
        body()
        ms.append((time.perf_counter() - t0) * 1e3)
    return ms


def percentile(ms, p):
    """Nearest rank, like kvcap's Timing."""
    s = sorted(ms)
    i = math.ceil(p / 100.0 * len(s)) - 1
    return s[max(0, min(len(s) - 1, i))]


def bench(c, vocab, words, warmup, runs, image, threads, log):
    out = {"preset": c.name, "image_size": c.image_size, "threads": threads, "words": words,
           "implementation": "pytorch", "torch_version": torch.__version__}
    torch.manual_seed(1)
    model = KvmCaptionModel(c, vocab)
    params = sum(p.numel() for p in model.parameters())
    expected = expected_parameters(c, vocab)
    log(f"parameters: {params:,} (kvcap's formula: {expected:,})")
    assert params == expected, f"parameter count {params} != kvcap's {expected}"
    out["parameters"] = params
    s = c.image_size

    model.eval()
    decoder_steps(model, s, warmup, runs, out, "", log)

    # Caption latency and batches as kvcap's Captioner runs them: the encoder's convolutions
    # channels-last in float32, then the encoder in bfloat16 (kvcap --precision bf16).
    model.eval()
    # Then the decoder's weight matrices in int8 as well (kvcap --precision bf16
    # --decoder-precision int8): PyTorch's dynamic quantization of the same layers.
    for suffix, convert in (("", encode_channels_last), ("_bf16", encode_in_bf16),
                            ("_bf16_int8", quantize_decoder)):
        convert(model)
        if suffix == "_bf16_int8":
            decoder_steps(model, s, warmup, runs, out, "_int8", log)
        with torch.inference_mode():
            holder = {}
            prep = timed(warmup, runs, lambda: holder.__setitem__("x", prepare(image, s)))
            enc = timed(warmup, runs, lambda: model.encode(holder["x"])[2].numpy())
            caps = []
            total = timed(warmup, runs,
                          lambda: caps.append(beam_search(model, prepare(image, s), 3, words, words)))
            n_words = len(caps[-1][0][0][0])
            assert n_words == words, f"caption has {n_words} words, wanted {words}"
            out["latency_ms_median" + suffix] = percentile(total, 50)
            out["latency_ms_p90" + suffix] = percentile(total, 90)
            out["prepare_ms_median" + suffix] = percentile(prep, 50)
            out["encoder_ms_median" + suffix] = percentile(enc, 50)
            out["decoder_ms_median" + suffix] = max(0.0, out["latency_ms_median" + suffix]
                                                    - out["prepare_ms_median" + suffix]
                                                    - out["encoder_ms_median" + suffix])
            log(f"{suffix[1:] or 'fp32'} caption {out['latency_ms_median' + suffix]:.1f} ms "
                f"(prepare {out['prepare_ms_median' + suffix]:.1f}, encoder {out['encoder_ms_median' + suffix]:.1f})")
            batches(model, image, s, words, runs, out, suffix)

    # Training: teacher-forced step on random images and tokens of length words + 1.
    torch.manual_seed(1)
    model = KvmCaptionModel(c, vocab)  # a fresh model: the one above is converted, like kvcap's
    model.train()
    batch = c.train_batch
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, betas=(0.9, 0.999), eps=1e-8,
                            weight_decay=0.0)
    gen = torch.Generator().manual_seed(1)

    def train_step():
        images = torch.randn(batch, 3, s, s).contiguous(memory_format=torch.channels_last)
        tokens = torch.randint(SPECIALS, vocab, (batch, words + 1), generator=gen)
        logits = model(images, tokens[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, vocab), tokens[:, 1:].reshape(-1), ignore_index=PAD_ID)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 2.0)
        if torch.isfinite(norm):
            opt.step()

    out["train_batch"] = batch
    for suffix in ("", "_bf16"):
        model.encoder.mixed = suffix == "_bf16"  # then: the convolution stages under bf16 autocast
        ms = timed(max(1, warmup), max(2, runs // 2), train_step, min_seconds=0.0)
        out["train_step_ms_median" + suffix] = percentile(ms, 50)
        out["train_images_per_s" + suffix] = batch * 1000.0 / out["train_step_ms_median" + suffix]
        log(f"train {out['train_images_per_s' + suffix]:.1f} images/s (batch {batch}"
            f"{', bf16 convolutions' if suffix else ''})")

    out["peak_rss_mib"] = peak_rss_mib()
    return out


BATCHES = (8, 32)


def batches(model, image, s, words, runs, out, suffix):
    """Batch captioning like kvcap's Bench.batches: b JPEGs prepared, one batched beam search."""
    for b in BATCHES:
        ms = timed(1, max(2, runs // 3),
                   lambda: beam_search(model, torch.cat([prepare(image, s) for _ in range(b)]), 3, words, words),
                   min_seconds=0.0)
        out[f"batch{b}_images_per_s{suffix}"] = b * 1000.0 / percentile(ms, 50)
    log_line = ", ".join(f"batch {b}: {out[f'batch{b}_images_per_s{suffix}']:.1f} img/s" for b in BATCHES)
    print(f"pytorch bench: {suffix[1:] or 'fp32'}: {log_line}", file=sys.stderr, flush=True)


def decoder_steps(model, s, warmup, runs, out, suffix, log):
    """Decoder cost per step at 1 and 3 rows (same state every time, like kvcap)."""
    with torch.inference_mode():
        for rows in (1, 3):
            ctx = repeat_ctx(model.encode(torch.randn(1, 3, s, s)), rows)
            state = model.start(ctx)
            prev = torch.full((rows,), START_ID, dtype=torch.long)
            ms = timed(warmup * 5, runs * 5,
                       lambda: torch.log_softmax(model.step(ctx, prev, state)[0], -1).numpy())
            out[f"decoder_step_ms_batch{rows}{suffix}"] = percentile(ms, 50)
    log(f"step{suffix} b1 {out['decoder_step_ms_batch1' + suffix]:.2f} ms, "
        f"b3 {out['decoder_step_ms_batch3' + suffix]:.2f} ms")


# The layers kvcap's --decoder-precision int8 runs with int8 weights (one scale per output row):
# what each decoding step multiplies by. att_region (once per image) and att_score stay float32.
INT8_LAYERS = {"decoder": ("lstm1", "lstm2", "att_hidden", "out"),
               "memory": ("controller", "query", "erase", "add")}


def quantize_decoder(model):
    """PyTorch's dynamic quantization (per-channel int8 weights) of kvcap's int8 layers, in place."""
    from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic
    for parent, names in INT8_LAYERS.items():
        module = getattr(model, parent, None)
        if module is not None:
            quantize_dynamic(module, {n: per_channel_dynamic_qconfig for n in names}, inplace=True)


def encode_channels_last(model):
    """Makes the encoder's weights channels-last and wraps forward so images go in channels-last
    (float32 values unchanged), as kvcap's Captioner does by default."""
    encoder = model.encoder
    encoder.to(memory_format=torch.channels_last)
    forward = encoder.forward

    def channels_last_forward(images):
        return forward(images.contiguous(memory_format=torch.channels_last))

    encoder.forward = channels_last_forward


def encode_in_bf16(model):
    """Converts the encoder's weights to bfloat16 (conv weights channels-last) and wraps forward so
    images go in as bfloat16 channels-last and regions / global vector come out float32."""
    encoder = model.encoder
    encoder.to(torch.bfloat16).to(memory_format=torch.channels_last)
    forward = encoder.forward

    def bf16_forward(images):
        regions, glob = forward(images.to(torch.bfloat16).contiguous(memory_format=torch.channels_last))
        return regions.float(), glob.float()

    encoder.forward = bf16_forward


def peak_rss_mib():
    """This process's peak RSS (VmHWM), as kvcap measures its own. ru_maxrss is not used: a child
    started by the JVM (kvcap bench --pytorch) inherits the parent's maxrss across fork."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def self_checks(log):
    """Cheap correctness checks run by --quick."""
    torch.manual_seed(0)
    # 1. ConvTranspose2d(k4, s2, p1) == kvcap's zero insertion + conv(k4, p2) + crop, kernel flipped.
    deconv = nn.ConvTranspose2d(3, 5, 4, stride=2, padding=1)
    x = torch.randn(2, 3, 4, 4)
    conv_w = deconv.weight.transpose(0, 1).flip(2, 3)  # [out, in, 4, 4]
    with torch.no_grad():
        diff = (deconv(x) - zero_insertion_deconv(x, conv_w, deconv.bias)).abs().max().item()
    assert diff < 1e-5, f"deconv mismatch {diff}"
    # 2. Bilinear maps: region weights sum to one; pixel map is a 4x upsampling of the logits' shape.
    maps = AttentionMaps(4, 3)
    maps.init_bilinear()
    with torch.no_grad():
        regions, pixels = maps(torch.randn(2, 16))
    assert torch.allclose(regions.sum(1), torch.ones(2), atol=1e-5)
    assert pixels.shape == (2, 256)
    # 3. Every preset's parameter count matches kvcap's formula.
    for name, d in PRESETS.items():
        c = Config(name, d)
        m = KvmCaptionModel(c, 1000) if name != "vgg16" else None
        if m is not None:
            assert sum(p.numel() for p in m.parameters()) == expected_parameters(c, 1000), name
    # 4. Beam search: exactly the forced length, and each hypothesis' logP is what the
    #    teacher-forced forward() gives its words (so stepping, reordering and scoring agree).
    c = Config("tiny", PRESETS["tiny"])
    m = KvmCaptionModel(c, 50).eval()
    with torch.inference_mode():
        images = torch.randn(2, 3, c.image_size, c.image_size)
        hyps = beam_search(m, images, 3, 5, 5)
        for i, per_image in enumerate(hyps):
            assert len(per_image) == 3 and all(len(h[0]) == 5 and not h[3] for h in per_image)
            for words, logp, _, _ in per_image:
                tokens = torch.tensor([[START_ID] + words[:-1]])
                lp = torch.log_softmax(m(images[i:i + 1], tokens), -1)[0]
                again = lp.gather(1, torch.tensor(words).unsqueeze(1)).sum().item()
                assert abs(again - logp) < 1e-3, (again, logp)
    log(f"self-checks passed (deconv max |diff| {diff:.2e}; beam logP = teacher-forced logP)")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--preset", default="tiny", choices=sorted(PRESETS))
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--words", type=int, default=12)
    ap.add_argument("--vocab", type=int, default=10000)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--warmup-seconds", type=float, default=3.0,
                    help="least warm-up time of each latency and step figure (kvcap bench: 3 s, 0 with --quick)")
    ap.add_argument("--image", help="JPEG to caption (kvcap bench passes its own); default: a generated 640x480 one")
    ap.add_argument("--quick", action="store_true",
                    help="like kvcap bench --quick: vocab 50, 4 words, 1 warm-up, 3 runs; plus self-checks")
    ap.add_argument("--json", help="also write the JSON report here")
    a = ap.parse_args(argv)
    if a.quick:
        a.vocab, a.words, a.warmup, a.runs, a.warmup_seconds = 50, 4, 1, 3, 0.0
    WARMUP_SECONDS[0] = a.warmup_seconds
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)

    def log(msg):
        print("pytorch bench: " + msg, file=sys.stderr, flush=True)

    if a.quick:
        self_checks(log)
    blas = blas_library()
    if "openblas" not in blas and "mkl" not in blas:
        log(f"WARNING: BLAS is {blas}: linear layers will be many times slower than with an "
            "optimised BLAS; apt-get install libopenblas0-openmp")
    log(f"{a.preset} (torch {torch.__version__}, {a.threads} threads) ...")
    with tempfile.TemporaryDirectory(prefix="kvm-ref") as tmp:
        image = a.image
        if image is None:
            image = os.path.join(tmp, "bench.jpg")
            photo_like(image)
        report = bench(Config(a.preset, PRESETS[a.preset]), a.vocab, a.words, a.warmup, a.runs,
                       image, a.threads, log)
    report["cpu"] = cpu()
    report["blas"] = blas
    text = json.dumps(report, indent=2)
    print(text)
    if a.json:
        tmp_path = a.json + ".tmp"
        with open(tmp_path, "w") as f:
            f.write(text + "\n")
        os.replace(tmp_path, a.json)
    return 0


def blas_library():
    """The BLAS this process loaded (Debian's torch links the generic libblas.so.3 alternative)."""
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f
                    if "blas" in line.lower() and "lapack" not in line.lower() and "/" in line}
    except OSError:
        return "unknown"
    return ", ".join(sorted(os.path.realpath(x) for x in libs)) or "none"


def cpu():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return f"{line.split(':', 1)[1].strip()}, {os.cpu_count()} cores"
    except OSError:
        pass
    return f"{platform.machine()}, {os.cpu_count()} cores"


if __name__ == "__main__":
    sys.exit(main())
