#!/usr/bin/env bash
# The action's run step, in the repository being measured.
#
#   HARNESS_MODE=pr    compare HARNESS_BASE (the target branch) with HEAD,
#                      within HARNESS_BUDGET, and publish one PR comment.
#   HARNESS_MODE=main  run the benches (HARNESS_PROFILE), append to
#                      HARNESS_HISTORY, check the run, bisect each slowdown
#                      it confirms into HARNESS_BISECTS (unless
#                      HARNESS_BISECT=false; needs the full git history),
#                      render HARNESS_SITE.
#
# Writes `verdict=pass|regressed|error` to $GITHUB_OUTPUT when set; exits
# with the harness's code (1 a regression, 2 an error). Inputs come only
# through the environment, never into the script text.
set -uo pipefail
harness="${HARNESS_BIN:-harness}"
mode="${HARNESS_MODE:?HARNESS_MODE must be pr or main}"
profile="${HARNESS_PROFILE:-quick}"
say() { printf '[harness-action] %s\n' "$*" >&2; }
verdict() {
  local v=pass
  if [ "$1" -eq 1 ]; then v=regressed; elif [ "$1" -gt 1 ]; then v=error; fi
  if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "verdict=$v" >>"$GITHUB_OUTPUT"; fi
  say "verdict: $v"
}

case "$mode" in
  pr)
    base="${HARNESS_BASE:?HARNESS_BASE (the target branch) is required in pr mode}"
    # A branch name is resolved on the remote when it is not a local revision.
    if ! git rev-parse --verify --quiet "$base^{commit}" >/dev/null; then
      base="origin/$base"
    fi
    status=0
    # The pull request's code (build scripts, benches) runs inside compare:
    # it never sees the token, which only publish gets.
    env -u GITHUB_TOKEN "$harness" compare --base "$base" --head HEAD --profile "$profile" \
      --budget "${HARNESS_BUDGET:-15m}" --out compare.json || status=$?
    if [ "$status" -le 1 ]; then
      args=(publish --compare compare.json)
      if [ -n "${HARNESS_PR:-}" ]; then args+=(--pr "$HARNESS_PR"); fi
      "$harness" "${args[@]}" || status=$?
    fi
    verdict "$status"
    exit "$status"
    ;;
  main)
    history="${HARNESS_HISTORY:-reports/history.jsonl}"
    bisects="${HARNESS_BISECTS:-reports/bisects}"
    status=0
    "$harness" run --profile "$profile" --history "$history" || status=$?
    if [ "$status" -le 1 ]; then
      "$harness" check --history "$history" --suspects suspects.json || status=$?
    fi
    # A slowdown confirmed at this run between two runs that span several
    # commits: find the commit. A failed bisection is only a warning.
    if [ "$status" -eq 1 ] && [ "${HARNESS_BISECT:-true}" != false ] && [ -s suspects.json ] \
      && [ "$(tr -d '[:space:]' <suspects.json)" != "[]" ]; then
      summary="${GITHUB_STEP_SUMMARY:-/dev/null}"
      "$harness" bisect --suspects suspects.json --out-dir "$bisects" --profile "$profile" \
        --history "$history" --format markdown >>"$summary" \
        || say "warning: bisect did not finish; the slowdown stands, its commit is unknown"
    fi
    # The dashboard is drawn whatever the verdict, so a regression is seen.
    "$harness" report --history "$history" --bisects "$bisects" --out "${HARNESS_SITE:-reports/site}" || {
      s=$?
      if [ "$status" -eq 0 ]; then status=$s; fi
    }
    verdict "$status"
    exit "$status"
    ;;
  *)
    say "HARNESS_MODE must be pr or main, not ${mode@Q}"
    exit 2
    ;;
esac
