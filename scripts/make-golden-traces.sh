#!/usr/bin/env bash
# Writes the golden traces under tests/data/traces/ with the CLI: the UI tests open them and
# the views replay them with no model. Timing is left out so that reruns give the same bytes.
# usage: scripts/make-golden-traces.sh [BUILD_DIR]   (BUILD_DIR relative to the repository root)
set -euo pipefail
# from the root, so that the traces name the table model by its path in the repository
cd "$(dirname "$0")/.."
build=${1:-build}
cli="$build/app/cli/decodelab-cli"
out=tests/data/traces
mkdir -p "$out"

# the textbook's beam search example (k=2: A,C → AB,AE → ABC,AED)
"$cli" generate --table assets/tables/textbook-beam.json --prompt "<s>" --strategy beam \
  --num-beams 2 --num-return-sequences 2 --max-new-tokens 4 \
  --trace "$out/textbook-beam.jsonl" --no-trace-timing >/dev/null

# beams sharing paged KV blocks: forks, copy-on-write and frees on small blocks
"$cli" generate --model embedded:stories-target --prompt "Once upon a time" --kv paged \
  --block-size 4 --strategy beam --num-beams 4 --max-new-tokens 12 \
  --trace "$out/paged-beam.jsonl" --no-trace-timing >/dev/null

# the sampler chain, stage by stage
"$cli" generate --model embedded:stories-target --prompt "Once upon a time" --strategy sample \
  --top-p 0.9 --seed 1 --max-new-tokens 12 \
  --trace "$out/sample-topp.jsonl" --no-trace-timing >/dev/null

# FlashAttention's tiles: a prompt long enough for several 4 × 4 tiles per row of query blocks
"$cli" generate --model embedded:stories-target --attention flash \
  --prompt "Once upon a time, there was a little girl named Lily. She loved to play" \
  --tile-rows 4 --tile-cols 4 --max-new-tokens 12 \
  --trace "$out/flash-tiles.jsonl" --no-trace-timing >/dev/null

# speculative sampling: the embedded draft model proposes four tokens a round and the target
# verifies them — accepted, rejected and resampled from the residual, bonus tokens
"$cli" generate --model embedded:stories-target --draft-model embedded:stories-draft \
  --prompt "Once upon a time" --strategy sample --seed 1 --num-draft-tokens 4 --max-new-tokens 24 \
  --trace "$out/speculative.jsonl" --no-trace-timing >/dev/null
ls -l "$out"
