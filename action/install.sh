#!/usr/bin/env bash
# The action's install step: the harness from this action's own checkout
# (so a pull request cannot change the judge), and valgrind with
# gungraun-runner at the version the repository's Cargo.lock pins when it
# has gungraun benches. apt-get goes through sudo: hosted runners are not
# root.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
say() { printf '[harness-action] %s\n' "$*" >&2; }

if ! command -v harness >/dev/null 2>&1; then
  say "cargo install --path $here/harness"
  cargo install --locked --path "$here/harness"
fi

want="${HARNESS_VALGRIND:-auto}"
gungraun=""
if [ -f Cargo.lock ]; then
  gungraun="$(awk '/^name = "gungraun"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)"
fi
if [ "$want" = auto ]; then
  if [ -n "$gungraun" ]; then want=true; else want=false; fi
fi
if [ "$want" = true ]; then
  SUDO=""
  if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
  if ! command -v valgrind >/dev/null 2>&1; then
    say "installing valgrind"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind
  fi
  if [ -n "$gungraun" ] && ! gungraun-runner --version 2>/dev/null | grep -qF "$gungraun"; then
    say "cargo install gungraun-runner --version $gungraun"
    cargo install --locked gungraun-runner --version "$gungraun"
  fi
fi
