#!/usr/bin/env bash
# Builds the GPU tests and benchmarks here and packs them for a GPU machine that has the
# CUDA driver and toolkit but neither Qt nor this project's other libraries: the
# executables (embedded models compiled in) go to bin/, every shared library they load
# that a stock Ubuntu 24.04 + CUDA 13 image lacks (Qt 6, ICU, double-conversion,
# pcre2-16, b2, glib …) to lib/, both staged in BUILD_DIR/device-stage and packed into
# .device/bundle.tar.xz (xz finds the
# embedded model that two executables share, and ICU's data compresses well: about 20 MiB
# against 65 unpacked). scripts/device-check.sh unpacks and runs them there.
#
# usage: scripts/prepare-device.sh [BUILD_DIR] [DEST]     (defaults: build-gpu .device)
#   NO_BUILD=1  pack what BUILD_DIR holds without building first
#
# The folder is git-ignored (.gitignore) and travels only when named in the device
# tool's carry list; it must stay well under the tool's 64 MiB working-tree limit together
# with the tracked files, so the total is printed and a warning given above 45 MiB.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=${1:-build-gpu}
dest=${2:-.device}
build_abs=$(cd "$(dirname "$build")" && pwd)/$(basename "$build")

if [[ ! -f "$build/build.ninja" && ! -f "$build/Makefile" ]]; then
  echo "== configuring $build (UI off, CUDA on for the H200's sm_90, no -march=native: the GPU machine's CPU may differ)"
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DDECODELAB_UI=OFF -DDECODELAB_TESTS=ON \
    -DDECODELAB_CUDA=ON -DDECODELAB_NATIVE=OFF -DCMAKE_CUDA_ARCHITECTURES=90
fi
if ! grep -q '^CMAKE_CUDA_ARCHITECTURES:STRING=90' "$build/CMakeCache.txt"; then
  echo "warning: $build builds for CUDA architectures $(sed -n 's/^CMAKE_CUDA_ARCHITECTURES:STRING=//p' \
       "$build/CMakeCache.txt"), not the H200's 90: its kernels run there only as JIT-compiled PTX" \
       "(reconfigure with -DCMAKE_CUDA_ARCHITECTURES=90)" >&2
fi
if grep -q '^DECODELAB_NATIVE:BOOL=ON' "$build/CMakeCache.txt"; then
  echo "warning: $build is configured with DECODELAB_NATIVE=ON; its binaries may use instructions the GPU" \
       "machine's CPU lacks (reconfigure with -DDECODELAB_NATIVE=OFF)" >&2
fi
if [[ ! -d $build/gpu ]]; then
  echo "error: $build has no CUDA backend (configure with -DDECODELAB_CUDA=ON where nvcc is)" >&2
  exit 1
fi

# the GPU test executables, one per tests/gpu/test_*.cpp
tests=()
for source in tests/gpu/test_*.cpp; do
  [[ -e $source ]] && tests+=("$(basename "$source" .cpp)")
done
benches=(decodelab-bench-gpu decodelab-bench-forward decodelab-bench-speculative)
# a GPU test that runs the CLI (tests/testing/cli_runner) needs it at the path compiled in
need_cli=0
if grep -qs 'cli_runner\|run_cli' tests/gpu/*.cpp; then need_cli=1; fi

if [[ -z ${NO_BUILD:-} ]]; then
  targets=("${tests[@]}" "${benches[@]}")
  ((need_cli)) && targets+=(decodelab-cli)
  echo "== building ${targets[*]}"
  nice cmake --build "$build" --target "${targets[@]}" -j "${JOBS:-2}"
fi

stage=$build/device-stage   # unpacked; stays here
rm -rf "$stage" "$dest"
mkdir -p "$stage/bin" "$stage/lib" "$dest"
executables=()
for name in "${tests[@]}"; do
  if [[ -x $build/tests/$name ]]; then executables+=("$build/tests/$name")
  else echo "warning: $build/tests/$name is missing (not built?)" >&2; fi
done
for name in "${benches[@]}"; do
  if [[ -x $build/bench/$name ]]; then executables+=("$build/bench/$name")
  else echo "warning: $build/bench/$name is missing (not built?)" >&2; fi
done
((need_cli)) && executables+=("$build/app/decodelab-cli")
for exe in "${executables[@]}"; do
  # symbols stay (compute-sanitizer's host backtraces name functions); debug info goes
  objcopy --strip-debug "$exe" "$stage/bin/$(basename "$exe")"
done

# Libraries a stock Ubuntu 24.04 + CUDA 13 image has already, or that must come from the
# GPU machine itself (the driver): never copied, so the machine's own (newer) ones load.
system_libs='^(linux-vdso|ld-linux.*|libc|libm|libdl|libpthread|librt|libresolv|libutil|libmvec|libstdc\+\+|libgcc_s|libatomic|libz|libzstd|liblzma|libbz2|libselinux|libpcre2-8|libmd|libcap|libcrypt|libaudit|libacl|libattr|libtinfo|libncursesw|libmount|libblkid|libuuid|libsystemd|libgcrypt|libgpg-error|liblz4|libcuda|libnvidia-.*|libcudart|libcublas|libcublasLt|libcufft|libcurand|libcusparse|libcusolver|libnvrtc|libnvJitLink|libnvToolsExt)\.so'
declare -A copied=()
for exe in "${executables[@]}"; do
  while read -r soname _ path _; do
    [[ -n $path && $path == /* ]] || continue
    if [[ $soname =~ $system_libs ]]; then continue; fi
    [[ -n ${copied[$soname]:-} ]] && continue
    cp -L "$path" "$stage/lib/$soname"
    strip --strip-unneeded "$stage/lib/$soname" 2>/dev/null || true
    copied[$soname]=$path
  done < <(ldd "$exe" | grep '=>')
done

# What device-check.sh needs to know about this build: the paths compiled into the tests.
{
  echo "# written by scripts/prepare-device.sh on $(hostname) at $(date -u +%FT%TZ)"
  echo "DLAB_SOURCE_DIR=$root"
  echo "DLAB_BUILD_DIR=$build_abs"
  echo "DLAB_NEED_CLI=$need_cli"
  echo "DLAB_GIT_HEAD=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo +dirty)"
  echo "DLAB_TESTS=\"${tests[*]}\""
} >"$stage/manifest.env"

echo "== packing $stage into $dest/bundle.tar.xz"
cp "$stage/manifest.env" "$dest/manifest.env"
# one xz block with a 64 MiB dictionary, so that the second copy of the embedded model costs nothing
tar -C "$stage" -cf - manifest.env bin lib | nice xz -9 -T1 >"$dest/bundle.tar.xz"
echo "executables:"
(cd "$stage/bin" && du -b -- * | awk '{printf "  %-32s %6.1f MiB\n", $2, $1 / 1048576}')
echo "libraries:"
(cd "$stage/lib" && du -b -- * 2>/dev/null | awk '{printf "  %-32s %6.1f MiB\n", $2, $1 / 1048576}')
unpacked=$(du -sb "$stage" | cut -f1)
total=$(du -sb "$dest" | cut -f1)
tracked=$(git ls-files -z | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1)
awk -v d="$dest" -v t="$total" -v u="$unpacked" -v g="$tracked" 'BEGIN {
  printf "total %s: %.1f MiB (%.1f MiB unpacked); the tracked files travel too: %.1f MiB; the tool takes 64 MiB in all\n",
         d, t / 1048576, u / 1048576, g / 1048576 }'
if ((total > 45 * 1048576)); then
  echo "warning: $dest is over 45 MiB" >&2
fi
