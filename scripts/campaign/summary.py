#!/usr/bin/env python3
"""Summarises a campaign folder (scripts/campaign/run.sh) as a Markdown
table: one row per comparison."""
import json
import pathlib
import statistics
import sys

SLOWED = ("snr/compute/", "gossip/handle_message/")

out = pathlib.Path(sys.argv[1])
print("| comparison | minutes | exit | wall-time benches | flagged | false flags | slowed caught | UNKNOWN | median CI half-width |")
print("|---|---|---|---|---|---|---|---|---|")
for path in sorted(out.glob("*.json")):
    if path.name.endswith(".time.json") or path.stem == "warmup":
        continue
    name = path.stem
    timing = json.loads(path.with_suffix(".time.json").read_text())
    rows = [r for r in json.loads(path.read_text())["rows"] if r["metric"] == "wall_time_ns"]
    slowed = [r for r in rows if r["bench"].startswith(SLOWED)] if not name.startswith("identical") else []
    flagged = [r for r in rows if r["verdict"] in ("regressed", "improved")]
    false_flags = [r for r in flagged if r not in slowed]
    caught = [r for r in slowed if r["verdict"] == "regressed"]
    unknown = [r for r in rows if r["verdict"] == "unknown"]
    halves = [(r["upper"] - r["lower"]) / 2 * 100 for r in rows if r.get("upper") is not None and r.get("lower") is not None]
    half = f"{statistics.median(halves):.1f} %" if halves else "-"
    caught_text = f"{len(caught)} of {len(slowed)}" if slowed else "-"
    print(f"| {name} | {timing['seconds'] / 60:.1f} | {timing['exit']} | {len(rows)} | {len(flagged)} | {len(false_flags)} | {caught_text} | {len(unknown)} | {half} |")
