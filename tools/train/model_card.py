#!/usr/bin/env python3
"""Measure the shipped models and write assets/models/training_report.json and MODEL_CARD.md.

Usage: model_card.py --work build/models-work --assets assets/models [--timings FILE]
Reads the work folder that make_models.sh fills (corpus.txt, tokenizer.model,
stories-{target,draft}.pt and .train.json). Every measurement uses the weights as shipped
(matrices rounded to F16): continuations of five prompts (greedy, and sampled at
temperature 1.0 with seeds 1-5) and the draft's top-1 agreement with the target on the
held-out stories.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sys

import torch

from data import BOS_ID, EOS_ID, encode_stories, load_tokenizer, read_stories
from evaluate import VALIDATION_DEFINITION, generate, top1_agreement
from fixtures import load_shipped_model

PROMPTS = [
    "Once upon a time",
    "One day, Lily went to the",
    "Tom had a big red",
    "\"Can I play with you?\" asked",
    "The little dog was very",
]
SAMPLE_SEEDS = [1, 2, 3, 4, 5]
GREEDY_MAX = 300   # long enough to reach the end of a story
SAMPLE_MAX = 150
WORD = re.compile(r"[A-Za-z]+(?:['-][A-Za-z]+)*")


def corpus_stats(path: str) -> dict:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    words = WORD.findall(text)
    return dict(generator="tools/storygen/storygen.py", seed=1, size_mb_option=6,
                bytes=len(text.encode("utf-8")), stories=len(read_stories(path)),
                words=len(words), distinct_word_forms=len({w.lower() for w in words}),
                distinct_characters=len(set(text)),
                word_definition="runs of ASCII letters, possibly joined by ' or -; "
                                "distinct forms are counted lower-cased")


def cpu_description() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError:
        return platform.processor()
    names = [l.split(":", 1)[1].strip() for l in lines if l.startswith("model name")]
    flags = next((l.split(":", 1)[1].split() for l in lines if l.startswith("flags")), [])
    features = [name for flag, name in (("avx512f", "AVX-512"), ("amx_bf16", "AMX-BF16"))
                if flag in flags]
    name = names[0] if names else platform.processor()
    return f"{name}, {os.cpu_count()} cores" + (f" ({', '.join(features)})" if features else "")


def continuations(model, sp) -> list[dict]:
    results = []
    for prompt in PROMPTS:
        ids = [BOS_ID] + sp.encode(prompt)
        entry = dict(prompt=prompt, prompt_tokens=ids)

        def text_of(new_ids):
            # Decode prompt and continuation together so the joining space comes out right.
            body = [t for t in new_ids if t != EOS_ID]
            return sp.decode(ids[1:] + body)[len(sp.decode(ids[1:])):]

        greedy = generate(model, ids, GREEDY_MAX, 0.0, 0, EOS_ID)
        entry["greedy"] = dict(tokens=len(greedy), ended_with_eos=greedy[-1:] == [EOS_ID],
                               text=text_of(greedy))
        entry["sampled"] = []
        for seed in SAMPLE_SEEDS:
            sample = generate(model, ids, SAMPLE_MAX, 1.0, seed, EOS_ID)
            entry["sampled"].append(dict(seed=seed, temperature=1.0, tokens=len(sample),
                                         ended_with_eos=sample[-1:] == [EOS_ID],
                                         text=text_of(sample)))
        results.append(entry)
        print(f"model card: continued {prompt!r}", flush=True)
    return results


def read_timings(path: str | None) -> dict:
    if not path or not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as f:
        return {name: int(seconds) for name, seconds in (line.split("\t") for line in f if line.strip())}


def model_summary(train: dict, gguf_path: str) -> dict:
    summary = {k: v for k, v in train.items() if k != "curve"}
    summary["gguf"] = os.path.basename(gguf_path)
    summary["gguf_bytes"] = os.path.getsize(gguf_path) if os.path.exists(gguf_path) else None
    summary["curve"] = train["curve"]
    return summary


def build_report(args) -> dict:
    sp = load_tokenizer(os.path.join(args.work, "tokenizer.model"))
    corpus_path = os.path.join(args.work, "corpus.txt")
    heldout_path = os.path.join(args.assets, "heldout.txt")
    trains = {}
    for name in ("stories-target", "stories-draft"):
        with open(os.path.join(args.work, name + ".train.json"), encoding="utf-8") as f:
            trains[name] = json.load(f)
    target = load_shipped_model(os.path.join(args.work, "stories-target.pt")).float()
    draft = load_shipped_model(os.path.join(args.work, "stories-draft.pt")).float()
    heldout = encode_stories(sp, read_stories(heldout_path))
    agreement, positions = top1_agreement(draft, target, heldout)
    corpus = corpus_stats(corpus_path)
    corpus["tokens"] = sum(len(s) for s in encode_stories(sp, read_stories(corpus_path)))
    t, d = trains["stories-target"], trains["stories-draft"]
    return dict(
        format="decodelab-training-report", version=1,
        hardware=cpu_description(), torch_version=torch.__version__, python=platform.python_version(),
        corpus=corpus,
        heldout=dict(file="heldout.txt", generator="tools/storygen/storygen.py", seed=2,
                     stories=len(heldout), bytes=os.path.getsize(heldout_path),
                     tokens_with_bos_eos=sum(len(s) for s in heldout)),
        tokenizer=dict(type="SentencePiece BPE (byte fallback, split digits, dummy prefix, "
                            "identity normalization)", vocab_size=sp.get_piece_size(),
                       unk_id=0, bos_id=BOS_ID, eos_id=EOS_ID),
        validation_definition=VALIDATION_DEFINITION,
        validation_loss=t["validation_loss"], validation_tokens=t["validation_tokens"],
        validation_stories=len(heldout),
        target=model_summary(t, os.path.join(args.assets, "stories-target.gguf")),
        draft=model_summary(d, os.path.join(args.assets, "stories-draft.gguf")),
        draft_parameter_ratio=d["parameters"] / t["parameters"],
        draft_top1_agreement=agreement, draft_top1_positions=positions,
        continuations=continuations(target, sp),
        pipeline_seconds=read_timings(args.timings),
    )


def fmt_minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} min"


def model_table(report: dict) -> str:
    rows = [("parameters", "parameters", lambda v: f"{v:,}")]
    config_rows = ["dim", "n_layers", "n_heads", "n_kv_heads", "hidden_dim", "vocab_size",
                   "context_length", "rope_freq_base", "rms_eps", "tied_output"]
    t, d = report["target"], report["draft"]
    lines = ["| | target (`stories-target.gguf`) | draft (`stories-draft.gguf`) |",
             "|---|---|---|"]
    for label, key, f in rows:
        lines.append(f"| {label} | {f(t[key])} | {f(d[key])} |")
    for key in config_rows:
        lines.append(f"| {key} | {t['config'][key]} | {d['config'][key]} |")
    lines.append(f"| head_dim | {t['config']['dim'] // t['config']['n_heads']} | "
                 f"{d['config']['dim'] // d['config']['n_heads']} |")
    lines.append(f"| GGUF size (F16 matrices, F32 norms) | {t['gguf_bytes']:,} bytes | {d['gguf_bytes']:,} bytes |")
    return "\n".join(lines)


def training_table(report: dict) -> str:
    t, d = report["target"], report["draft"]
    rows = [
        ("steps", lambda m: f"{m['steps']:,}"),
        ("batch", lambda m: f"{m['batch_windows']} windows x {m['window']} tokens = {m['tokens_per_step']:,} tokens"),
        ("tokens seen", lambda m: f"{m['tokens_seen']:,} ({m['epochs']} epochs of {m['train_tokens']:,})"),
        ("optimizer", lambda m: f"AdamW, betas {m['optimizer']['betas']}, weight decay "
                                f"{m['optimizer']['weight_decay']} (matrices), grad clip {m['optimizer']['grad_clip']}"),
        ("learning rate", lambda m: f"linear warm-up over {m['optimizer']['warmup_steps']} steps to "
                                    f"{m['optimizer']['peak_lr']:g}, cosine decay to {m['optimizer']['min_lr']:g}"),
        ("arithmetic", lambda m: {"bf16": "bfloat16 autocast matmuls (AMX), float32 master weights",
                                  "fp32": "float32"}[m["precision"]]),
        ("time per step (wall, incl. probe evaluations)", lambda m: f"{m['seconds_per_step']:.2f} s"),
        ("mean 1-min load average while training", lambda m: f"{m['load_average_mean']:.1f} on {m['cpu_count']} cores"),
        ("training wall time", lambda m: fmt_minutes(m["train_seconds"])),
        ("final train loss", lambda m: f"{m['final_train_loss']:.4f}"),
        ("validation loss (shipped F16 weights)", lambda m: f"{m['validation_loss']:.4f}"),
        ("validation loss (F32 weights)", lambda m: f"{m['validation_loss_f32_weights']:.4f}"),
    ]
    lines = ["| | target | draft |", "|---|---|---|"]
    lines += [f"| {label} | {f(t)} | {f(d)} |" for label, f in rows]
    return "\n".join(lines)


def quote(text: str) -> str:
    return "\n".join("> " + line if line else ">" for line in text.strip("\n").split("\n"))


def continuation_section(report: dict) -> str:
    parts = []
    for entry in report["continuations"]:
        g = entry["greedy"]
        parts.append(f"### Prompt: `{entry['prompt']}`\n")
        parts.append(f"**Greedy** ({g['tokens']} tokens{', ends with EOS' if g['ended_with_eos'] else ''}):\n")
        parts.append(quote(entry["prompt"] + g["text"]) + "\n")
        for s in entry["sampled"]:
            parts.append(f"**Sampled, temperature 1.0, seed {s['seed']}** ({s['tokens']} tokens"
                         f"{', ends with EOS' if s['ended_with_eos'] else ', cut at ' + str(SAMPLE_MAX)}):\n")
            parts.append(quote(entry["prompt"] + s["text"]) + "\n")
    return "\n".join(parts)


def render_card(report: dict) -> str:
    c, h, tok = report["corpus"], report["heldout"], report["tokenizer"]
    t, d = report["target"], report["draft"]
    timings = report["pipeline_seconds"]
    timing_line = ", ".join(f"{k} {v} s" for k, v in timings.items()) or "not recorded"
    return f"""# DecodeLab story models

Two tiny Llama-architecture models that DecodeLab ships so that it opens with a model that
writes readable text, without downloading anything: the **target** `stories-target.gguf`
(the default model) and the **draft** `stories-draft.gguf` (for speculative decoding; same
tokenizer). Both were trained from scratch by `make models` (tools/train), on a corpus made
by the project's own story generator. They only know the small world of these stories.

## Corpus

- Generator: `tools/storygen/storygen.py --seed 1 --size-mb 6` (simple English children's
  stories written for this project; see tools/storygen/README.md).
- {c['bytes']:,} bytes, {c['stories']:,} stories, {c['words']:,} words, {c['distinct_word_forms']:,}
  distinct word forms (lower-cased), {c['distinct_characters']} distinct characters;
  {c['tokens']:,} tokens with BOS/EOS.
- Held-out set: `heldout.txt`, {h['stories']} stories from a different seed
  (`--seed 2 --stories 200`), {h['bytes']:,} bytes, {h['tokens_with_bos_eos']:,} tokens with BOS/EOS.

## Tokenizer

{tok['type']}, vocabulary {tok['vocab_size']} (256 byte tokens, `<unk>`=0, `<s>`=1, `</s>`=2),
trained with sentencepiece on the corpus. Stored in both GGUF files
(`tokenizer.ggml.model = llama`). Newlines and characters outside the corpus are encoded as
byte tokens, so any text round-trips.

## Models

{model_table(report)}

Architecture: RMSNorm, rotary position embeddings in the adjacent-pair convention (GGUF llama
layout, no permutation), grouped-query attention, SwiGLU feed-forward, classifier tied to
the token embedding. The draft has {report['draft_parameter_ratio'] * 100:.1f}% of the
target's parameters.

## Training

Trained on the CPU: {report['hardware']}, PyTorch {report['torch_version']}, 2 threads.
Every story is one sequence `[BOS] story [EOS]`; the sequences are concatenated and cut into
512-token windows, visited in a seeded order.

{training_table(report)}

Validation loss (`validation_loss` in `training_report.json`, which the C++ engine's test
recomputes): {report['validation_definition']}. Here {report['validation_tokens']:,} predicted
tokens in {report['validation_stories']} stories.

Draft/target top-1 agreement on the held-out positions: **{report['draft_top1_agreement'] * 100:.1f}%**
({report['draft_top1_positions']:,} positions; the fraction where both models' most likely
next token is the same).

Pipeline wall times (`make models`, before this card): {timing_line}. A load average above
the core count means other work shared the machine and stretched these times.

## Continuations

Computed by PyTorch with the shipped (F16) weights; greedy runs to EOS (at most {GREEDY_MAX}
tokens), samples draw from the full distribution at temperature 1.0 (at most {SAMPLE_MAX} tokens).
The C++ engine's greedy decoding gives the same text; its sampler uses its own random
generator, so its samples differ from these.

{continuation_section(report)}
## Regenerating

```
make models
```

runs `tools/train/make_models.sh`: corpus -> tokenizer -> target -> draft -> export
(`decodelab-export`, F16 GGUF and llama2.c .bin) -> fixtures -> this card. Needs Python 3
with PyTorch, sentencepiece and numpy (Debian: python3-torch python3-sentencepiece
python3-numpy). Everything is seeded; on the same machine the result is the same.
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", required=True)
    parser.add_argument("--assets", required=True)
    parser.add_argument("--timings")
    args = parser.parse_args()
    torch.set_num_threads(2)
    report = build_report(args)
    report_path = os.path.join(args.assets, "training_report.json")
    with open(report_path, "w", encoding="utf-8") as f:
        json.dump(report, f, ensure_ascii=False, indent=1)
        f.write("\n")
    card_path = os.path.join(args.assets, "MODEL_CARD.md")
    with open(card_path, "w", encoding="utf-8") as f:
        f.write(render_card(report))
    print(f"model card: {card_path}, {report_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
