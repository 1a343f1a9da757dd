#!/usr/bin/env bash
# The benchmarks behind docs/PERFORMANCE.md: read bandwidth against working-set size; the
# CPU forward pass on random-weight models of the stories15M and stories110M shapes at 1
# and 2 threads, prefill and decode separately; then KV cache memory, contiguous against
# paged, on the embedded model.
# usage: scripts/bench.sh [BUILD_DIR]
set -euo pipefail
build=${1:-build}
bench="$build/bench/decodelab-bench-forward"
# where the usable cache ends right now: it decides whether stories15M's bound is L3's or DRAM's
"$build/bench/decodelab-bench-read" --threads 2
for shape in stories15M stories110M; do
  for threads in 1 2; do
    "$bench" --shape "$shape" --threads "$threads" --prompt-tokens 128 --decode-tokens 64 --repeats 7
  done
done
"$build/bench/decodelab-bench-kv"
