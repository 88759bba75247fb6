#!/usr/bin/env bash
# Seeds the corpora of the harness fuzz targets with real files: the
# parser fixtures under harness/tests/data (and the shared fixtures folder
# when it exists), the repository's targets.toml, and histories built from
# the run-record fixture. Each seed is named by its SHA-1, as libFuzzer
# names corpus entries, so running this twice adds nothing.
# Usage: fuzz/seed.sh [FIXTURES_DIR]   (default: /work/shared/fixtures)
set -euo pipefail
cd "$(dirname "$0")/.."
shared="${1:-/work/shared/fixtures}"
data=harness/tests/data
corpus=fuzz/corpus

# put TARGET FILE: copies FILE into the target's corpus.
put() {
  mkdir -p "$corpus/$1"
  cp "$2" "$corpus/$1/$(sha1sum "$2" | cut -d' ' -f1)"
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

roots=("$data")
[ -d "$shared" ] && roots+=("$shared")

# History: the run record as one line, two lines, a torn last line, and
# the pretty-printed file itself (many damaged lines).
run="$data/model/run.v1.json"
python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))))' "$run" >"$tmp/one.jsonl"
cat "$tmp/one.jsonl" "$tmp/one.jsonl" >"$tmp/two.jsonl"
{ cat "$tmp/one.jsonl"; head -c 200 "$tmp/one.jsonl"; } >"$tmp/torn.jsonl"
for f in "$tmp"/one.jsonl "$tmp"/two.jsonl "$tmp"/torn.jsonl "$run"; do put history_reader "$f"; done

# Criterion: each new/ or base/ folder as benchmark.json, 0xFF,
# estimates.json, 0xFF, sample.json (the layout fuzzing::criterion splits).
while IFS= read -r -d '' bench; do
  dir=$(dirname "$bench")
  out="$tmp/criterion"
  { cat "$dir/benchmark.json"; printf '\377'; cat "$dir/estimates.json"; printf '\377'; cat "$dir/sample.json"; } >"$out"
  put criterion_import "$out"
done < <(find "${roots[@]}" -path '*/criterion/*' -name benchmark.json -print0)

# gungraun: every summary file (schema v6 and v7).
while IFS= read -r -d '' f; do put gungraun_import "$f"; done \
  < <(find "${roots[@]}" -path '*gungraun*' \( -name summary.json -o -name '*summary.v6.json' \) -print0)

# Heap probe output.
while IFS= read -r -d '' f; do put heap_json "$f"; done < <(find "${roots[@]}" -name heap.json -print0)

# targets.toml: the repository's gates.
put targets_toml targets.toml

for t in history_reader criterion_import gungraun_import heap_json targets_toml; do
  printf '%-18s %s seeds\n' "$t" "$(find "$corpus/$t" -type f | wc -l)"
done
