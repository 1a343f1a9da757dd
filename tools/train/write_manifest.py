#!/usr/bin/env python3
"""Write a trained checkpoint as the manifest + blob that tools/export reads.

Usage: write_manifest.py --checkpoint DIR/stories-target.pt --tokenizer tokenizer.model
                         --out DIR/stories-target.manifest.json
Writes the manifest and, beside it, <stem>.f32: every tensor as little-endian float32,
row-major in PyTorch's layout (nn.Linear weight = [out][in], the engine's RowMatrix),
one after another at the byte offsets the manifest lists. The weights are written as
trained (float32); the exporter rounds matrices to F16 when it writes the GGUF.

Manifest (format "decodelab-train-manifest", version 1):
  name, config {dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size,
  context_length, rope_freq_base, rms_eps, tied_output}, blob (file name, same folder),
  tensors [{name, shape [rows, cols] or [n], offset (bytes)}] named as in GGUF
  (token_embd.weight, blk.N.attn_norm.weight, blk.N.attn_q.weight, …, output_norm.weight,
  output.weight when untied), vocab {tokens (pieces, "▁" for space), scores, types
  (GGUF token types: 1 normal, 2 unknown, 3 control, 6 byte), bos_id, eos_id, unk_id,
  add_bos, add_space_prefix}.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np
import sentencepiece as spm
import torch

# GGUF tokenizer.ggml.token_type values (llama.cpp's llama_token_type).
NORMAL, UNKNOWN, CONTROL, BYTE = 1, 2, 3, 6


def gguf_names(n_layers: int, tied: bool) -> list[tuple[str, str]]:
    """(GGUF name, PyTorch state_dict key) for every tensor, in file order."""
    names = [("token_embd.weight", "tok_embeddings.weight")]
    per_layer = [
        ("attn_norm.weight", "attention_norm.weight"),
        ("attn_q.weight", "attention.wq.weight"),
        ("attn_k.weight", "attention.wk.weight"),
        ("attn_v.weight", "attention.wv.weight"),
        ("attn_output.weight", "attention.wo.weight"),
        ("ffn_norm.weight", "ffn_norm.weight"),
        ("ffn_gate.weight", "feed_forward.w1.weight"),
        ("ffn_up.weight", "feed_forward.w3.weight"),
        ("ffn_down.weight", "feed_forward.w2.weight"),
    ]
    for i in range(n_layers):
        names += [(f"blk.{i}.{g}", f"layers.{i}.{t}") for g, t in per_layer]
    names.append(("output_norm.weight", "norm.weight"))
    if not tied:
        names.append(("output.weight", "output.weight"))
    return names


def token_type(sp: spm.SentencePieceProcessor, i: int) -> int:
    if sp.is_unknown(i):
        return UNKNOWN
    if sp.is_control(i):
        return CONTROL
    if sp.is_byte(i):
        return BYTE
    return NORMAL


def vocab_of(sp: spm.SentencePieceProcessor) -> dict:
    n = sp.get_piece_size()
    return dict(
        tokens=[sp.id_to_piece(i) for i in range(n)],
        scores=[float(sp.get_score(i)) for i in range(n)],
        types=[token_type(sp, i) for i in range(n)],
        bos_id=sp.bos_id(), eos_id=sp.eos_id(), unk_id=sp.unk_id(),
        add_bos=True, add_space_prefix=True,
    )


def write(checkpoint_path: str, tokenizer_path: str, out_path: str) -> None:
    checkpoint = torch.load(checkpoint_path, map_location="cpu")
    config, state = checkpoint["config"], checkpoint["state_dict"]
    sp = spm.SentencePieceProcessor(model_file=tokenizer_path)
    assert sp.get_piece_size() == config["vocab_size"], "tokenizer and model disagree on vocab size"

    stem = os.path.basename(out_path).removesuffix(".manifest.json").removesuffix(".json")
    blob_name = stem + ".f32"
    tensors, offset = [], 0
    with open(os.path.join(os.path.dirname(out_path) or ".", blob_name), "wb") as blob:
        for gguf_name, key in gguf_names(config["n_layers"], config["tied_output"]):
            array = state[key].detach().cpu().numpy().astype("<f4", copy=False)
            data = np.ascontiguousarray(array).tobytes()
            blob.write(data)
            tensors.append(dict(name=gguf_name, shape=list(array.shape), offset=offset))
            offset += len(data)
    name = os.path.basename(checkpoint_path).removesuffix(".pt")
    manifest = dict(format="decodelab-train-manifest", version=1, name=name, config=config,
                    blob=blob_name, blob_bytes=offset, tensors=tensors, vocab=vocab_of(sp))
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=1)
    print(f"manifest: {len(tensors)} tensors, {offset:,} bytes -> {out_path}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--tokenizer", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    write(args.checkpoint, args.tokenizer, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
