#!/usr/bin/env python3
"""Train one of DecodeLab's story models (target or draft) on the CPU.

Usage:
  train.py --preset target --corpus corpus.txt --heldout heldout.txt \\
           --tokenizer tokenizer.model --out-dir DIR [--steps N] [--precision auto]
Writes DIR/<name>.pt (config + weights) and DIR/<name>.train.json (what happened).

Everything that decides the result is seeded or fixed: torch.manual_seed, the window
order (data.WindowBatches), the step count. The only run-to-run freedom is the CPU's
arithmetic: with --precision auto, a CPU with AMX-BF16 (Sapphire Rapids and later) runs
the matrix products in bfloat16 under autocast, ~4x faster; others use float32.
Master weights and optimizer state are float32 either way.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import sys
import time

import torch
import torch.nn.functional as F

from data import WindowBatches, encode_stories, load_tokenizer, pack_windows, read_stories
from evaluate import heldout_loss
from model import Llama, LlamaConfig, round_to_f16

# Architectures and recipes. The target is the app's default model; the draft proposes
# tokens for speculative decoding and must stay under 10% of the target's parameters.
PRESETS = {
    "target": dict(
        name="stories-target",
        model=dict(dim=256, n_layers=5, n_heads=8, n_kv_heads=2, hidden_dim=688),
        steps=1200, batch_windows=8, lr=2e-3, warmup=60, min_lr_ratio=0.1,
    ),
    "draft": dict(
        name="stories-draft",
        model=dict(dim=64, n_layers=3, n_heads=4, n_kv_heads=2, hidden_dim=192),
        steps=1000, batch_windows=8, lr=3e-3, warmup=50, min_lr_ratio=0.1,
    ),
}
CONTEXT = 512
WEIGHT_DECAY = 0.1
BETAS = (0.9, 0.95)
GRAD_CLIP = 1.0
LOG_EVERY = 25
PROBE_STORIES = 40  # held-out stories scored at each log line (the full set at the end)


def cpu_has_amx_bf16() -> bool:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            return any("amx_bf16" in line.split() for line in f if line.startswith("flags"))
    except OSError:
        return False


def choose_precision(requested: str) -> str:
    if requested == "auto":
        return "bf16" if cpu_has_amx_bf16() else "fp32"
    return requested


def autocast(precision: str):
    if precision == "bf16":
        return torch.autocast("cpu", dtype=torch.bfloat16)
    return contextlib.nullcontext()


def lr_at(step: int, steps: int, peak: float, warmup: int, min_ratio: float) -> float:
    """Linear warm-up to `peak`, then a cosine down to min_ratio * peak at the last step."""
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = (step - warmup) / max(1, steps - 1 - warmup)
    return peak * (min_ratio + (1 - min_ratio) * 0.5 * (1 + math.cos(math.pi * progress)))


def make_optimizer(model: Llama, lr: float) -> torch.optim.Optimizer:
    # Decay the matrices only: shrinking norm gains towards 0 only hurts.
    matrices = [p for p in model.parameters() if p.dim() >= 2]
    vectors = [p for p in model.parameters() if p.dim() < 2]
    groups = [dict(params=matrices, weight_decay=WEIGHT_DECAY),
              dict(params=vectors, weight_decay=0.0)]
    return torch.optim.AdamW(groups, lr=lr, betas=BETAS, eps=1e-8, foreach=True)


def train_step(model, optimizer, batch, lr, precision) -> float:
    for group in optimizer.param_groups:
        group["lr"] = lr
    with autocast(precision):
        logits = model(batch[:, :-1])
    loss = F.cross_entropy(logits.float().flatten(0, 1), batch[:, 1:].flatten())
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), GRAD_CLIP)
    optimizer.step()
    return loss.item()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", choices=sorted(PRESETS), required=True)
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--heldout", required=True)
    parser.add_argument("--tokenizer", required=True)
    parser.add_argument("--out-dir", required=True)
    parser.add_argument("--steps", type=int, help="override the preset's step count")
    parser.add_argument("--lr", type=float, help="override the preset's peak learning rate")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--precision", choices=["auto", "fp32", "bf16"], default="auto")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    preset = dict(PRESETS[args.preset])
    if args.steps:
        preset["steps"] = args.steps
    if args.lr:
        preset["lr"] = args.lr
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    precision = choose_precision(args.precision)

    sp = load_tokenizer(args.tokenizer)
    config = LlamaConfig(**preset["model"], vocab_size=sp.get_piece_size(), context_length=CONTEXT)
    model = Llama(config)
    n_params = model.num_parameters()
    print(f"[{args.preset}] {preset['name']}: {n_params:,} parameters, {config}, precision {precision}",
          flush=True)

    started = time.time()
    train_sequences = encode_stories(sp, read_stories(args.corpus))
    heldout_sequences = encode_stories(sp, read_stories(args.heldout))
    windows = pack_windows(train_sequences, CONTEXT)
    batches = WindowBatches(windows, preset["batch_windows"], args.seed)
    tokens_per_step = preset["batch_windows"] * CONTEXT
    print(f"[{args.preset}] data: {len(train_sequences)} stories, {windows.numel():,} tokens in "
          f"{len(windows)} windows; {tokens_per_step} tokens/step; {preset['steps']} steps = "
          f"{batches.epochs(preset['steps']):.2f} epochs", flush=True)

    optimizer = make_optimizer(model, preset["lr"])
    curve, recent, step_times, loads = [], [], [], []
    train_started = time.time()
    for step in range(preset["steps"]):
        t0 = time.time()
        model.train()
        lr = lr_at(step, preset["steps"], preset["lr"], preset["warmup"], preset["min_lr_ratio"])
        recent.append(train_step(model, optimizer, batches.batch(step), lr, precision))
        step_times.append(time.time() - t0)
        if (step + 1) % LOG_EVERY == 0 or step + 1 == preset["steps"]:
            probe, _ = heldout_loss(model, heldout_sequences[:PROBE_STORIES])
            # The machine may be shared: the load average tells what the timings mean.
            loads.append(os.getloadavg()[0])
            mean_train = sum(recent) / len(recent)
            curve.append(dict(step=step + 1, train_loss=round(mean_train, 4),
                              probe_val_loss=round(probe, 4), lr=lr))
            elapsed = time.time() - train_started
            eta = elapsed / (step + 1) * (preset["steps"] - step - 1)
            print(f"[{args.preset}] step {step + 1}/{preset['steps']} train {mean_train:.4f} "
                  f"val(probe) {probe:.4f} lr {lr:.2e} {sum(step_times[-LOG_EVERY:]) / len(step_times[-LOG_EVERY:]):.2f}s/step "
                  f"load {loads[-1]:.1f} elapsed {elapsed / 60:.1f} min eta {eta / 60:.1f} min", flush=True)
            recent = []
    train_seconds = time.time() - train_started

    val_f32, val_tokens = heldout_loss(model, heldout_sequences)
    os.makedirs(args.out_dir, exist_ok=True)
    checkpoint = os.path.join(args.out_dir, preset["name"] + ".pt")
    torch.save(dict(config=config.to_dict(), state_dict=model.state_dict()), checkpoint)
    round_to_f16(model)  # the weights as shipped in the F16 GGUF
    val_shipped, _ = heldout_loss(model, heldout_sequences)
    report = dict(
        name=preset["name"], preset=args.preset, parameters=n_params, config=config.to_dict(),
        seed=args.seed, precision=precision, threads=args.threads, torch_version=torch.__version__,
        steps=preset["steps"], batch_windows=preset["batch_windows"], window=CONTEXT,
        tokens_per_step=tokens_per_step, tokens_seen=tokens_per_step * preset["steps"],
        epochs=round(batches.epochs(preset["steps"]), 3), train_tokens=int(windows.numel()),
        optimizer=dict(name="AdamW", peak_lr=preset["lr"], warmup_steps=preset["warmup"],
                       schedule="linear warm-up, cosine decay", min_lr=preset["lr"] * preset["min_lr_ratio"],
                       betas=list(BETAS), weight_decay=WEIGHT_DECAY, grad_clip=GRAD_CLIP),
        final_train_loss=curve[-1]["train_loss"],
        final_train_loss_definition=f"mean training-batch loss over the last {LOG_EVERY} steps",
        validation_loss=val_shipped, validation_loss_f32_weights=val_f32,
        validation_tokens=val_tokens, seconds_per_step=train_seconds / preset["steps"],
        train_seconds=train_seconds, total_seconds=time.time() - started,
        load_average_mean=sum(loads) / len(loads), cpu_count=os.cpu_count(), curve=curve,
    )
    with open(os.path.join(args.out_dir, preset["name"] + ".train.json"), "w", encoding="utf-8") as f:
        json.dump(report, f, indent=1)
    print(f"[{args.preset}] done: train {report['final_train_loss']:.4f} val {val_shipped:.4f} "
          f"(f32 {val_f32:.4f}, {val_tokens} tokens), {train_seconds / 60:.1f} min training, "
          f"{train_seconds / preset['steps']:.2f} s/step -> {checkpoint}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
