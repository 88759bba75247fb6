//! `harness.toml`: a repository's own defaults for the command line, so
//! that a team writes them once instead of in every workflow.
//!
//! The file is optional; the first `harness.toml` found in the current
//! folder or above it is read (or the one `HARNESS_CONFIG` names). Every
//! key stands for a command-line option and is used only by commands that
//! have that option and only when the command line does not give it:
//!
//! ```toml
//! history = "reports/history"        # --history: a store directory, or a .jsonl file (paths are relative to this file)
//! baselines = "baselines"             # --baselines
//! targets = "targets.toml"            # --targets
//! accepted = "baselines/accepted.toml"  # --accepted
//!
//! [judging]
//! alpha = 0.01        # --alpha
//! min_effect = 0.03   # --min-effect
//! large = 0.30        # --large
//!
//! [run]
//! profile = "quick"                          # --profile
//! suites = ["criterion", "gungraun", "heap"] # --suite (each)
//!
//! [compare]
//! rounds = 20      # --rounds
//! budget = "15m"   # --budget
//!
//! [profiles.quick]   # Criterion settings of a profile, for any crate
//! warm_up = 0.5      # --warm-up-time (seconds)
//! measurement = 2.0  # --measurement-time (seconds)
//! samples = 30       # --sample-size
//! # also [profiles.full] (run --profile full) and [profiles.round] (one
//! # round of compare, bisect and calibrate: 0.1, 0.25, 10)
//! ```
//!
//! Unknown keys, wrong types and bad values are errors naming the file and
//! line, as in `targets.toml`.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

/// The file name looked for.
pub const FILE: &str = "harness.toml";

/// Why the configuration could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{path}: cannot read: {message}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        message: String,
    },
    /// Bad TOML, an unknown key, a wrong type or a bad value.
    #[error("{path}:{line}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    history: Option<Spanned<String>>,
    baselines: Option<Spanned<String>>,
    targets: Option<Spanned<String>>,
    accepted: Option<Spanned<String>>,
    judging: Option<RawJudging>,
    run: Option<RawRun>,
    compare: Option<RawCompare>,
    #[serde(default)]
    profiles: BTreeMap<String, Spanned<RawProfile>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawJudging {
    alpha: Option<Spanned<f64>>,
    min_effect: Option<Spanned<f64>>,
    large: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRun {
    profile: Option<Spanned<String>>,
    suites: Option<Spanned<Vec<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCompare {
    rounds: Option<Spanned<u64>>,
    budget: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    warm_up: Option<f64>,
    measurement: Option<f64>,
    samples: Option<u64>,
}

/// A loaded configuration: command-line options by their long name.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Config {
    /// The file read.
    pub path: PathBuf,
    /// `(long option, values)`; a repeatable option has several values.
    pub options: Vec<(String, Vec<String>)>,
    /// Per profile name, its Criterion options.
    pub profiles: BTreeMap<String, Vec<(String, String)>>,
}

/// The configuration file for a command run in `start`: `HARNESS_CONFIG`
/// when set, else the first `harness.toml` in `start` or a folder above.
pub fn find(start: &Path) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("HARNESS_CONFIG").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let start = std::path::absolute(start).ok()?;
    start
        .ancestors()
        .map(|d| d.join(FILE))
        .find(|p| p.is_file())
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// Reads and validates a configuration file.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    parse(&text, path)
}

/// Validates `text`, naming `path` in errors.
pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
    let invalid = |span: Range<usize>, message: String| ConfigError::Invalid {
        path: path.to_path_buf(),
        line: line_of(text, span.start),
        message,
    };
    let raw: Raw = toml::from_str(text)
        .map_err(|e| invalid(e.span().unwrap_or(0..0), e.message().trim_end().to_owned()))?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut c = Config {
        path: path.to_path_buf(),
        ..Config::default()
    };
    let mut set = |long: &str, values: Vec<String>| c.options.push((long.to_owned(), values));
    for (key, value) in [
        ("history", &raw.history),
        ("baselines", &raw.baselines),
        ("targets", &raw.targets),
        ("accepted", &raw.accepted),
    ] {
        if let Some(v) = value {
            if v.get_ref().trim().is_empty() {
                return Err(invalid(v.span(), format!("{key}: an empty path")));
            }
            let p = dir.join(v.get_ref());
            set(key, vec![p.display().to_string()]);
        }
    }
    if let Some(j) = &raw.judging {
        for (key, long, value, ok) in [
            (
                "alpha",
                "alpha",
                &j.alpha,
                (|x: f64| x > 0.0 && x < 1.0) as fn(f64) -> bool,
            ),
            ("min_effect", "min-effect", &j.min_effect, |x: f64| {
                (0.0..1.0).contains(&x)
            }),
            ("large", "large", &j.large, |x: f64| {
                x > 0.0 && x.is_finite()
            }),
        ] {
            if let Some(v) = value {
                if !ok(*v.get_ref()) {
                    return Err(invalid(
                        v.span(),
                        format!("judging.{key} = {} is out of range", v.get_ref()),
                    ));
                }
                set(long, vec![v.get_ref().to_string()]);
            }
        }
    }
    if let Some(r) = &raw.run {
        if let Some(p) = &r.profile {
            if !matches!(p.get_ref().as_str(), "quick" | "full" | "round") {
                return Err(invalid(
                    p.span(),
                    format!(
                        "run.profile {:?}: expected \"quick\", \"full\" or \"round\"",
                        p.get_ref()
                    ),
                ));
            }
            set("profile", vec![p.get_ref().clone()]);
        }
        if let Some(s) = &r.suites {
            if let Some(bad) = s
                .get_ref()
                .iter()
                .find(|x| !matches!(x.as_str(), "criterion" | "gungraun" | "heap"))
            {
                return Err(invalid(
                    s.span(),
                    format!("run.suites: {bad:?} is not one of criterion, gungraun, heap"),
                ));
            }
            set("suite", s.get_ref().clone());
        }
    }
    if let Some(cmp) = &raw.compare {
        if let Some(r) = &cmp.rounds {
            if *r.get_ref() < 2 {
                return Err(invalid(
                    r.span(),
                    "compare.rounds must be at least 2".into(),
                ));
            }
            set("rounds", vec![r.get_ref().to_string()]);
        }
        if let Some(b) = &cmp.budget {
            if crate::cli::duration(b.get_ref()).is_none() {
                return Err(invalid(
                    b.span(),
                    format!(
                        "compare.budget {:?}: expected a duration such as 15m, 900s or 1h",
                        b.get_ref()
                    ),
                ));
            }
            set("budget", vec![b.get_ref().clone()]);
        }
    }
    for (name, p) in &raw.profiles {
        if !matches!(name.as_str(), "quick" | "full" | "round") {
            return Err(invalid(
                p.span(),
                format!("profiles.{name}: only the quick, full and round profiles exist"),
            ));
        }
        let r = p.get_ref();
        let mut opts = Vec::new();
        for (long, v) in [
            ("warm-up-time", r.warm_up),
            ("measurement-time", r.measurement),
        ] {
            if let Some(v) = v {
                if !(v > 0.0 && v.is_finite()) {
                    return Err(invalid(
                        p.span(),
                        format!("profiles.{name}: {long} {v} must be positive"),
                    ));
                }
                opts.push((long.to_owned(), v.to_string()));
            }
        }
        if let Some(n) = r.samples {
            if n < 10 {
                return Err(invalid(
                    p.span(),
                    format!("profiles.{name}: samples {n}: Criterion needs at least 10"),
                ));
            }
            opts.push(("sample-size".to_owned(), n.to_string()));
        }
        c.profiles.insert(name.clone(), opts);
    }
    Ok(c)
}

/// Whether `argv` gives `--long` (as `--long`, `--long=…`).
fn given(argv: &[OsString], long: &str) -> bool {
    let flag = format!("--{long}");
    let with = format!("--{long}=");
    argv.iter().any(|a| {
        a.to_str()
            .is_some_and(|s| s == flag || s.starts_with(&with))
    })
}

/// The option a configuration key stands for in a subcommand, if any:
/// `merge --history` means "also append there", so the history is not
/// given to it; `accept` names the accepted-changes file `--file`; the
/// compare rounds are `compare`'s alone.
fn flag_for<'k>(sub: &str, key: &'k str) -> Option<&'k str> {
    match (sub, key) {
        ("merge", "history") => None,
        ("accept", "accepted") => Some("file"),
        (s, "rounds" | "budget") if s != "compare" => None,
        // `[run] profile` is the profile of `run`; the paired commands
        // keep their own default (`round`) unless named on the command line.
        (s, "profile") if s != "run" => None,
        _ => Some(key),
    }
}

/// `argv` with the configuration's options added for the subcommand it
/// runs, where that subcommand has the option and `argv` does not give it.
pub fn apply(argv: Vec<OsString>, c: &Config, cmd: &clap::Command) -> Vec<OsString> {
    // The deepest subcommand named (`baseline save` is `save`).
    let mut sub = cmd;
    for word in argv.iter().skip(1).filter_map(|a| a.to_str()) {
        if word.starts_with('-') {
            continue;
        }
        match sub.find_subcommand(word) {
            Some(s) => sub = s,
            None => break,
        }
    }
    if std::ptr::eq(sub, cmd) {
        return argv;
    }
    let name = sub.get_name().to_owned();
    let has = |long: &str| sub.get_arguments().any(|a| a.get_long() == Some(long));
    let mut out = argv.clone();
    let mut add = |key: &str, values: &[String]| {
        let Some(long) = flag_for(&name, key) else {
            return;
        };
        if has(long) && !given(&argv, long) {
            for v in values {
                out.push(format!("--{long}").into());
                out.push(v.into());
            }
        }
    };
    for (long, values) in &c.options {
        add(long, values);
    }
    // The profile's Criterion settings: the profile on the command line,
    // else the configured one, else the subcommand's default.
    let profile = argv
        .iter()
        .position(|a| a == "--profile")
        .and_then(|i| argv.get(i + 1))
        .and_then(|a| a.to_str().map(str::to_owned))
        .or_else(|| {
            argv.iter()
                .find_map(|a| a.to_str()?.strip_prefix("--profile=").map(str::to_owned))
        })
        .or_else(|| {
            c.options
                .iter()
                .find(|(k, _)| k == "profile" && flag_for(&name, k).is_some())
                .and_then(|(_, v)| v.first().cloned())
        })
        .unwrap_or_else(|| crate::runner::Profile::default_for(&name).into());
    if let Some(opts) = c.profiles.get(&profile) {
        for (long, v) in opts {
            add(long, std::slice::from_ref(v));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(text: &str) -> Result<Config, ConfigError> {
        parse(text, Path::new("/repo/harness.toml"))
    }

    #[test]
    fn the_documented_example_loads() {
        let doc = include_str!("config.rs");
        let example: String = doc
            .lines()
            .skip_while(|l| !l.starts_with("//! ```toml"))
            .skip(1)
            .take_while(|l| !l.starts_with("//! ```"))
            .map(|l| l.trim_start_matches("//!").trim_start_matches(' '))
            .collect::<Vec<_>>()
            .join("\n");
        let c = cfg(&example).unwrap();
        assert!(
            c.options
                .contains(&("history".into(), vec!["/repo/reports/history".into()]))
        );
        assert!(c.options.contains(&(
            "suite".into(),
            vec!["criterion".into(), "gungraun".into(), "heap".into()]
        )));
        assert_eq!(c.profiles["quick"].len(), 3);
    }

    #[test]
    fn a_typo_a_wrong_type_or_a_bad_value_names_its_line() {
        let e = cfg("histroy = \"x\"\n").unwrap_err().to_string();
        assert!(e.starts_with("/repo/harness.toml:1:"), "{e}");
        assert!(e.contains("histroy"), "{e}");
        let e = cfg("\n[judging]\nalpha = 2.0\n").unwrap_err().to_string();
        assert!(
            e.starts_with("/repo/harness.toml:3:") && e.contains("out of range"),
            "{e}"
        );
        let e = cfg("[run]\nsuites = [\"criterion\", \"perf\"]\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains(":2:") && e.contains("\"perf\""), "{e}");
        let e = cfg("[compare]\nbudget = \"soon\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains(":2:") && e.contains("soon"), "{e}");
        let e = cfg("[profiles.nightly]\nsamples = 50\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("only the quick, full and round"), "{e}");
        let e = cfg("[judging]\nalpha = \"0.01\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains(":2:"), "{e}");
    }

    /// The command line `line` (words split at spaces) after `apply`.
    fn applied(c: &Config, line: &str) -> String {
        let cmd = <crate::cli::Cli as clap::CommandFactory>::command();
        let argv: Vec<OsString> = line.split(' ').map(OsString::from).collect();
        apply(argv, c, &cmd)
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn options_apply_only_where_the_command_has_them_and_the_line_does_not_give_them() {
        let c =
            cfg("history = \"h.jsonl\"\n[judging]\nalpha = 0.05\n[profiles.full]\nsamples = 50\n")
                .unwrap();
        assert_eq!(
            applied(&c, "harness check --alpha 0.02"),
            "harness check --alpha 0.02 --history /repo/h.jsonl"
        );
        // `export` has --history but no --alpha.
        assert_eq!(
            applied(&c, "harness export --format bmf"),
            "harness export --format bmf --history /repo/h.jsonl"
        );
        // The full profile's settings reach run; quick has none configured.
        assert!(applied(&c, "harness run --profile full").ends_with("--sample-size 50"));
        assert!(!applied(&c, "harness run").contains("sample-size"));
        assert_eq!(applied(&c, "harness --help"), "harness --help");
        // Nested subcommands are reached; merge's --history is not a
        // default; accept names the accepted file --file; rounds are
        // compare's alone.
        let c2 =
            cfg("history = \"h.jsonl\"\naccepted = \"a.toml\"\n[compare]\nrounds = 20\n").unwrap();
        assert_eq!(
            applied(&c2, "harness baseline save"),
            "harness baseline save --history /repo/h.jsonl"
        );
        assert_eq!(applied(&c2, "harness merge a b"), "harness merge a b");
        assert!(applied(&c2, "harness accept x").ends_with("--file /repo/a.toml"));
        assert!(applied(&c2, "harness compare --base main").contains("--rounds 20"));
        assert!(!applied(&c2, "harness bisect --good v1").contains("--rounds"));
    }

    #[test]
    fn the_paired_commands_keep_their_round_profile() {
        let c = cfg("[run]
profile = \"full\"
[profiles.round]
samples = 20
[profiles.full]
samples = 50
")
        .unwrap();
        // `[run] profile` is run's: compare keeps `round` and its settings.
        assert_eq!(
            applied(&c, "harness run"),
            "harness run --profile full --sample-size 50"
        );
        assert_eq!(
            applied(&c, "harness compare --base main"),
            "harness compare --base main --sample-size 20"
        );
        assert_eq!(
            applied(&c, "harness calibrate"),
            "harness calibrate --sample-size 20"
        );
        // Named on the command line, a profile wins.
        assert!(
            applied(&c, "harness compare --base main --profile full").ends_with("--sample-size 50")
        );
    }
}
