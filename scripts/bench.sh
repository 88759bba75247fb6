#!/usr/bin/env bash
# The main job: installs what is missing, then runs every bench suite.
# BIZRA_BENCH_PROFILE=quick (default) or full chooses the measurement profile.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install.sh
cargo bench --workspace --locked "$@"
