#!/usr/bin/env bash
# Workflow checkers from PyPI: check-jsonschema (validates
# .github/workflows against the GitHub workflow schema it ships) and zizmor
# (audits them for security problems). Installed into a virtualenv under
# the user's cache folder so the system Python is left alone; skipped when
# both are already there.
set -euo pipefail
# apt-get needs root: GitHub-hosted runners are not root but have sudo.
SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi

venv="${BIZRA_TOOLS_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/bizra-workflow-tools}"
say() { printf '[install] %s\n' "$*" >&2; }

if [ -x "$venv/bin/check-jsonschema" ] && [ -x "$venv/bin/zizmor" ]; then
  exit 0
fi
if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
  say "installing python3-venv"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
fi
say "installing check-jsonschema and zizmor into ${venv}"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check check-jsonschema zizmor
