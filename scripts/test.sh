#!/usr/bin/env bash
# The test command (after the install command, scripts/install.sh): checks
# formatting, lints and runs every test (unit, parity, property, doc, and
# each bench once in test mode).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n[test] %s\n' "$*" >&2; }

step "cargo fmt --check"
cargo fmt --all -- --check
step "cargo clippy --all-targets -- -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings
step "cargo test"
cargo test --workspace --all-targets --locked
step "cargo test --doc"
cargo test --workspace --doc --locked
# Further checks, one file per concern.
for extra in scripts/test.d/*.sh; do
  [ -e "$extra" ] || continue
  step "$extra"
  bash "$extra"
done
step "all green"
