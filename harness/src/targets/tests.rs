use std::path::Path;

use super::*;

const GOOD: &str = r#"
# seed gates
[[gate]]
bench = "ntu/observe/w5"
metric = "wall_time"
statistic = "p99"
max = "100 ns"
goal = "60 ns"
source = "SYSTEMS.md: NTU observe < 100 ns"

[[gate]]
bench = "ntu/state/*"
metric = "heap_bytes"
max = "500 B"

[[complexity]]
bench = "session_dag/lineage"
metric = "wall_time"
sizes = [100, 1000, 10000, 100000]
class = "O(log n)"
source = "SYSTEMS.md: lineage O(log n)"
"#;

fn parse(text: &str) -> Result<Targets, TargetsError> {
    Targets::parse(text, Path::new("targets.toml"))
}

fn err_of(text: &str) -> String {
    parse(text).unwrap_err().to_string()
}

#[test]
fn loads_the_documented_example() {
    let t = parse(GOOD).unwrap();
    assert_eq!(t.gates.len(), 2);
    let g = &t.gates[0];
    assert_eq!(
        (g.statistic, g.max, g.goal, g.line),
        (Statistic::P99, 100.0, Some(60.0), 3)
    );
    assert_eq!(t.gates[1].statistic, Statistic::Value);
    assert_eq!(t.complexity[0].class, Class::Log);
    assert_eq!(t.complexity[0].line, 16);
}

#[test]
fn a_typo_in_a_key_names_its_line() {
    let text = GOOD.replace("statistic = \"p99\"", "statstic = \"p99\"");
    let err = err_of(&text);
    assert!(err.starts_with("targets.toml:6:"), "{err}");
    assert!(err.contains("statstic"), "{err}");
}

#[test]
fn wrong_types_bad_units_and_bad_values_name_their_line() {
    let err = err_of(&GOOD.replace("sizes = [100, 1000, 10000, 100000]", "sizes = \"many\""));
    assert!(err.starts_with("targets.toml:19:"), "{err}");
    let err = err_of(&GOOD.replace("\"100 ns\"", "\"100 nanos\""));
    assert!(
        err.starts_with("targets.toml:7:") && err.contains("not a time unit"),
        "{err}"
    );
    let err = err_of(&GOOD.replace("\"O(log n)\"", "\"O(n^2)\""));
    assert!(
        err.starts_with("targets.toml:20:") && err.contains("unknown class"),
        "{err}"
    );
    let err = err_of(&GOOD.replace("metric = \"heap_bytes\"", "metric = \"heap\""));
    assert!(err.starts_with("targets.toml:13:"), "{err}");
    let err = err_of(&GOOD.replace("\"60 ns\"", "\"160 ns\""));
    assert!(err.contains("goal must not exceed max"), "{err}");
    let err = err_of(&GOOD.replace("max = \"500 B\"", "max = \"500 B\"\nstatistic = \"p99\""));
    assert!(err.contains("does not apply"), "{err}");
    assert!(err_of("[[gate]\n").starts_with("targets.toml:1:"));
}

#[test]
fn gates_must_name_known_benches_and_metrics() {
    let t = parse(GOOD).unwrap();
    let id = |s: &str| BenchId::parse(s).unwrap();
    let mut known = vec![
        (id("ntu/observe/w5"), Metric::WallTime),
        (id("ntu/state/w5"), Metric::HeapBytes),
        (id("session_dag/lineage/100"), Metric::WallTime),
    ];
    t.check_known(&known).unwrap();
    known.remove(0);
    let err = t.check_known(&known).unwrap_err().to_string();
    assert_eq!(
        err,
        "targets.toml:3: gate names unknown bench \"ntu/observe/w5\""
    );
    known.push((id("ntu/observe/w5"), Metric::Instructions));
    let err = t.check_known(&known).unwrap_err().to_string();
    assert!(err.contains("has no wall_time_ns measurement"), "{err}");
}

/// A file of `n` gates, each on five lines, one bench each.
fn many_gates(n: usize) -> String {
    (0..n)
        .map(|i| {
            format!(
                "[[gate]]\nbench = \"sys/op/w{i}\"\nmetric = \"wall_time\"\nmax = \"{} ns\"\n\n",
                i + 1
            )
        })
        .collect()
}

#[test]
fn large_targets_file_loads_in_linear_work() {
    // Line numbers and known-bench checks once took work growing with
    // the square of the file (a 16 MB file: minutes). The result must
    // stay exact: every gate, its line, and errors naming the last line.
    let n = 20_000;
    let text = many_gates(n);
    let t = parse(&text).unwrap();
    assert_eq!(t.gates.len(), n);
    for (i, g) in t.gates.iter().enumerate() {
        assert_eq!(g.line, 5 * i + 1);
        assert_eq!(g.max, (i + 1) as f64);
        assert_eq!(g.bench.as_str(), format!("sys/op/w{i}"));
    }
    let mut known: Vec<_> = (0..n)
        .map(|i| {
            (
                BenchId::parse(&format!("sys/op/w{i}")).unwrap(),
                Metric::WallTime,
            )
        })
        .collect();
    t.check_known(&known).unwrap();
    known.pop();
    assert_eq!(
        t.check_known(&known).unwrap_err().to_string(),
        format!(
            "targets.toml:{}: gate names unknown bench \"sys/op/w{}\"",
            5 * (n - 1) + 1,
            n - 1
        )
    );
    let bad = text + "[[gate]]\nbench = \"sys/op/x\"\nmetric = \"wall_tim\"\nmax = \"1 ns\"\n";
    let err = err_of(&bad);
    assert!(
        err.starts_with(&format!("targets.toml:{}:", 5 * n + 3)),
        "{err}"
    );
}
