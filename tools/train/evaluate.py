"""Measurements on a trained model: held-out loss, draft/target agreement, generation.

Held-out loss is defined once, here (VALIDATION_DEFINITION); the C++ test recomputes it.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from data import chunks, padded_batch
from model import Llama

VALIDATION_DEFINITION = (
    "mean per-token cross-entropy (natural log) over the held-out stories: the file is split "
    "into stories at blank lines (text.rstrip('\\n').split('\\n\\n')); each story is encoded "
    "on its own as [BOS] + sentencepiece ids + [EOS] and run from position 0; every token "
    "after BOS is predicted from the tokens before it; the sum of -log p(token) over all "
    "predicted tokens of all stories is divided by their count (validation_tokens)")
EVAL_BATCH = 16  # stories per forward pass; any value gives the same result


@torch.no_grad()
def heldout_loss(model: Llama, sequences: list[list[int]]) -> tuple[float, int]:
    """(mean cross-entropy in nats per predicted token, number of predicted tokens)."""
    model.eval()
    total, count = 0.0, 0
    for group in chunks(sequences, EVAL_BATCH):
        tokens, mask = padded_batch(group)
        logits = model(tokens[:, :-1]).double()
        losses = F.cross_entropy(logits.transpose(1, 2), tokens[:, 1:], reduction="none")
        valid = mask[:, 1:]
        total += losses[valid].sum().item()
        count += int(valid.sum())
    return total / count, count


@torch.no_grad()
def top1_agreement(draft: Llama, target: Llama, sequences: list[list[int]]) -> tuple[float, int]:
    """Fraction of held-out positions where the draft's argmax equals the target's."""
    draft.eval(), target.eval()
    same, count = 0, 0
    for group in chunks(sequences, EVAL_BATCH):
        tokens, mask = padded_batch(group)
        valid = mask[:, 1:]
        a = draft(tokens[:, :-1]).argmax(-1)
        b = target(tokens[:, :-1]).argmax(-1)
        same += int((a == b)[valid].sum())
        count += int(valid.sum())
    return same / count, count


@torch.no_grad()
def generate(model: Llama, prompt: list[int], max_new: int, temperature: float = 0.0,
             seed: int = 0, stop: int | None = None) -> list[int]:
    """Continues prompt by up to max_new tokens (fewer at `stop` or the context's end):
    greedy when temperature is 0, else sampling from softmax(logits / temperature) with a
    generator seeded by `seed`."""
    model.eval()
    generator = torch.Generator().manual_seed(seed)
    cache = model.new_cache()
    out: list[int] = []
    logits = model(torch.tensor([prompt]), cache)[0, -1]
    while len(out) < max_new and len(prompt) + len(out) < model.config.context_length:
        if temperature == 0.0:
            next_id = int(logits.argmax())
        else:
            probs = F.softmax(logits.double() / temperature, dim=-1)
            next_id = int(torch.multinomial(probs, 1, generator=generator))
        out.append(next_id)
        if next_id == stop:
            break
        logits = model(torch.tensor([[next_id]]), cache)[0, -1]
    return out
