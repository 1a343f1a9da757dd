#!/usr/bin/env bash
# `make run`: starts DecodeLab's main program. Until the desktop app and the embedded
# default model land, that is the command-line tool's help.
# usage: scripts/demo.sh [BUILD_DIR]
set -euo pipefail
build=${1:-build}
"$build/app/cli/decodelab-cli" help
