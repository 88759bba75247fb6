#!/usr/bin/env bash
# The action's install step: the harness from this action's own checkout
# (so a pull request cannot change the judge), and valgrind with
# gungraun-runner at the version the repository's Cargo.lock pins when it
# has gungraun benches. apt-get goes through sudo: hosted runners are not
# root.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
say() { printf '[harness-action] %s\n' "$*" >&2; }

# Always this action's own harness, in a folder of its own: a `harness`
# already on PATH (an older cached one) is never used instead.
root="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/harness-action"
say "cargo install --path $here/harness --root $root"
cargo install --locked --path "$here/harness" --root "$root"
if [ -n "${GITHUB_PATH:-}" ]; then echo "$root/bin" >>"$GITHUB_PATH"; fi

want="${HARNESS_VALGRIND:-auto}"
gungraun=""
if [ -f Cargo.lock ]; then
  gungraun="$(awk '/^name = "gungraun"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)"
fi
case "$want" in
  auto) if [ -n "$gungraun" ]; then want=true; else want=false; fi ;;
  true | false) ;;
  *) say "valgrind: expected auto, true or false, not ${want@Q}"; exit 2 ;;
esac
if [ "$want" = true ]; then
  SUDO=""
  if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
  if ! command -v valgrind >/dev/null 2>&1; then
    say "installing valgrind"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind
  fi
  if [ -n "$gungraun" ] && ! gungraun-runner --version 2>/dev/null | grep -qE "(^|[^0-9.])${gungraun//./\\.}([^0-9.]|$)"; then
    say "cargo install gungraun-runner --version $gungraun"
    cargo install --locked gungraun-runner --version "$gungraun"
  fi
fi
