#!/usr/bin/env python3
"""Write the fixtures that pin DecodeLab's C++ engine and tokenizer to independent code.

Usage: fixtures.py --checkpoint DIR/stories-target.pt --tokenizer tokenizer.model
                   --corpus corpus.txt --out-dir assets/models
Writes:
  target-logits-fixture.json     PyTorch's logits for a fixed token sequence, computed with
                                 the weights as shipped (matrices rounded to F16, norms F32)
                                 in float64, so the reference carries no float32 error of
                                 its own;
  tokenizer-fixture.json         sentencepiece's ids (BOS first) for 30 strings, including
                                 unusual ones, and every character the corpus uses.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import sentencepiece as spm
import torch

from data import BOS_ID, load_tokenizer
from model import Llama, LlamaConfig, round_to_f16

LOGITS_TEXT = ("Once upon a time, there was a little girl named Lily. "
               "She loved to play with her red ball in the park.")

TOKENIZER_CASES = [
    "",
    " ",
    "Once upon a time",
    "Once upon a time, there was a little girl named Lily.",
    "\"Can I play with you?\" asked Tom.",
    "Lily said, \"Let's go!\" and they ran to the park.",
    "She was happy.\nThe end.",
    "The end.\n",
    "\n",
    "\n\nTwo newlines first",
    "two  spaces  between  words",
    "   three leading spaces",
    "trailing spaces   ",
    " leading and trailing ",
    "In 2024 she counted 1, 22, 333 and 4444 stars.",
    "3.14159 + 2.71828 = 5.85987",
    "!?.,;:'\"()[]{}<>@#$%^&*-_+=/\\|~`",
    "tab\tseparated\tvalues",
    "Windows line\r\nend",
    "café 猫 🙂",
    "naïve façade, jalapeño, Ærøskøbing",
    "你好，世界！",
    "Привет, мир",
    "👍🏽👨‍👩‍👧",
    "ONCE UPON A TIME THERE WAS A DRAGON",
    "onceuponatimetherewasadragon",
    "Mom's dog-house wasn't big-ish.",
    "Ben, Mia, Sue, Max, Spot and Tom played tag.",
    "a",
    "Zzyzx qwj vrrp!",
]


def load_shipped_model(checkpoint_path: str) -> Llama:
    """The model as the GGUF holds it, in float64."""
    checkpoint = torch.load(checkpoint_path, map_location="cpu")
    model = Llama(LlamaConfig(**checkpoint["config"]))
    model.load_state_dict(checkpoint["state_dict"])
    round_to_f16(model)
    return model.double().eval()


def significant(x: float, digits: int = 7) -> float:
    return float(f"{x:.{digits}g}")


def logits_fixture(model: Llama, sp: spm.SentencePieceProcessor, model_file: str) -> dict:
    tokens = [BOS_ID] + sp.encode(LOGITS_TEXT)
    with torch.no_grad():
        logits = model(torch.tensor([tokens]))[0]
    return dict(
        description="Logits computed by PyTorch (tools/train/model.py) in float64 with the "
                    "shipped weights (matrices rounded to F16 as in the GGUF, norm weights F32), "
                    "for `tokens` at positions 0..n-1 in one causal pass; logits[i] is the "
                    "distribution over the token after position i.",
        model=model_file, text=LOGITS_TEXT, tokens=tokens,
        positions=list(range(len(tokens))), vocab_size=model.config.vocab_size,
        logits=[[significant(v) for v in row.tolist()] for row in logits],
    )


def tokenizer_fixture(sp: spm.SentencePieceProcessor, corpus_path: str, model_file: str) -> dict:
    with open(corpus_path, encoding="utf-8") as f:
        characters = "".join(sorted(set(f.read())))
    cases = []
    for text in TOKENIZER_CASES:
        ids = [BOS_ID] + sp.encode(text)
        cases.append(dict(text=text, ids=ids, pieces=[sp.id_to_piece(i) for i in ids]))
    return dict(
        description="sentencepiece 0.1.97 encodings (BOS prepended, add_dummy_prefix, identity "
                    "normalization, no whitespace folding, byte fallback) that the C++ tokenizer "
                    "must reproduce exactly; corpus_characters lists every distinct character of "
                    "the training corpus, each of which must round-trip through encode/decode.",
        model=model_file, add_bos=True, bos_id=BOS_ID, cases=cases,
        corpus_characters=characters,
    )


def write_json(path: str, value: dict) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print(f"fixture: {path} ({os.path.getsize(path):,} bytes)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--tokenizer", required=True)
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--out-dir", required=True)
    parser.add_argument("--model-file", default="stories-target.gguf")
    args = parser.parse_args()
    torch.set_num_threads(2)
    sp = load_tokenizer(args.tokenizer)
    model = load_shipped_model(args.checkpoint)
    write_json(os.path.join(args.out_dir, "target-logits-fixture.json"),
               logits_fixture(model, sp, args.model_file))
    write_json(os.path.join(args.out_dir, "tokenizer-fixture.json"),
               tokenizer_fixture(sp, args.corpus, args.model_file))
    return 0


if __name__ == "__main__":
    sys.exit(main())
