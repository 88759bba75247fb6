#!/usr/bin/env bash
# The action's run step, in the repository being measured.
#
#   HARNESS_MODE=pr    compare HARNESS_BASE (the target branch) with HEAD,
#                      within HARNESS_BUDGET, and publish one PR comment.
#   HARNESS_MODE=main  run the benches (HARNESS_PROFILE), append to
#                      HARNESS_HISTORY (or, with HARNESS_DATA_BRANCH, to
#                      the store history/ on that branch of origin, pushed with
#                      GITHUB_TOKEN), check the run, bisect each slowdown
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
# The profile of `run`; compare and bisect measure short paired rounds
# (their own default profile, `round`).
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
    env -u GITHUB_TOKEN "$harness" compare --base "$base" --head HEAD \
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
    bisects="${HARNESS_BISECTS:-reports/bisects}"
    branch="${HARNESS_DATA_BRANCH:-}"
    status=0
    if [ -z "$branch" ]; then
      history="${HARNESS_HISTORY:-reports/history}"
      "$harness" run --profile "$profile" --history "$history" || status=$?
    else
      # The history lives on a data branch: this run is recorded on its own
      # first, then appended to a fresh copy of the branch and pushed; a
      # concurrent push makes ours fail, and we start again from the branch
      # as it is then, so no run is lost or doubled.
      data=.harness-data
      history="$data/history"
      bisects="$data/bisects"
      remote="${HARNESS_DATA_REMOTE:-$(git remote get-url origin)}"
      if [ -n "${GITHUB_TOKEN:-}" ] && [[ "$remote" == https://github.com/* ]]; then
        remote="https://x-access-token:${GITHUB_TOKEN}@${remote#https://}"
      fi
      fetch_data() {
        rm -rf "$data"
        if git ls-remote --exit-code --heads "$remote" "$branch" >/dev/null 2>&1; then
          git clone --quiet --depth 1 --branch "$branch" "$remote" "$data"
        else
          git init --quiet -b "$branch" "$data" && git -C "$data" remote add origin "$remote"
        fi
      }
      rm -f .harness-run.jsonl
      "$harness" run --profile "$profile" --history .harness-run.jsonl || status=$?
      fetch_data || { say "cannot read the data branch ${branch@Q}"; verdict 2; exit 2; }
      if [ -s .harness-run.jsonl ]; then
        "$harness" merge .harness-run.jsonl --history "$history" || status=2
      fi
    fi
    if [ "$status" -le 1 ]; then
      "$harness" check --history "$history" --suspects suspects.json || status=$?
    fi
    # A slowdown confirmed at this run between two runs that span several
    # commits: find the commit. A failed bisection is only a warning.
    if [ "$status" -eq 1 ] && [ "${HARNESS_BISECT:-true}" != false ] && [ -s suspects.json ] \
      && [ "$(tr -d '[:space:]' <suspects.json)" != "[]" ]; then
      summary="${GITHUB_STEP_SUMMARY:-/dev/null}"
      "$harness" bisect --suspects suspects.json --out-dir "$bisects" \
        --history "$history" --format markdown >>"$summary" \
        || say "warning: bisect did not finish; the slowdown stands, its commit is unknown"
    fi
    if [ -n "$branch" ] && [ -s .harness-run.jsonl ]; then
      saved=false
      if [ -d "$bisects" ]; then rm -rf .harness-bisects && cp -r "$bisects" .harness-bisects; fi
      for attempt in 1 2 3 4 5; do
        if [ "$attempt" -gt 1 ]; then
          fetch_data || { sleep $((attempt * 2)); continue; }
          "$harness" merge .harness-run.jsonl --history "$history" || break
          if [ -d .harness-bisects ]; then mkdir -p "$bisects" && cp .harness-bisects/*.json "$bisects"/; fi
        fi
        git -C "$data" add -A
        git -C "$data" -c user.name="bench bot" -c user.email="bench@users.noreply.github.com" \
          commit --quiet -m "history: run of $(git rev-parse HEAD)"
        if git -C "$data" push --quiet origin "HEAD:$branch"; then saved=true; break; fi
        say "push to ${branch@Q} rejected (attempt $attempt): the branch moved; retrying"
        sleep $((attempt * 2))
      done
      if [ "$saved" != true ]; then
        say "could not save the run to the data branch ${branch@Q}"
        status=2
      fi
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
