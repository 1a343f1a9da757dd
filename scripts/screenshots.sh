#!/usr/bin/env bash
# Regenerates docs/screenshots/: every view of the desktop app drawn from the golden traces
# by `decodelab-cli render`, 1600 × 900, in English and Simplified Chinese, the whole window
# with the Tutorials panel and in classroom mode at a lesson's first pause, plus the README
# that lists them. Needs a build with the desktop app (DECODELAB_UI=ON).
# usage: scripts/screenshots.sh [BUILD_DIR]   (BUILD_DIR relative to the repository root)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
cli="$build/app/cli/decodelab-cli"
traces=tests/data/traces
out=docs/screenshots
size=1600x900

for trace in textbook-beam paged-beam sample-topp flash-tiles speculative; do
  if [ ! -f "$traces/$trace.jsonl" ]; then
    scripts/make-golden-traces.sh "$build" >/dev/null
    break
  fi
done

# the last step of a trace: the step of its last line
last_step() { tail -n 1 "$1" | sed -E 's/.*"step":([0-9]+).*/\1/'; }

# name|view|trace|step|what it shows (for the README)
shots=(
  "beam-tree|beam-tree|textbook-beam|2|the textbook's beam search example (k = 2) at step 2: A, C → AB, AE"
  "beam-tree-paged|beam-tree|paged-beam|$(last_step $traces/paged-beam.jsonl)|beam search (k = 4) on the embedded model, at its last step"
  "candidates|candidates|sample-topp|5|the sampler chain's candidates at step 5 of a top-p = 0.9 run: top-p keeps ten"
  "kv-blocks|kv-blocks|paged-beam|3|paged KV blocks of four beams at step 3: forks, copy-on-write and frees"
  "flash-tiles|flash-tiles|flash-tiles|0|FlashAttention's 4 × 4 tiles of the prefill pass"
  "memory|memory|flash-tiles|0|the SRAM / HBM / main memory hierarchy with the prefill's HBM traffic"
  "narration|narration|textbook-beam|2|the textbook's beam search example told in sentences, at step 2"
  "speculative|speculative|speculative|4|speculative sampling with the embedded draft model (γ = 4), round 4: one draft accepted, the next rejected and resampled from the residual, two never verified; α and tokens per target pass over the run"
)

# Chinese when this build has the translation; English always
langs=(en)
probe=$(mktemp --suffix=.csv)
if "$cli" render --trace $traces/textbook-beam.jsonl --view events --lang zh_CN --out "$probe" 2>/dev/null; then
  langs+=(zh_CN)
else
  echo "screenshots: no zh_CN translation in $cli; English only" >&2
fi
rm -f "$probe"

mkdir -p "$out"
rm -f "$out"/*.png
readme="$out/README.md"
{
  echo "# Screenshots"
  echo
  echo "Every view of the desktop app, drawn from the golden traces in \`tests/data/traces/\` by"
  echo "\`decodelab-cli render\` at ${size/x/ × } (English \`.en.png\`, Simplified Chinese \`.zh_CN.png\`),"
  echo "and the whole window with a lesson loaded from the Tutorials panel."
  echo "Regenerate them all with \`scripts/screenshots.sh [BUILD_DIR]\`; do not edit by hand."
  echo
  echo "| Picture | View | Trace, step | Shows |"
  echo "|---|---|---|---|"
} >"$readme"
for shot in "${shots[@]}"; do
  IFS='|' read -r name view trace step what <<<"$shot"
  files=()
  for lang in "${langs[@]}"; do
    file="$name.$lang.png"
    "$cli" render --trace "$traces/$trace.jsonl" --view "$view" --step "$step" --size "$size" \
      --lang "$lang" --out "$out/$file"
    files+=("[$lang]($file)")
  done
  echo "| ${files[*]} | \`$view\` | \`$trace\`, $step | $what |" >>"$readme"
done

# the compare view runs its own generations (its tok/s column differs from run to run)
files=()
for lang in "${langs[@]}"; do
  "$cli" render --view compare --max-new-tokens 24 --size "$size" --lang "$lang" --out "$out/compare.$lang.png"
  files+=("[$lang](compare.$lang.png)")
done
echo "| ${files[*]} | \`compare\` | (runs the embedded model) | four strategies on \"Once upon a time\", 24 tokens each |" >>"$readme"

# the whole window: a lesson's run loaded from the Tutorials panel, at its first pause
# name|view|lesson|run|what it shows
windows=(
  "tutorials|tutorials|01|1|the Tutorials panel at lesson 1 beside the run panel: the textbook's beam search (k = 2) loaded and paused at step 1, beams C and A"
  "classroom|classroom|01|1|the same run in classroom mode: 200 % fonts, the narration under the beam tree, auto-play stopped at the lesson's first pause"
)
for shot in "${windows[@]}"; do
  IFS='|' read -r name view lesson run what <<<"$shot"
  files=()
  for lang in "${langs[@]}"; do
    file="$name.$lang.png"
    "$cli" render --view "$view" --lesson "$lesson" --run "$run" --size "$size" --lang "$lang" --out "$out/$file"
    files+=("[$lang]($file)")
  done
  echo "| ${files[*]} | \`$view\` | lesson $lesson, run $run | $what |" >>"$readme"
done
ls "$out"
