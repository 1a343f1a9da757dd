"""A Llama-architecture language model in PyTorch, written for DecodeLab.

The layout matches what the C++ engine (core/engine) and GGUF's llama architecture
expect, so export is a plain copy of every tensor:
  * RMSNorm before attention and before the feed-forward block, and before the classifier;
  * rotary position embeddings in the ADJACENT-PAIR convention: (x[2i], x[2i+1]) of every
    head is rotated by pos * base^(-2i/head_dim) (GGUF llama / llama2.c, no permutation);
  * grouped-query attention: query head h reads key/value head h // (n_heads/n_kv_heads);
  * SwiGLU feed-forward: w2(silu(w1 x) * w3 x), w1 = gate, w3 = up, w2 = down;
  * every nn.Linear has bias=False and weight [out][in], the engine's RowMatrix layout.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn


@dataclass
class LlamaConfig:
    dim: int
    n_layers: int
    n_heads: int
    n_kv_heads: int
    hidden_dim: int
    vocab_size: int
    context_length: int = 512
    rope_freq_base: float = 10000.0
    rms_eps: float = 1e-5
    tied_output: bool = True

    @property
    def head_dim(self) -> int:
        return self.dim // self.n_heads

    def validate(self) -> None:
        assert self.dim % self.n_heads == 0, "dim must be a multiple of n_heads"
        assert self.n_heads % self.n_kv_heads == 0, "n_heads must be a multiple of n_kv_heads"
        assert self.head_dim % 2 == 0, "RoPE needs an even head_dim"

    def to_dict(self) -> dict:
        return asdict(self)


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        scale = torch.rsqrt(x.pow(2).mean(dim=-1, keepdim=True) + self.eps)
        return x * scale * self.weight


def rope_tables(head_dim: int, positions: torch.Tensor, base: float):
    """cos and sin, [len(positions)][head_dim/2], of pos * base^(-2i/head_dim).

    Computed in float64 and rounded once, as the C++ engine does, so the two agree to
    float32 precision even at large positions.
    """
    i = torch.arange(head_dim // 2, dtype=torch.float64)
    freqs = base ** (-2.0 * i / head_dim)
    angles = positions.to(torch.float64)[:, None] * freqs[None, :]
    return torch.cos(angles).float(), torch.sin(angles).float()


def apply_rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """Rotates adjacent pairs of x [batch][seq][heads][head_dim]; cos/sin are [seq][head_dim/2]."""
    pairs = x.reshape(*x.shape[:-1], -1, 2)
    x0, x1 = pairs[..., 0], pairs[..., 1]
    cos, sin = cos[:, None, :], sin[:, None, :]  # broadcast over heads
    return torch.stack((x0 * cos - x1 * sin, x0 * sin + x1 * cos), dim=-1).flatten(-2)


class Attention(nn.Module):
    def __init__(self, config: LlamaConfig):
        super().__init__()
        self.n_heads = config.n_heads
        self.n_kv_heads = config.n_kv_heads
        self.head_dim = config.head_dim
        self.wq = nn.Linear(config.dim, config.n_heads * self.head_dim, bias=False)
        self.wk = nn.Linear(config.dim, config.n_kv_heads * self.head_dim, bias=False)
        self.wv = nn.Linear(config.dim, config.n_kv_heads * self.head_dim, bias=False)
        self.wo = nn.Linear(config.n_heads * self.head_dim, config.dim, bias=False)

    def forward(self, x, cos, sin, mask, cache=None):
        batch, seq, _ = x.shape
        kv, group, hd = self.n_kv_heads, self.n_heads // self.n_kv_heads, self.head_dim
        q = apply_rope(self.wq(x).view(batch, seq, self.n_heads, hd), cos, sin)
        k = apply_rope(self.wk(x).view(batch, seq, kv, hd), cos, sin)
        v = self.wv(x).view(batch, seq, kv, hd)
        # Query head h reads KV head h // group. Rather than copying K and V once per query
        # head, stack each KV head's `group` query heads along the sequence axis, so one
        # batched matmul serves them all: [batch][kv][group*seq][head_dim].
        q = q.view(batch, seq, kv, group, hd).permute(0, 2, 3, 1, 4).reshape(batch, kv, group * seq, hd)
        k = k.permute(0, 2, 3, 1)  # [batch][kv][head_dim][seq]
        v = v.transpose(1, 2)      # [batch][kv][seq][head_dim]
        if cache is not None:      # generation: earlier positions' keys and values
            if "k" in cache:
                k = torch.cat((cache["k"], k), dim=-1)
                v = torch.cat((cache["v"], v), dim=-2)
            cache["k"], cache["v"] = k, v
        keys = k.shape[-1]
        scores = (q * (1.0 / math.sqrt(hd))) @ k
        scores = scores.view(batch, kv, group, seq, keys) + mask
        probs = F.softmax(scores, dim=-1).view(batch, kv, group * seq, keys)
        out = (probs @ v).view(batch, kv, group, seq, hd).permute(0, 3, 1, 2, 4)
        return self.wo(out.reshape(batch, seq, self.n_heads * hd))


class FeedForward(nn.Module):
    def __init__(self, config: LlamaConfig):
        super().__init__()
        self.w1 = nn.Linear(config.dim, config.hidden_dim, bias=False)  # gate
        self.w3 = nn.Linear(config.dim, config.hidden_dim, bias=False)  # up
        self.w2 = nn.Linear(config.hidden_dim, config.dim, bias=False)  # down

    def forward(self, x):
        return self.w2(F.silu(self.w1(x)) * self.w3(x))


class Block(nn.Module):
    def __init__(self, config: LlamaConfig):
        super().__init__()
        self.attention_norm = RMSNorm(config.dim, config.rms_eps)
        self.attention = Attention(config)
        self.ffn_norm = RMSNorm(config.dim, config.rms_eps)
        self.feed_forward = FeedForward(config)

    def forward(self, x, cos, sin, mask, cache=None):
        x = x + self.attention(self.attention_norm(x), cos, sin, mask, cache)
        return x + self.feed_forward(self.ffn_norm(x))


class Llama(nn.Module):
    def __init__(self, config: LlamaConfig):
        super().__init__()
        config.validate()
        self.config = config
        self.tok_embeddings = nn.Embedding(config.vocab_size, config.dim)
        self.layers = nn.ModuleList(Block(config) for _ in range(config.n_layers))
        self.norm = RMSNorm(config.dim, config.rms_eps)
        self.output = None
        if not config.tied_output:
            self.output = nn.Linear(config.dim, config.vocab_size, bias=False)
        self._init_weights()

    def _init_weights(self) -> None:
        # GPT-2 style: small normal weights; the projections that write into the residual
        # stream are scaled down by depth so the stream's variance stays near 1.
        for name, p in self.named_parameters():
            if p.dim() == 2:
                std = 0.02
                if name.endswith("wo.weight") or name.endswith("w2.weight"):
                    std = 0.02 / math.sqrt(2 * self.config.n_layers)
                nn.init.normal_(p, mean=0.0, std=std)

    def classifier_weight(self) -> torch.Tensor:
        return self.tok_embeddings.weight if self.output is None else self.output.weight

    def forward(self, tokens: torch.Tensor, cache: list[dict] | None = None) -> torch.Tensor:
        """Logits [batch][seq][vocab] for tokens [batch][seq].

        Without a cache the tokens sit at positions 0..seq-1. With one (a list holding a
        dict per layer, empty at first) they continue the positions the cache holds, and
        their keys and values are appended to it: incremental decoding."""
        start = cache[0]["k"].shape[-1] if cache and "k" in cache[0] else 0
        seq = tokens.shape[1]
        positions = torch.arange(start, start + seq)
        cos, sin = rope_tables(self.config.head_dim, positions, self.config.rope_freq_base)
        # position start+i sees keys 0..start+i
        mask = torch.full((seq, start + seq), float("-inf")).triu(start + 1)
        x = self.tok_embeddings(tokens)
        for i, layer in enumerate(self.layers):
            x = layer(x, cos.type_as(x), sin.type_as(x), mask.type_as(x),
                      None if cache is None else cache[i])
        return self.norm(x) @ self.classifier_weight().t()

    def new_cache(self) -> list[dict]:
        return [dict() for _ in self.layers]

    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())


def round_to_f16(model: Llama) -> None:
    """Rounds the weights to what the shipped GGUF holds: matrices (embedding included)
    in F16, norm vectors kept in F32 (core/model/gguf_writer.cpp writes them so)."""
    with torch.no_grad():
        for p in model.parameters():
            if p.dim() == 2:
                p.copy_(p.half().float())
