#!/usr/bin/env python3
"""Summarises a campaign folder (scripts/campaign/run.sh) as a Markdown
table: one row per comparison."""
import json
import pathlib
import re
import statistics
import sys


def measuring_minutes(err_path):
    """Minutes from the first measurement to the end, from the progress
    lines on stderr (`[base counts ...] cargo ... (338.0s)`), so the two
    builds are left out as the goal says."""
    start = end = None
    for line in err_path.read_text(errors="replace").splitlines():
        m = re.match(r"\[(?:base|head) (?:counts|round \d+/\d+) .*\((\d+(?:\.\d+)?)s\)$", line)
        if m and start is None:
            start = float(m.group(1))
        m = re.match(r"\[harness\] compare done in (\d+(?:\.\d+)?)s", line)
        if m:
            end = float(m.group(1))
    if start is None or end is None:
        return None
    return (end - start) / 60

SLOWED = ("snr/compute/", "gossip/handle_message/")

out = pathlib.Path(sys.argv[1])
print("| comparison | minutes | measuring minutes | rounds | exit | wall-time benches | flagged | false flags | slowed caught | UNKNOWN | median CI half-width |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
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
    measuring = measuring_minutes(path.with_suffix(".err"))
    measuring_text = f"{measuring:.1f}" if measuring is not None else "-"
    most_rounds = max((r["rounds"] for r in rows), default=0)
    caught_text = f"{len(caught)} of {len(slowed)}" if slowed else "-"
    print(f"| {name} | {timing['seconds'] / 60:.1f} | {measuring_text} | {most_rounds} | {timing['exit']} | {len(rows)} | {len(flagged)} | {len(false_flags)} | {caught_text} | {len(unknown)} | {half} |")
