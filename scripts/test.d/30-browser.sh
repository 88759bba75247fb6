#!/usr/bin/env bash
# The dashboard in a real browser: builds synthetic histories (36 runs with
# one injected step; 1,000 runs × 100 benches for the load time; none at
# all), renders each with `harness report`, checks that rerunning is
# byte-identical, then drives headless chromium over them
# (harness/tests/browser/test.mjs). Screenshots go to target/screenshots/.
set -euo pipefail
cd "$(dirname "$0")/../.."

bash scripts/install.d/30-browser.sh

target=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
work="$target/browser-test"
rm -rf "$work"
mkdir -p "$work"

cargo build -q -p harness --bin harness --example synth_history
harness="$target/debug/harness"
synth="$target/debug/examples/synth_history"

site() { # NAME SYNTH_DIR
  "$harness" report --history "$2/history.jsonl" --targets "$2/targets.toml" \
    --repo "$2/repo" --criterion "$2/criterion" --bisects "$2/bisects" --out "$work/$1" \
    --commit-url 'https://github.com/OWNER/REPO/commit/{sha}'
}

"$synth" "$work/small" 36 6 42
# A bisect result whose commit subject is hostile markup: the page must show
# it as text.
mkdir -p "$work/small/bisects"
cat >"$work/small/bisects/range.json" <<'JSON'
{"good": {"rev": "a", "commit": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},
 "bad": {"rev": "b", "commit": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"},
 "first_bad": {"commit": "cccccccccccccccccccccccccccccccccccccccc",
   "summary": "Switch <img src=x onerror=window.pwned=1> to a list", "or_skipped": [],
   "evidence": [{"bench": "ntu/observe/w16", "metric": "wall_time_ns", "ratio": 1.31,
     "lower": 1.25, "upper": 1.37, "rounds": 4}]}}
JSON
site site-small "$work/small"
site site-again "$work/small"
diff -r "$work/site-small" "$work/site-again"
echo "rerun is byte-identical" >&2

"$synth" "$work/big" 1000 100 7
site site-big "$work/big"

# A history with no run is an error (exit 2), never an empty site...
if "$harness" report --history "$work/no-such-history.jsonl" --out "$work/site-none" 2>/dev/null; then
  echo "report on a missing history should fail" >&2
  exit 1
fi
# ...so the page's own notice for data with no run is tried on a copy of a
# site whose data is emptied by hand.
cp -rL "$work/site-small" "$work/site-empty"
printf '%s\n' 'window.HARNESS_DATA = {"machine":null,"profile":null,"runs_total":0,"left_out":0,"commit_url":null,"runs":[],"rows":[],"benches":[],"warnings":[]};' \
  >"$work/site-empty/data.js"

node harness/tests/browser/test.mjs "$work" "$target/screenshots"
