#!/usr/bin/env bash
# The campaign's slowdown injector (scripts/campaign/inject.py) edits two
# functions by their exact signatures; when either signature changes, the
# injection must fail here rather than on the measuring machine. It runs
# on a scratch copy of the two files only (no build).
set -euo pipefail
cd "$(dirname "$0")/../.."

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/src/snr" "$scratch/src/gossip"
cp src/snr/mod.rs "$scratch/src/snr/mod.rs"
cp src/gossip/engine.rs "$scratch/src/gossip/engine.rs"
python3 scripts/campaign/inject.py "$scratch" 5
grep -q "fn compute_unslowed" "$scratch/src/snr/mod.rs"
grep -q "fn handle_message_unslowed" "$scratch/src/gossip/engine.rs"
