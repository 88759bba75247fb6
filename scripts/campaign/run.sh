#!/usr/bin/env bash
# The pull-request gate measured on this machine, as a user meets it:
# `harness compare` of the whole quick suite (every system) on identical
# code, with a 5 % and a 15 % slowdown injected into two hot paths
# (scripts/campaign/inject.py), with the sequential design (the default)
# and, with FIXED=1, the fixed 6 rounds of before, one comparison after
# the other. Then a table:
# wall time of each comparison (builds excluded: they are reused from the
# first one), wall-time benches flagged, false flags, slowed benches
# caught, UNKNOWNs, and the median half-width of the 95 % interval.
#
#   [FIXED=1|only] [KINDS="identical slow5 slow15"] scripts/campaign/run.sh OUT_DIR [REPEATS]
#
# REPEATS (3) applies to identical code and +5 %; +15 % runs once. KINDS
# chooses which of the three run (all by default). FIXED=only runs the
# fixed 6 rounds alone (identical code and +5 %).
#
# Needs an otherwise idle machine: anything else running widens every
# interval. About 15 minutes per comparison.
set -euo pipefail
out=$(realpath -m "${1:?usage: run.sh OUT_DIR [REPEATS]}")
repeats="${2:-3}"
here=$(cd "$(dirname "$0")" && pwd)
repo=$(git -C "$here" rev-parse --show-toplevel)
base=$(git -C "$repo" rev-parse HEAD)
mkdir -p "$out"
cargo build --release --locked -q -p harness --manifest-path "$repo/Cargo.toml"
harness="$repo/target/release/harness"

# One branch per slowdown, made from HEAD in a scratch worktree.
for pct in 5 15; do
  branch="campaign-slow$pct"
  git -C "$repo" branch -D "$branch" >/dev/null 2>&1 || true
  tree="$out/tree-$pct"
  rm -rf "$tree"
  git -C "$repo" worktree add -q -b "$branch" "$tree" "$base"
  python3 "$here/inject.py" "$tree" "$pct"
  git -C "$tree" -c user.name=campaign -c user.email=campaign@invalid commit -qam "inject $pct% into two hot paths"
  git -C "$repo" worktree remove --force "$tree"
done

kinds=" ${KINDS:-identical slow5 slow15} "
want() { [[ "$kinds" == *" $1 "* ]]; }

compare() { # NAME HEAD [extra args]; BUDGET (15m) bounds the measuring time
  local name=$1 head=$2
  shift 2
  echo "[campaign] $name: $(date -u +%H:%M:%S), load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  local start end status=0
  start=$(date +%s)
  (cd "$repo" && "$harness" compare --base "$base" --head "$head" --budget "${BUDGET:-15m}" \
    --target-dir "$out/targets" --out "$out/$name.json" "$@" >"$out/$name.txt" 2>"$out/$name.err") || status=$?
  end=$(date +%s)
  echo "{\"seconds\": $((end - start)), \"exit\": $status}" >"$out/$name.time.json"
}

# Builds both sides once (kept in --target-dir), so the timed comparisons
# measure rounds, not compilation (each still rebuilds the workspace's own
# crates: the checkouts are new; the summary's "measuring minutes" leave
# the builds out).
compare warmup "$base" --rounds 2 --min-rounds 2 --filter '^ntu/observe/w5$'
# Interleaved, so that a campaign stopped early is still balanced.
if [ "${FIXED:-0}" != only ]; then
  if want identical; then compare identical-seq-1 "$base"; fi
  if want slow5; then compare slow5-seq-1 campaign-slow5; fi
  if want slow15; then compare slow15-seq-1 campaign-slow15; fi
  for i in $(seq 2 "$repeats"); do
    if want identical; then compare "identical-seq-$i" "$base"; fi
    if want slow5; then compare "slow5-seq-$i" campaign-slow5; fi
  done
fi
# The design before: fixed 6 rounds of the quick profile (0.5 s + 2 s per
# bench and side), about 30 minutes each; with FIXED=1 or FIXED=only.
if [ "${FIXED:-0}" != 0 ]; then
  BUDGET=1h compare identical-fixed6-1 "$base" --profile quick --rounds 6 --min-rounds 6
  BUDGET=1h compare slow5-fixed6-1 campaign-slow5 --profile quick --rounds 6 --min-rounds 6
fi
python3 "$here/summary.py" "$out"
