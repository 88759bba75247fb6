#!/usr/bin/env bash
# Validates every workflow (and the reusable action) against the GitHub workflow schema
# (check-jsonschema's built-in copy, so no network) and audits them with
# zizmor offline; .github/zizmor.yml explains each finding left in place.
set -euo pipefail
cd "$(dirname "$0")/../.."

venv="${BIZRA_TOOLS_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/bizra-workflow-tools}"
export PATH="$venv/bin:$PATH"
shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
if [ "${#workflows[@]}" -eq 0 ]; then
  echo "no workflows to check"
  exit 0
fi
check-jsonschema --builtin-schema vendor.github-workflows "${workflows[@]}"
zizmor --offline --config .github/zizmor.yml --persona pedantic .github/workflows
# The reusable action (action.yml at the root) against the action schema.
check-jsonschema --builtin-schema vendor.github-actions action.yml
zizmor --offline --config .github/zizmor.yml --persona pedantic action.yml
bash -n action/install.sh action/run.sh
