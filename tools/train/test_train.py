"""Self-test of the training tools (a few seconds, no corpus needed):
/usr/bin/python3 -m unittest discover -s tools/train -p 'test_*.py'"""
import math
import os
import sys
import unittest

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from data import BOS_ID, EOS_ID, WindowBatches, pack_windows, padded_batch  # noqa: E402
from model import Llama, LlamaConfig, apply_rope, round_to_f16, rope_tables  # noqa: E402
from train import lr_at  # noqa: E402
from write_manifest import gguf_names  # noqa: E402

TINY = LlamaConfig(dim=32, n_layers=2, n_heads=4, n_kv_heads=2, hidden_dim=48, vocab_size=50,
                   context_length=64)


def tiny_model(tied=True) -> Llama:
    torch.manual_seed(0)
    config = LlamaConfig(**{**TINY.to_dict(), "tied_output": tied})
    return Llama(config).eval()


def reference_attention(attn, x):
    """Textbook grouped-query attention with explicit per-pair rotation, to check the
    optimized layout in model.Attention against."""
    batch, seq, _ = x.shape
    hd, group = attn.head_dim, attn.n_heads // attn.n_kv_heads
    q = attn.wq(x).view(batch, seq, attn.n_heads, hd)
    k = attn.wk(x).view(batch, seq, attn.n_kv_heads, hd)
    v = attn.wv(x).view(batch, seq, attn.n_kv_heads, hd)

    def rotate(t):
        out = t.clone()
        for pos in range(seq):
            for i in range(hd // 2):
                angle = pos * 10000.0 ** (-2.0 * i / hd)
                c, s = math.cos(angle), math.sin(angle)
                a, b = t[:, pos, :, 2 * i], t[:, pos, :, 2 * i + 1]
                out[:, pos, :, 2 * i], out[:, pos, :, 2 * i + 1] = a * c - b * s, a * s + b * c
        return out

    q, k = rotate(q), rotate(k)
    heads = []
    for h in range(attn.n_heads):
        kh, vh = k[:, :, h // group], v[:, :, h // group]
        scores = q[:, :, h] @ kh.transpose(1, 2) / math.sqrt(hd)
        scores = scores.masked_fill(torch.ones(seq, seq).triu(1).bool(), float("-inf"))
        heads.append(F.softmax(scores, dim=-1) @ vh)
    return attn.wo(torch.cat(heads, dim=-1))


class ModelTest(unittest.TestCase):
    def test_rope_rotates_adjacent_pairs(self):
        x = torch.randn(1, 3, 1, 8)
        cos, sin = rope_tables(8, torch.arange(3), 10000.0)
        y = apply_rope(x, cos, sin)
        angle = 2 * 10000.0 ** (-2.0 * 1 / 8)  # position 2, pair 1 = channels (2, 3)
        a, b = x[0, 2, 0, 2], x[0, 2, 0, 3]
        self.assertAlmostEqual(float(y[0, 2, 0, 2]), float(a * math.cos(angle) - b * math.sin(angle)), places=5)
        self.assertAlmostEqual(float(y[0, 2, 0, 3]), float(a * math.sin(angle) + b * math.cos(angle)), places=5)

    def test_attention_matches_reference(self):
        model = tiny_model()
        attn = model.layers[0].attention
        x = torch.randn(2, 7, TINY.dim)
        seq = x.shape[1]
        cos, sin = rope_tables(TINY.head_dim, torch.arange(seq), TINY.rope_freq_base)
        mask = torch.full((seq, seq), float("-inf")).triu(1)
        with torch.no_grad():
            torch.testing.assert_close(attn(x, cos, sin, mask), reference_attention(attn, x),
                                       rtol=1e-4, atol=1e-5)

    def test_cache_gives_the_same_logits(self):
        model = tiny_model(tied=False)
        tokens = torch.randint(0, TINY.vocab_size, (1, 12))
        with torch.no_grad():
            full = model(tokens)
            cache = model.new_cache()
            parts = [model(tokens[:, :5], cache)] + [model(tokens[:, i:i + 1], cache) for i in range(5, 12)]
        torch.testing.assert_close(torch.cat(parts, dim=1), full, rtol=1e-4, atol=1e-5)

    def test_causal(self):
        model = tiny_model()
        a = torch.tensor([[1, 5, 7, 9]])
        b = torch.tensor([[1, 5, 7, 3]])
        with torch.no_grad():
            torch.testing.assert_close(model(a)[:, :3], model(b)[:, :3])

    def test_round_to_f16_keeps_norms(self):
        model = tiny_model()
        with torch.no_grad():
            model.norm.weight.fill_(1.0001)
        round_to_f16(model)
        self.assertEqual(float(model.norm.weight[0]), torch.tensor(1.0001).item())
        w = model.tok_embeddings.weight
        torch.testing.assert_close(w, w.half().float(), rtol=0, atol=0)


class DataTest(unittest.TestCase):
    def test_windows_predict_every_token_once(self):
        sequences = [[BOS_ID, 10, 11, EOS_ID], [BOS_ID, 12, EOS_ID], [BOS_ID, 13, 14, 15, EOS_ID]]
        windows = pack_windows(sequences, 4)
        stream = [t for s in sequences for t in s]
        self.assertEqual(windows.shape, (2, 5))  # 11 targets make 2 full windows of 4
        targets = windows[:, 1:].flatten().tolist()
        self.assertEqual(targets, stream[1:1 + len(targets)])

    def test_batches_are_seeded_and_cover_an_epoch(self):
        windows = torch.arange(20).view(10, 2)
        a, b = WindowBatches(windows, 3, seed=7), WindowBatches(windows, 3, seed=7)
        self.assertTrue(torch.equal(a.batch(4), b.batch(4)))
        seen = torch.cat([a.batch(i) for i in range(3)])[:, 0].tolist()
        self.assertEqual(len(set(seen)), 9)

    def test_padding_does_not_change_logits(self):
        model = tiny_model()
        tokens, mask = padded_batch([[1, 4, 5, 6, 2], [1, 7, 2]])
        with torch.no_grad():
            alone = model(torch.tensor([[1, 7, 2]]))
            padded = model(tokens)[1:, :3]
        torch.testing.assert_close(padded, alone)
        self.assertEqual(mask.sum().item(), 8)


class RecipeTest(unittest.TestCase):
    def test_lr_schedule(self):
        self.assertAlmostEqual(lr_at(0, 100, 1e-3, 10, 0.1), 1e-4)
        self.assertAlmostEqual(lr_at(9, 100, 1e-3, 10, 0.1), 1e-3)
        self.assertAlmostEqual(lr_at(99, 100, 1e-3, 10, 0.1), 1e-4)

    def test_manifest_names_cover_the_state_dict(self):
        for tied in (True, False):
            model = tiny_model(tied)
            keys = sorted(key for _, key in gguf_names(TINY.n_layers, tied))
            self.assertEqual(keys, sorted(model.state_dict().keys()))


if __name__ == "__main__":
    unittest.main()
