#!/usr/bin/env bash
# `make run`: DecodeLab on the embedded default model. Until the desktop app lands this is
# the command-line demo: one prompt decoded four ways side by side, the textbook's beam
# search example step by step, then FlashAttention's IO model.
# usage: scripts/demo.sh [BUILD_DIR]
set -euo pipefail
build=${1:-build}
cli="$build/app/cli/decodelab-cli"
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

echo "== decodelab-cli inspect (the embedded default model)"
"$cli" inspect | head -8
echo
echo "== \"Once upon a time\": greedy, beam search, contrastive search and sampling"
"$cli" generate --prompt "Once upon a time" --max-new-tokens 48 \
  --compare strategy=greedy \
  --compare strategy=beam,num-beams=4 \
  --compare strategy=contrastive,penalty-alpha=0.6,top-k=4 \
  --compare strategy=sample,top-p=0.9,seed=1
echo
echo "== the textbook's beam search example (k = 2): A, C -> AB, AE -> ABC, AED"
"$cli" generate --table "$root/assets/tables/textbook-beam.json" --prompt "<s>" \
  --strategy beam --num-beams 2 --num-return-sequences 2 --max-new-tokens 4
echo
echo "== FlashAttention's IO model: HBM bytes of standard attention vs FlashAttention (a model, not a timing)"
"$cli" io-model --sram 227k --n-min 1024 --n-max 16384
