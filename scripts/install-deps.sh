#!/usr/bin/env bash
# Installs every Debian package DecodeLab needs to build, test and run; with --models also
# what `make models` needs to regenerate the embedded models (PyTorch, SentencePiece).
# Idempotent: packages already present are skipped, and nothing is done when all are.
# Runs apt-get through sudo unless already root.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libeigen3-dev nlohmann-json3-dev
  qt6-base-dev libqt6opengl6-dev qt6-charts-dev qt6-svg-dev qt6-tools-dev qt6-l10n-tools libgl-dev
  fonts-noto-cjk
)
if [ "${1:-}" = "--models" ]; then
  # OpenBLAS's pthread build makes Debian's torch train ~10x faster than the reference BLAS
  packages+=(python3-torch python3-sentencepiece python3-numpy libopenblas0-pthread)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
