#!/usr/bin/env bash
# The GPU check, run ON a CUDA machine from the repository root, in at most 8 minutes:
# device facts, every GPU test (QtTest executables), the same tests under compute-sanitizer
# memcheck, the GPU benchmark (CUDA against CPU decode on the embedded model, device copy
# bandwidth), speculative sampling with target and draft on the device, and a short CPU
# forward benchmark for reference; it ends with a summary table,
# printed last and saved to $OUT/summary.md.
#
# The executables come prebuilt in .device/bundle.tar.xz (scripts/prepare-device.sh, run
# where Qt and the build live; the device tool must carry .device): the GPU machine has
# the CUDA driver and toolkit but no Qt. They are unpacked outside the repository. Every step
# runs under `timeout` and the script keeps going after a failure; it exits 0 when every
# test passed (or was skipped for want of a device), 1 otherwise.
#
# usage: scripts/device-check.sh        (OUT: where logs go, default ./device-out)
#   DEVICE_CHECK_SECONDS  the whole run's budget (default 470, under the 8 minutes)
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
OUT=${OUT:-$root/device-out}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
bundle=$root/.device/bundle.tar.xz
dev=${TMPDIR:-/tmp}/decodelab-device   # the unpacked bundle: bin/, lib/, manifest.env
budget_s=${DEVICE_CHECK_SECONDS:-470}
SECONDS=0
summary_reserve_s=10

log() { printf '%s\n' "$*" | tee -a "$OUT/facts.log"; }
section() { printf '\n== %s (at %ds)\n' "$*" "$SECONDS"; }
# Seconds a step may take: its own cap, or what is left of the budget, whichever is less;
# 0 when too little is left to start it.
allow() {
  local cap=$1 left=$((budget_s - summary_reserve_s - SECONDS))
  ((left < 5)) && { echo 0; return; }
  ((cap < left)) && echo "$cap" || echo "$left"
}

rm -f "$OUT"/*.log "$OUT/summary.md"   # a previous run's, where OUT is kept
: >"$OUT/facts.log"
problems=()

# ---------------------------------------------------------------------------- setup
section "setup"
rm -rf "$dev"
mkdir -p "$dev"
if [[ ! -f $bundle ]]; then
  log "error: $bundle is missing: run scripts/prepare-device.sh here first, and carry .device"
  problems+=("no .device/bundle.tar.xz (scripts/prepare-device.sh, then carry .device)")
elif command -v xz >/dev/null; then
  timeout 60 tar -C "$dev" -xJf "$bundle" || problems+=("cannot unpack $bundle")
else  # no xz program: Python's tarfile reads xz too
  timeout 60 python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$bundle" "$dev" ||
    problems+=("cannot unpack $bundle")
fi
DLAB_TESTS="" DLAB_SOURCE_DIR="" DLAB_BUILD_DIR="" DLAB_NEED_CLI=0 DLAB_GIT_HEAD=unknown
if [[ -f $dev/manifest.env ]]; then
  # shellcheck disable=SC1091
  source "$dev/manifest.env"
  log "unpacked $bundle into $dev ($(du -sh "$dev" | cut -f1)) in ${SECONDS} s"
fi
export LD_LIBRARY_PATH=$dev/lib:/usr/local/cuda/lib64${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export PATH=$PATH:/usr/local/cuda/bin:/usr/local/nvidia/bin
export OMP_WAIT_POLICY=PASSIVE
export QT_QPA_PLATFORM=offscreen   # the tests are QtTest "appless": no platform plugin is loaded
# The tests were built with absolute paths to the source tree (fixtures) and to the CLI.
if [[ -n $DLAB_SOURCE_DIR && ! -e $DLAB_SOURCE_DIR ]]; then
  if mkdir -p "$(dirname "$DLAB_SOURCE_DIR")" 2>/dev/null && ln -s "$root" "$DLAB_SOURCE_DIR" 2>/dev/null; then
    log "linked $DLAB_SOURCE_DIR -> $root (the source path compiled into the tests)"
  else
    log "warning: cannot link $DLAB_SOURCE_DIR -> $root; tests that read fixtures may fail"
  fi
fi
if [[ ${DLAB_NEED_CLI:-0} == 1 && -n $DLAB_BUILD_DIR && ! -e $DLAB_BUILD_DIR/app/decodelab-cli ]]; then
  mkdir -p "$DLAB_BUILD_DIR/app" 2>/dev/null && ln -sf "$dev/bin/decodelab-cli" "$DLAB_BUILD_DIR/app/decodelab-cli" &&
    log "linked $DLAB_BUILD_DIR/app/decodelab-cli -> .device/bin/decodelab-cli"
fi
# CUDA's own libraries (cuBLAS …) are the machine's: where the loader does not find them in
# /usr/local/cuda/lib64, look where the toolkit or the Python wheels keep them.
for exe in "$dev"/bin/*; do
  [[ -x $exe ]] || continue
  for lib in $(ldd "$exe" 2>/dev/null | awk '/not found/ && /^[[:space:]]*lib(cu|nv)/ {print $1}' | sort -u); do
    found=$(timeout 30 find /usr/local /opt /usr/lib -name "$lib" 2>/dev/null | head -1)
    if [[ -n $found ]]; then
      export LD_LIBRARY_PATH=$LD_LIBRARY_PATH:$(dirname "$found")
      log "found $lib in $(dirname "$found") (added to LD_LIBRARY_PATH)"
    fi
  done
done
log "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
for exe in "$dev"/bin/*; do
  [[ -x $exe ]] || continue
  missing=$(ldd "$exe" 2>/dev/null | awk '/not found/ {print $1}' | sort -u | tr '\n' ' ')
  if [[ -n $missing ]]; then
    log "error: $(basename "$exe") lacks shared libraries: $missing"
    problems+=("$(basename "$exe") lacks: $missing")
  fi
done

# ---------------------------------------------------------------------------- device facts
section "device"
has_device=0
device_name="none"
if command -v nvidia-smi >/dev/null && timeout 20 nvidia-smi -L >"$OUT/.smi" 2>&1 && grep -q '^GPU ' "$OUT/.smi"; then
  has_device=1
  cat "$OUT/.smi" | tee -a "$OUT/facts.log"
  timeout 20 nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem,power.limit \
    --format=csv 2>&1 | tee -a "$OUT/facts.log"
  device_name=$(timeout 20 nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1)
else
  log "no CUDA device (nvidia-smi: $(head -c 200 "$OUT/.smi" 2>/dev/null || echo 'not installed'))"
fi
rm -f "$OUT/.smi"
kernel=$(uname -r)
runtime="kernel $kernel"
[[ $kernel == 4.4.0 ]] && runtime="gVisor (kernel 4.4.0): compute-sanitizer is known to refuse the device there"
log "host $(hostname), $(nproc) CPUs, $runtime"
log "nvcc: $(nvcc --version 2>/dev/null | tail -1 || echo none)"
sanitizer=$(command -v compute-sanitizer ||
  ls /usr/local/cuda/compute-sanitizer/compute-sanitizer /usr/local/cuda-*/compute-sanitizer/compute-sanitizer 2>/dev/null |
  head -1)
log "compute-sanitizer: ${sanitizer:-none} $([[ -n $sanitizer ]] && timeout 20 "$sanitizer" --version 2>/dev/null | tail -1)"
log "bundle: ${DLAB_GIT_HEAD:-unknown}, $(du -sh "$dev" 2>/dev/null | cut -f1)"

# ---------------------------------------------------------------------------- tests
# "Totals: 3 passed, 0 failed, 1 skipped, 0 blacklisted, 12ms" → "3 0 1"
totals() { sed -n 's/^Totals: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped.*/\1 \2 \3/p' "$1" | tail -1; }
# A readable word for an exit status.
status_word() {
  case $1 in
    0) echo ok ;;
    124 | 137) echo "timed out" ;;
    127) echo "cannot start" ;;
    *) if (($1 > 128)); then echo "crashed (signal $(($1 - 128)))"; else echo "exit $1"; fi ;;
  esac
}

declare -a test_rows=() sanitizer_rows=()
failures=0
for name in $DLAB_TESTS; do
  section "test $name"
  exe=$dev/bin/$name
  logf=$OUT/$name.log
  t=$(allow 90)
  if ((t == 0)); then
    test_rows+=("| $name | not run (out of time) | | | | | |")
    failures=$((failures + 1))
    continue
  fi
  start=$SECONDS
  timeout -k 5 "$t" "$exe" 2>&1 | tee "$logf"
  rc=${PIPESTATUS[0]}
  read -r passed failed skipped <<<"$(totals "$logf")"
  if [[ -z ${passed:-} ]]; then passed="?" failed="?" skipped="?"; fi
  if ((rc != 0)) || [[ $failed != 0 ]]; then
    verdict="**FAILED** ($(status_word "$rc"))"
    failures=$((failures + 1))
  elif [[ $skipped != 0 && $has_device == 0 ]]; then
    verdict="skipped (no device)"
  elif [[ $skipped != 0 && $passed -le 2 ]]; then
    # only initTestCase and cleanupTestCase passed: a test must not pass vacuously on a GPU machine
    verdict="**all skipped** on a GPU machine"
    failures=$((failures + 1))
  elif [[ $skipped != 0 ]]; then
    verdict="passed, some skipped"
  else
    verdict="passed"
  fi
  test_rows+=("| $name | $verdict | $passed | $failed | $skipped | $((SECONDS - start)) s | $rc |")
done

# ---------------------------------------------------------------------------- GPU benchmark
section "GPU benchmark"
bench_gpu_status="not run"
if [[ -x $dev/bin/decodelab-bench-gpu ]]; then
  t=$(allow 120)
  if ((t == 0)); then
    bench_gpu_status="not run (out of time)"
  else
    start=$SECONDS
    timeout -k 5 "$t" "$dev/bin/decodelab-bench-gpu" --new-tokens 200 --repeats 3 2>&1 | tee "$OUT/bench-gpu.log"
    rc=${PIPESTATUS[0]}
    case $rc in
      0) bench_gpu_status="measured in $((SECONDS - start)) s" ;;
      77) if ((has_device)); then
            bench_gpu_status="**FAILED** (CUDA sees no device)"; problems+=("decodelab-bench-gpu: CUDA sees no device")
          else
            bench_gpu_status="skipped (no device)"
          fi ;;
      *) bench_gpu_status="**FAILED** ($(status_word "$rc"))"; problems+=("decodelab-bench-gpu: $(status_word "$rc")") ;;
    esac
  fi
else
  bench_gpu_status="missing from .device"
fi

# ---------------------------------------------------------------------------- speculative sampling
section "speculative sampling benchmark"
bench_spec_status="not run"
if [[ -x $dev/bin/decodelab-bench-speculative ]]; then
  t=$(allow 60)
  if ((t == 0)); then
    bench_spec_status="not run (out of time)"
  else
    timeout -k 5 "$t" "$dev/bin/decodelab-bench-speculative" --backend cuda --repeats 3 2>&1 | tee "$OUT/bench-speculative.log"
    rc=${PIPESTATUS[0]}
    case $rc in
      0) bench_spec_status="measured" ;;
      77) bench_spec_status="skipped (no device)" ;;
      *) bench_spec_status="**FAILED** ($(status_word "$rc"))"; problems+=("decodelab-bench-speculative: $(status_word "$rc")") ;;
    esac
  fi
else
  bench_spec_status="missing from .device"
fi

# ---------------------------------------------------------------------------- memcheck
for name in $DLAB_TESTS; do
  section "compute-sanitizer memcheck $name"
  exe=$dev/bin/$name
  if ((has_device == 0)); then
    sanitizer_rows+=("| $name | not run: no device | | |")
    echo "no device"
    continue
  fi
  if [[ -z $sanitizer ]]; then
    sanitizer_rows+=("| $name | not run: compute-sanitizer not found | | |")
    continue
  fi
  t=$(allow 150)
  if ((t == 0)); then
    sanitizer_rows+=("| $name | not run (out of time) | | |")
    continue
  fi
  start=$SECONDS
  memlog=$OUT/.memcheck
  timeout -k 5 "$t" "$sanitizer" --tool memcheck --report-api-errors no --print-limit 50 --error-exitcode 99 "$exe" \
    >"$memlog" 2>&1
  rc=$?
  tail -n 40 "$memlog"
  errors=$(sed -n 's/^========= ERROR SUMMARY: \([0-9]*\) error.*/\1/p' "$memlog" | tail -1)
  if grep -q 'Device not supported' "$memlog"; then
    verdict="device not supported by compute-sanitizer"
  elif [[ -z $errors ]]; then
    verdict="no summary ($(status_word "$rc"))"
  elif ((errors > 0)); then
    verdict="**$errors errors**"
    failures=$((failures + 1))
  elif ((rc != 0)); then
    verdict="test failed under memcheck ($(status_word "$rc"))"
    failures=$((failures + 1))
  else
    verdict="clean"
  fi
  sanitizer_rows+=("| $name | $verdict | ${errors:-?} | $((SECONDS - start)) s |")
  { printf '\n== compute-sanitizer --tool memcheck (exit %s)\n' "$rc"; cat "$memlog"; } >>"$OUT/$name.log"
  rm -f "$memlog"
done

# ---------------------------------------------------------------------------- CPU reference
section "CPU forward benchmark (reference)"
bench_cpu_status="not run"
if [[ -x $dev/bin/decodelab-bench-forward ]]; then
  t=$(allow 40)
  if ((t == 0)); then
    bench_cpu_status="not run (out of time)"
  else
    timeout -k 5 "$t" "$dev/bin/decodelab-bench-forward" --shape stories15M --prompt-tokens 64 --decode-tokens 32 \
      --repeats 2 2>&1 | tee "$OUT/bench-forward.log"
    rc=${PIPESTATUS[0]}
    if ((rc == 0)); then bench_cpu_status="measured"; else bench_cpu_status="**FAILED** ($(status_word "$rc"))"; fi
  fi
else
  bench_cpu_status="missing from .device"
fi

# ---------------------------------------------------------------------------- summary
{
  echo "# DecodeLab device check"
  echo
  echo "- device: $device_name; $runtime"
  echo "- bundle: ${DLAB_GIT_HEAD:-unknown}; whole run ${SECONDS} s of a ${budget_s} s budget"
  for p in "${problems[@]}"; do echo "- **problem**: $p"; done
  echo
  echo "## GPU tests"
  echo
  echo "| test | result | passed | failed | skipped | time | exit |"
  echo "| --- | --- | --- | --- | --- | --- | --- |"
  if ((${#test_rows[@]})); then printf '%s\n' "${test_rows[@]}"; else echo "| (none) | | | | | | |"; fi
  echo
  echo "## compute-sanitizer memcheck"
  echo
  echo "| test | result | errors | time |"
  echo "| --- | --- | --- | --- |"
  if ((${#sanitizer_rows[@]})); then printf '%s\n' "${sanitizer_rows[@]}"; else echo "| (none) | | | |"; fi
  echo
  echo "## GPU benchmark: $bench_gpu_status"
  if [[ -f $OUT/bench-gpu.log ]]; then
    echo
    sed -n '/^device 0:/,$p' "$OUT/bench-gpu.log"
  fi
  echo
  echo "## Speculative sampling on the device: $bench_spec_status"
  if [[ -f $OUT/bench-speculative.log ]]; then
    echo
    grep -E '^(plain|\|)' "$OUT/bench-speculative.log"
    echo
  fi
  echo "## CPU forward, stories15M shape (reference): $bench_cpu_status"
  if [[ -f $OUT/bench-forward.log ]]; then
    echo
    echo '```'
    grep -Ev '^$' "$OUT/bench-forward.log" | tail -n 5
    echo '```'
  fi
} >"$OUT/summary.md"
section "summary ($OUT/summary.md)"
cat "$OUT/summary.md"
((failures == 0 && ${#problems[@]} == 0))
