#!/usr/bin/env bash
# `make models`: regenerate DecodeLab's embedded models from scratch, seeded.
#   corpus (storygen seed 1) -> tokenizer -> target -> draft -> export -> fixtures -> model card
#
# usage: tools/train/make_models.sh [BUILD_DIR]      (default: build)
#   needs BUILD_DIR/tools/export/decodelab-export (cmake --build BUILD_DIR --target decodelab-export)
#   and a Python 3 with torch, sentencepiece and numpy (default /usr/bin/python3, or $PYTHON).
# Scratch goes to BUILD_DIR/models-work (wiped first), llama2.c exports to BUILD_DIR/models.
# The committed outputs are built in BUILD_DIR/models-work/assets and copied to
# assets/models/ only when every stage has succeeded, so an interrupted run leaves the
# committed files as they were.
#
# Environment: PYTHON, DECODELAB_EXPORT (exporter path), MODELS_OUT (where to install,
# default assets/models), TARGET_STEPS / DRAFT_STEPS (override the presets' step counts,
# for a quick smoke run: TARGET_STEPS=4 DRAFT_STEPS=4 MODELS_OUT=/tmp/m make models).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD_DIR=$(cd "$ROOT" && mkdir -p "${1:-build}" && cd "${1:-build}" && pwd)
PY=${PYTHON:-/usr/bin/python3}
EXPORTER=${DECODELAB_EXPORT:-$BUILD_DIR/tools/export/decodelab-export}
WORK=$BUILD_DIR/models-work
OUT=$WORK/assets
LLAMA2C=$BUILD_DIR/models
INSTALL=${MODELS_OUT:-$ROOT/assets/models}
TRAIN=$ROOT/tools/train
STORYGEN=$ROOT/tools/storygen/storygen.py

fail() { echo "make models: $*" >&2; exit 2; }
"$PY" -c "import torch, sentencepiece, numpy" 2>/dev/null ||
  fail "$PY lacks torch, sentencepiece or numpy (Debian: apt-get install python3-torch python3-sentencepiece python3-numpy)"
[ -x "$EXPORTER" ] || fail "$EXPORTER not found; build it first: cmake --build $BUILD_DIR --target decodelab-export"

rm -rf "$WORK" "$LLAMA2C"
mkdir -p "$WORK" "$OUT" "$LLAMA2C"
export PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
# Idle OpenMP threads sleep instead of spinning: on a busy 2-core machine spinning threads
# steal the time the working one needs (measured: 4.5 s/step instead of 7.5 s under load 6).
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
TIMINGS=$WORK/timings.tsv
PIPELINE_START=$(date +%s)

# stage NAME COMMAND...: runs the command, prints and records its wall time.
stage() {
  local name=$1; shift
  local start; start=$(date +%s)
  echo "== $name: started $(date '+%H:%M:%S')"
  "$@"
  local seconds=$(( $(date +%s) - start ))
  printf '%s\t%s\n' "$name" "$seconds" >>"$TIMINGS"
  echo "== $name: ${seconds} s (pipeline $(( $(date +%s) - PIPELINE_START )) s)"
}

train() {
  local preset=$1 steps=$2
  "$PY" "$TRAIN/train.py" --preset "$preset" ${steps:+--steps "$steps"} \
    --corpus "$WORK/corpus.txt" --heldout "$OUT/heldout.txt" \
    --tokenizer "$WORK/tokenizer.model" --out-dir "$WORK"
}

export_model() {
  local name=$1
  "$PY" "$TRAIN/write_manifest.py" --checkpoint "$WORK/$name.pt" \
    --tokenizer "$WORK/tokenizer.model" --out "$WORK/$name.manifest.json"
  "$EXPORTER" --manifest "$WORK/$name.manifest.json" --gguf "$OUT/$name.gguf" --type f16 \
    --llama2c "$LLAMA2C/$name.bin" --tokenizer-bin "$LLAMA2C/tokenizer.bin"
}
export_models() { export_model stories-target && export_model stories-draft; }

stage corpus "$PY" "$STORYGEN" --seed 1 --size-mb 6 --out "$WORK/corpus.txt"
stage heldout "$PY" "$STORYGEN" --seed 2 --stories 200 --out "$OUT/heldout.txt"
stage tokenizer "$PY" "$TRAIN/train_tokenizer.py" --corpus "$WORK/corpus.txt" \
  --out-prefix "$WORK/tokenizer" --vocab-size 2048
stage train-target train target "${TARGET_STEPS:-}"
stage train-draft train draft "${DRAFT_STEPS:-}"
stage export export_models
stage fixtures "$PY" "$TRAIN/fixtures.py" --checkpoint "$WORK/stories-target.pt" \
  --tokenizer "$WORK/tokenizer.model" --corpus "$WORK/corpus.txt" --out-dir "$OUT"
stage model-card "$PY" "$TRAIN/model_card.py" --work "$WORK" --assets "$OUT" --timings "$TIMINGS"

mkdir -p "$INSTALL"
cp "$OUT"/* "$INSTALL"/
echo "make models: installed into $INSTALL:"
ls -l "$INSTALL"
echo "make models: done in $(( $(date +%s) - PIPELINE_START )) s; stages (s):"
column -t "$TIMINGS" 2>/dev/null || cat "$TIMINGS"
