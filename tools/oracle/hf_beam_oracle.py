#!/usr/bin/env python3
"""An independent oracle for DecodeLab's beam search: Hugging Face transformers' generate().

Loads a GGUF llama model (F32/F16/BF16 tensors) into transformers' LlamaForCausalLM and
records, for every prompt and every combination of num_beams, length_penalty and
early_stopping, the sequences and scores that generate() returns. The C++ test
tests/core/test_beam_search.cpp replays each case through DecodeLab's Session and must
reproduce the sequences exactly and the scores within 1e-4.

The beam search semantics are those of the pinned transformers release (4.38.2):
GenerationMixin.beam_search driving BeamSearchScorer.process/finalize and BeamHypotheses,
the loop-based implementation that later releases replaced by a vectorized _beam_search.

Two layout facts make the GGUF weights fit transformers:
  * GGUF (like llama2.c and DecodeLab's engine) rotates ADJACENT pairs (x[2i], x[2i+1]) of
    each head in RoPE; transformers rotates HALVES (x[i], x[i + head_dim/2]). Rows of wq
    and wk are permuted per head (row 2i → i, row 2i+1 → i + head_dim/2), which leaves
    every q·k product, and so the model, unchanged.
  * Prompts are tokenized by DecodeLab itself (decodelab-cli generate --json gives
    prompt_tokens), so both engines see the same ids.
Before recording, the oracle checks the conversion: transformers' greedy continuation of
each prompt must equal decodelab-cli's.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys

import numpy as np
import torch
import transformers
from gguf import GGUFReader
from transformers import GenerationConfig, LlamaConfig, LlamaForCausalLM
from transformers.generation.beam_search import BeamSearchScorer

PINNED_TRANSFORMERS = "4.38.2"
EOS_ID, PAD_ID, BOS_ID = 2, 0, 1
DEFAULT_PROMPTS = ["Once upon a time", "The little dog was sad because",
                   # a story's last line, so that EOS competes within a few tokens
                   "They played together until the sun went down. From that day on, they were"]
NUM_BEAMS = (2, 4)
LENGTH_PENALTIES = (0.5, 1.0, 2.0)
EARLY_STOPPING = (True, False, "never")
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_gguf(path: str) -> tuple[dict, dict[str, np.ndarray]]:
    """Metadata values by key, and every tensor as float32 [rows][cols] (GGUF shape reversed)."""
    reader = GGUFReader(path)
    fields = {key: field.contents() for key, field in reader.fields.items() if not key.startswith("GGUF.")}
    tensors = {}
    for t in reader.tensors:
        if t.tensor_type.name not in ("F32", "F16", "BF16"):
            raise SystemExit(f"{path}: tensor {t.name} is {t.tensor_type.name}; the oracle reads F32/F16/BF16")
        tensors[t.name] = np.asarray(t.data, dtype=np.float32).reshape(tuple(reversed([int(n) for n in t.shape])))
    if fields.get("general.architecture") != "llama":
        raise SystemExit(f"{path}: architecture {fields.get('general.architecture')!r}, expected 'llama'")
    return fields, tensors


def rotate_half_rows(w: np.ndarray, n_heads: int) -> np.ndarray:
    """[n_heads·head_dim][dim] rows from the adjacent-pair RoPE layout to rotate-half."""
    rows, cols = w.shape
    head_dim = rows // n_heads
    return w.reshape(n_heads, head_dim // 2, 2, cols).transpose(0, 2, 1, 3).reshape(rows, cols)


def build_model(path: str) -> tuple[LlamaForCausalLM, dict]:
    fields, t = read_gguf(path)
    eos = fields.get("tokenizer.ggml.eos_token_id", EOS_ID)
    if eos != EOS_ID:
        raise SystemExit(f"{path}: eos_token_id {eos}, the oracle assumes {EOS_ID}")
    n_layers = fields["llama.block_count"]
    n_heads = fields["llama.attention.head_count"]
    n_kv_heads = fields.get("llama.attention.head_count_kv", n_heads)
    tied = "output.weight" not in t
    config = LlamaConfig(
        vocab_size=t["token_embd.weight"].shape[0],
        hidden_size=fields["llama.embedding_length"],
        intermediate_size=fields["llama.feed_forward_length"],
        num_hidden_layers=n_layers,
        num_attention_heads=n_heads,
        num_key_value_heads=n_kv_heads,
        max_position_embeddings=fields["llama.context_length"],
        rms_norm_eps=fields.get("llama.attention.layer_norm_rms_epsilon", 1e-5),
        rope_theta=fields.get("llama.rope.freq_base", 10000.0),
        tie_word_embeddings=tied,
        bos_token_id=BOS_ID,
        eos_token_id=EOS_ID,
        pad_token_id=PAD_ID,
        attention_bias=False,
        attn_implementation="eager",
    )
    state = {
        "model.embed_tokens.weight": t["token_embd.weight"],
        "model.norm.weight": t["output_norm.weight"],
        "lm_head.weight": t["token_embd.weight"] if tied else t["output.weight"],
    }
    for i in range(n_layers):
        g, h = f"blk.{i}.", f"model.layers.{i}."
        state[h + "input_layernorm.weight"] = t[g + "attn_norm.weight"]
        state[h + "self_attn.q_proj.weight"] = rotate_half_rows(t[g + "attn_q.weight"], n_heads)
        state[h + "self_attn.k_proj.weight"] = rotate_half_rows(t[g + "attn_k.weight"], n_kv_heads)
        state[h + "self_attn.v_proj.weight"] = t[g + "attn_v.weight"]
        state[h + "self_attn.o_proj.weight"] = t[g + "attn_output.weight"]
        state[h + "post_attention_layernorm.weight"] = t[g + "ffn_norm.weight"]
        state[h + "mlp.gate_proj.weight"] = t[g + "ffn_gate.weight"]
        state[h + "mlp.up_proj.weight"] = t[g + "ffn_up.weight"]
        state[h + "mlp.down_proj.weight"] = t[g + "ffn_down.weight"]
    model = LlamaForCausalLM(config)
    missing, unexpected = model.load_state_dict({k: torch.from_numpy(np.array(v, dtype=np.float32)) for k, v in state.items()},
                                                strict=False)
    missing = [k for k in missing if not k.endswith("rotary_emb.inv_freq")]
    if missing or unexpected:
        raise SystemExit(f"{path}: weights do not fit LlamaForCausalLM (missing {missing}, unexpected {unexpected})")
    model.eval()
    return model, fields


def run_cli(cli: str, model_path: str, prompt: str, max_new_tokens: int) -> dict:
    """decodelab-cli generate --json (greedy): the prompt's ids and the greedy continuation."""
    out = subprocess.run([cli, "generate", "--model", model_path, "--prompt", prompt, "--json",
                          "--max-new-tokens", str(max_new_tokens)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def generation_config(max_new_tokens: int, num_beams: int = 1, length_penalty: float = 1.0,
                      early_stopping=False, num_return_sequences: int = 1) -> GenerationConfig:
    # every other option at its neutral default, so generate() adds no logits processor
    return GenerationConfig(max_new_tokens=max_new_tokens, num_beams=num_beams, length_penalty=length_penalty,
                            early_stopping=early_stopping, num_return_sequences=num_return_sequences,
                            do_sample=False, eos_token_id=EOS_ID, pad_token_id=PAD_ID, bos_token_id=BOS_ID,
                            output_scores=True, return_dict_in_generate=True)


class CapturedHypotheses:
    """Wraps BeamSearchScorer.finalize to keep the finished hypotheses it returns, best first."""

    def __enter__(self):
        self.returned = None
        original = BeamSearchScorer.finalize
        capture = self

        def finalize(scorer, input_ids, *args, **kwargs):
            out = original(scorer, input_ids, *args, **kwargs)
            # finalize's own choice: a stable ascending sort by score, popped from the end
            ranked = sorted(scorer._beam_hyps[0].beams, key=lambda b: b[0])
            capture.returned = [(score, hyp.tolist()) for score, hyp, _ in reversed(ranked)]
            return out

        self.original = original
        BeamSearchScorer.finalize = finalize
        return self

    def __exit__(self, *exc):
        BeamSearchScorer.finalize = self.original


def check_no_processors(model: LlamaForCausalLM) -> None:
    """Fails unless generate() would run beam search on the raw log-softmax."""
    original = model._get_logits_processor

    def checked(*args, **kwargs):
        processors = original(*args, **kwargs)
        if len(processors):
            raise SystemExit(f"generate() added logits processors: {[type(p).__name__ for p in processors]}")
        return processors

    model._get_logits_processor = checked


def beam_case(model, prompt_ids: list[int], max_new_tokens: int, num_beams: int, length_penalty: float,
              early_stopping) -> list[dict]:
    config = generation_config(max_new_tokens, num_beams, length_penalty, early_stopping, num_beams)
    with CapturedHypotheses() as captured, torch.no_grad():
        out = model.generate(torch.tensor([prompt_ids]), generation_config=config)
    n_prompt = len(prompt_ids)
    max_length = n_prompt + max_new_tokens
    sequences = []
    for row, (score, hyp), hf_score in zip(out.sequences.tolist(), captured.returned, out.sequences_scores.tolist()):
        # a hypothesis shorter than max_length ended with EOS, which transformers leaves off
        # the hypothesis (but counts in its length) and appends to the returned sequence
        finished = len(hyp) < max_length
        tokens = hyp[n_prompt:] + ([EOS_ID] if finished else [])
        if row[:len(hyp)] != hyp or (finished and row[len(hyp)] != EOS_ID):
            raise SystemExit(f"captured hypothesis {hyp} does not match returned sequence {row}")
        if abs(hf_score - score) > 1e-6 * max(1.0, abs(score)):
            raise SystemExit(f"captured score {score} does not match sequences_scores {hf_score}")
        sequences.append({"tokens": tokens, "finished": finished, "score": score})
    return sequences


def hf_greedy(model, prompt_ids: list[int], max_new_tokens: int) -> list[int]:
    with torch.no_grad():
        out = model.generate(torch.tensor([prompt_ids]), generation_config=generation_config(max_new_tokens))
    tokens = out.sequences[0, len(prompt_ids):].tolist()
    return tokens[:tokens.index(EOS_ID) + 1] if EOS_ID in tokens else tokens


def without_eos(tokens: list[int]) -> list[int]:
    """The tokens before a final EOS (decodelab-cli versions differ in listing it)."""
    return tokens[:-1] if tokens and tokens[-1] == EOS_ID else tokens


def early_stopping_name(value) -> str:
    return {True: "true", False: "false"}.get(value, value)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=os.path.join(REPO, "assets/models/stories-target.gguf"))
    parser.add_argument("--cli", default=os.path.join(REPO, "build/app/cli/decodelab-cli"),
                        help="decodelab-cli, for the prompts' token ids and the greedy check")
    parser.add_argument("--prompt", action="append", help="a prompt (repeatable); default: two story openings")
    parser.add_argument("--max-new-tokens", type=int, default=20)
    parser.add_argument("--out", default=os.path.join(REPO, "tests/data/hf-beam-oracle.json"))
    args = parser.parse_args()
    if transformers.__version__ != PINNED_TRANSFORMERS:
        print(f"transformers {transformers.__version__} found; the fixture's semantics are those of "
              f"{PINNED_TRANSFORMERS} (pip install transformers=={PINNED_TRANSFORMERS})", file=sys.stderr)
        return 2
    torch.manual_seed(0)
    torch.set_num_threads(1)  # one summation order, the same on every run

    model, fields = build_model(args.model)
    check_no_processors(model)
    cases = []
    for prompt in args.prompt or DEFAULT_PROMPTS:
        # the conversion check: transformers' greedy continuation equals DecodeLab's
        ours = run_cli(args.cli, args.model, prompt, args.max_new_tokens)
        prompt_ids = ours["prompt_tokens"]
        theirs = hf_greedy(model, prompt_ids, args.max_new_tokens)
        if without_eos(theirs) != without_eos(ours["tokens"]):
            print(f"greedy continuations differ for {prompt!r}:\n  transformers {theirs}\n  decodelab    "
                  f"{ours['tokens']}", file=sys.stderr)
            return 1
        for num_beams in NUM_BEAMS:
            for length_penalty in LENGTH_PENALTIES:
                for early_stopping in EARLY_STOPPING:
                    sequences = beam_case(model, prompt_ids, args.max_new_tokens, num_beams, length_penalty,
                                          early_stopping)
                    cases.append({"prompt": prompt, "prompt_tokens": prompt_ids, "num_beams": num_beams,
                                  "length_penalty": length_penalty,
                                  "early_stopping": early_stopping_name(early_stopping),
                                  "num_return_sequences": num_beams, "sequences": sequences})
                    print(f"{prompt!r} beams={num_beams} lp={length_penalty} es={early_stopping_name(early_stopping)}:"
                          f" best {sequences[0]['tokens']} {sequences[0]['score']:.5f}", file=sys.stderr)

    fixture = {
        "generator": "tools/oracle/hf_beam_oracle.py",
        "transformers": transformers.__version__,
        "torch": torch.__version__,
        "code_path": "GenerationMixin.beam_search with BeamSearchScorer / BeamHypotheses",
        "model": os.path.relpath(os.path.abspath(args.model), REPO),
        "model_name": fields.get("general.name", ""),
        "model_sha256": sha256_of(args.model),
        "eos_token_id": EOS_ID,
        "pad_token_id": PAD_ID,
        "max_new_tokens": args.max_new_tokens,
        "note": "tokens are the generated ids; a finished sequence ends with EOS, which counts in its length",
        "cases": cases,
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")
    print(f"wrote {len(cases)} cases to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
