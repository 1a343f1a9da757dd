"""Stories in, token tensors out: the one place that defines how text becomes training data.

A corpus file (tools/storygen) holds stories separated by exactly one empty line; a story
never contains an empty line. Every story is encoded as [BOS] + sentencepiece ids + [EOS],
the same sequence the C++ engine scores when it evaluates the held-out set.
"""
from __future__ import annotations

import sentencepiece as spm
import torch

BOS_ID = 1
EOS_ID = 2


def read_stories(path: str) -> list[str]:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    return [s for s in text.rstrip("\n").split("\n\n") if s]


def load_tokenizer(path: str) -> spm.SentencePieceProcessor:
    sp = spm.SentencePieceProcessor(model_file=path)
    assert sp.bos_id() == BOS_ID and sp.eos_id() == EOS_ID and sp.unk_id() == 0, \
        "tokenizer must use unk=0 bos=1 eos=2"
    return sp


def encode_story(sp: spm.SentencePieceProcessor, story: str) -> list[int]:
    return [BOS_ID] + sp.encode(story) + [EOS_ID]


def encode_stories(sp: spm.SentencePieceProcessor, stories: list[str]) -> list[list[int]]:
    return [encode_story(sp, s) for s in stories]


def pack_windows(sequences: list[list[int]], window: int) -> torch.Tensor:
    """Concatenates the sequences in order and cuts the stream into rows of window+1
    tokens, consecutive rows overlapping by one token, so every token after the first is
    a prediction target exactly once. The incomplete tail is dropped. [rows][window+1]"""
    stream = torch.tensor([t for seq in sequences for t in seq], dtype=torch.long)
    rows = (len(stream) - 1) // window
    starts = torch.arange(rows) * window
    return torch.stack([stream[s:s + window + 1] for s in starts.tolist()])


class WindowBatches:
    """Deterministic batches of training windows: each epoch visits every window once in
    an order drawn from a generator seeded with (seed, epoch), so a run can be repeated
    exactly and does not depend on global random state."""

    def __init__(self, windows: torch.Tensor, batch_windows: int, seed: int):
        self.windows = windows
        self.batch_windows = batch_windows
        self.seed = seed
        self.batches_per_epoch = len(windows) // batch_windows

    def batch(self, step: int) -> torch.Tensor:
        epoch, index = divmod(step, self.batches_per_epoch)
        generator = torch.Generator().manual_seed(self.seed * 1000 + epoch)
        order = torch.randperm(len(self.windows), generator=generator)
        rows = order[index * self.batch_windows:(index + 1) * self.batch_windows]
        return self.windows[rows]

    def epochs(self, steps: int) -> float:
        return steps / self.batches_per_epoch


def chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def padded_batch(sequences: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
    """Right-pads sequences with EOS into [n][max_len] and returns it with a mask of the
    real tokens. Padding after a sequence cannot change its logits (attention is causal),
    so a padded batch gives every sequence exactly the logits it would get alone."""
    longest = max(len(s) for s in sequences)
    tokens = torch.full((len(sequences), longest), EOS_ID, dtype=torch.long)
    mask = torch.zeros((len(sequences), longest), dtype=torch.bool)
    for i, seq in enumerate(sequences):
        tokens[i, :len(seq)] = torch.tensor(seq)
        mask[i, :len(seq)] = True
    return tokens, mask
