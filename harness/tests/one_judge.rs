//! One history through every view: `check`, `analyze`, the dashboard's
//! page data and the pull-request comment give each series the same
//! verdict, because they all ask the one judging core.

mod common;

use std::collections::BTreeMap;

use common::*;
use serde_json::Value;

/// 24 runs of four benches: `a` steady, `b` 15 % slower for its last three
/// runs, `c` 10 % slower at the latest run only, `d` 20 % faster for its
/// last two runs.
fn history(dir: &std::path::Path) -> (std::path::PathBuf, Value) {
    let runs: Vec<Value> = (0..24)
        .map(|i| {
            let noise = |s: u64| 100.0 * (1.0 + 0.01 * wobble(1000 + 7 * i as u64 + s, 1)[0]);
            let late = |n: usize| i >= 24 - n;
            run(
                &format!("r{i:02}"),
                "cpu-a",
                vec![
                    wall("x/a/1", noise(1), i as u64),
                    wall(
                        "x/b/1",
                        noise(2) * if late(3) { 1.15 } else { 1.0 },
                        100 + i as u64,
                    ),
                    wall(
                        "x/c/1",
                        noise(3) * if late(1) { 1.10 } else { 1.0 },
                        200 + i as u64,
                    ),
                    wall(
                        "x/d/1",
                        noise(4) * if late(2) { 0.80 } else { 1.0 },
                        300 + i as u64,
                    ),
                ],
            )
        })
        .collect();
    (write_history(dir, &runs), runs[23].clone())
}

fn verdicts(rows: &[Value], key: &str) -> BTreeMap<String, String> {
    rows.iter()
        .map(|r| {
            (
                r["bench"].as_str().unwrap().to_owned(),
                r[key].as_str().unwrap_or("none").to_owned(),
            )
        })
        .collect()
}

#[test]
fn every_view_gives_each_series_the_same_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let (hist, latest) = history(dir.path());
    let check = harness(dir.path())
        .args(["check", "--format", "json", "--history"])
        .arg(&hist)
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(1));
    let check: Value = serde_json::from_slice(&check.stdout).unwrap();
    let expected = verdicts(check["rows"].as_array().unwrap(), "verdict");
    let want: BTreeMap<String, String> = [
        ("x/a/1", "pass"),
        ("x/b/1", "regressed"),
        ("x/c/1", "warn"),
        ("x/d/1", "improved"),
    ]
    .iter()
    .map(|(b, v)| (b.to_string(), v.to_string()))
    .collect();
    assert_eq!(expected, want, "{check:#}");

    let analyze = harness(dir.path())
        .args(["analyze", "--format", "json"])
        .arg(&hist)
        .output()
        .unwrap();
    assert_eq!(analyze.status.code(), Some(1));
    let analyze: Value = serde_json::from_slice(&analyze.stdout).unwrap();
    assert_eq!(
        verdicts(analyze["series"].as_array().unwrap(), "verdict"),
        expected
    );

    let site = dir.path().join("site");
    harness(dir.path())
        .args(["report", "--history"])
        .arg(&hist)
        .arg("--out")
        .arg(&site)
        .assert()
        .code(0);
    let data = std::fs::read_to_string(site.join("data.js")).unwrap();
    let json = data
        .trim()
        .strip_prefix("window.HARNESS_DATA = ")
        .unwrap()
        .trim_end_matches(';');
    let page: Value = serde_json::from_str(json).unwrap();
    assert_eq!(
        verdicts(page["rows"].as_array().unwrap(), "verdict"),
        expected
    );

    // One change-point analysis: analyze's points are the page's markers,
    // and the stepped series have theirs where their steps began.
    let from_analyze: BTreeMap<String, Vec<u64>> = analyze["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let at = s["change_points"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["run_index"].as_u64().unwrap())
                .collect();
            (s["bench"].as_str().unwrap().to_owned(), at)
        })
        .collect();
    let from_page: BTreeMap<String, Vec<u64>> = page["benches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            let at = b["charts"][0]["change_points"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_u64().unwrap())
                .collect();
            (b["id"].as_str().unwrap().to_owned(), at)
        })
        .collect();
    assert_eq!(from_analyze, from_page);
    assert_eq!(from_analyze["x/a/1"], Vec::<u64>::new());
    assert_eq!(from_analyze["x/b/1"], [21]);
    assert_eq!(from_analyze["x/d/1"], [22]);

    // The latest run, given as a file, is judged by the runs before it.
    let file = write_run(dir.path(), "latest.json", &latest);
    let publish = harness(dir.path())
        .env_remove("GITHUB_TOKEN")
        .env_remove("GITHUB_REPOSITORY")
        .env_remove("GITHUB_STEP_SUMMARY")
        .args(["publish", "--print", "--run"])
        .arg(&file)
        .arg("--history")
        .arg(&hist)
        .output()
        .unwrap();
    let text = String::from_utf8(publish.stdout).unwrap();
    assert_eq!(publish.status.code(), Some(1), "{text}");
    let annotated = |level: &str| -> Vec<String> {
        text.lines()
            .filter(|l| l.starts_with(&format!("::{level} title=x/")))
            .map(|l| {
                l.split("::")
                    .nth(2)
                    .unwrap()
                    .split(' ')
                    .next()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    };
    assert_eq!(annotated("error"), ["x/b/1"], "{text}");
    assert_eq!(annotated("warning"), ["x/c/1"], "{text}");
}
