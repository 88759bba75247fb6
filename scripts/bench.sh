#!/usr/bin/env bash
# The main job: installs what is missing, then runs the harness over every
# suite (Criterion, instruction counts, heap probes), appends the run to the
# history and judges it against targets.toml, the saved baseline and the
# run-to-run variation of the history. Exit code: 0 all well, 1 a
# confirmed regression (new or still open) or a broken gate, 2 a usage or
# input error.
#
# Arguments go to `harness run` (e.g. --profile full, --filter REGEX).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install.sh
cargo build --release --locked -p harness
target/release/harness run "$@"
target/release/harness check
