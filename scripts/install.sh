#!/usr/bin/env bash
# Installs what the benches and tests need on a fresh Debian machine with a
# Rust toolchain. Idempotent: each step is skipped when already satisfied.
set -euo pipefail
# apt-get needs root: GitHub-hosted runners are not root but have sudo.
SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
cd "$(dirname "$0")/.."

say() { printf '[install] %s\n' "$*" >&2; }

# Toolchain components used by the test command.
for component in clippy rustfmt; do
  if ! rustup component list --installed 2>/dev/null | grep -q "^${component}"; then
    say "adding rustup component ${component}"
    rustup component add "${component}"
  fi
done

# Debian packages: valgrind runs the instruction-count benches.
missing=()
command -v valgrind >/dev/null 2>&1 || missing+=(valgrind)
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing apt packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

# gungraun-runner runs the instruction-count benches; it must be exactly the
# version of the gungraun crate in Cargo.lock.
want=$(awk '/^name = "gungraun"$/ { getline; gsub(/"/, "", $3); print $3 }' Cargo.lock)
have=$(gungraun-runner --version 2>/dev/null | awk '{ print $2 }' || true)
if [ -n "$want" ] && [ "$have" != "$want" ]; then
  say "installing gungraun-runner ${want} (found: ${have:-none})"
  cargo install --locked --version "$want" gungraun-runner
fi

# Further steps, one file per concern (each idempotent).
for step in scripts/install.d/*.sh; do
  [ -e "$step" ] || continue
  say "running ${step}"
  bash "$step"
done

say "ok"
