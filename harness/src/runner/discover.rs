//! Which bench targets a workspace has, from `cargo metadata`: every
//! `[[bench]]` of every workspace member, whatever its path or name, and
//! which tool measures it.
//!
//! A target's suite is decided, in order, by:
//!
//! 1. the package's own declaration, `[package.metadata.harness]` with
//!    `criterion = [..]`, `gungraun = [..]` or `heap = [..]` listing bench
//!    target names;
//! 2. what its source says: `gungraun`/`iai_callgrind` macros or imports
//!    make a gungraun bench, `criterion_main!`/`criterion_group!`/`use
//!    criterion` a Criterion bench, `dhat::` (and neither of the others) a
//!    heap probe;
//! 3. otherwise it is run as a Criterion bench: whatever it writes in
//!    Criterion's format below the target folder is collected.
//!
//! No file name is reserved: a Criterion bench called `heap.rs` is a
//! Criterion bench.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;

use super::Suite;

/// Why the workspace's bench targets could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    /// No manifest where one was expected.
    #[error("{path}: no Cargo.toml; pass --workspace DIR")]
    NoManifest {
        /// The manifest path looked for.
        path: PathBuf,
    },
    /// cargo could not be started.
    #[error("cannot start `cargo metadata`: {message}")]
    Spawn {
        /// The OS error.
        message: String,
    },
    /// `cargo metadata` failed (a broken manifest, for example).
    #[error("`cargo metadata` failed in {path}:\n{stderr}")]
    Failed {
        /// The workspace.
        path: PathBuf,
        /// What cargo said.
        stderr: String,
    },
    /// Its output was not the expected JSON.
    #[error("`cargo metadata` output not understood: {message}")]
    Parse {
        /// serde's message.
        message: String,
    },
    /// A package's `[package.metadata.harness]` is malformed.
    #[error("{manifest}: [package.metadata.harness].{field}: {message}")]
    Declaration {
        /// The package's manifest.
        manifest: PathBuf,
        /// The key.
        field: String,
        /// What is wrong.
        message: String,
    },
}

/// One bench target of a workspace member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The package (`cargo bench -p`).
    pub package: String,
    /// The target name (`cargo bench --bench`).
    pub name: String,
    /// Its main source file.
    pub src: PathBuf,
    /// The package's folder (the bench's working directory under cargo).
    pub dir: PathBuf,
    /// The tool that measures it.
    pub suite: Suite,
}

impl Target {
    /// `package/name`, the job name used by shards and in messages.
    pub fn job(&self) -> String {
        format!("{}/{}", self.package, self.name)
    }
}

/// What `cargo metadata` says about a workspace.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// The workspace root.
    pub root: PathBuf,
    /// Cargo's target folder (honours `CARGO_TARGET_DIR` and `build.target-dir`).
    pub target_dir: PathBuf,
    /// Every bench target of every member, sorted by package then name.
    pub targets: Vec<Target>,
}

#[derive(Deserialize)]
struct Metadata {
    packages: Vec<Package>,
    workspace_members: Vec<String>,
    workspace_root: PathBuf,
    target_directory: PathBuf,
}

#[derive(Deserialize)]
struct Package {
    name: String,
    id: String,
    manifest_path: PathBuf,
    targets: Vec<RawTarget>,
    #[serde(default)]
    dependencies: Vec<Dependency>,
    #[serde(default)]
    metadata: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct RawTarget {
    name: String,
    kind: Vec<String>,
    src_path: PathBuf,
}

#[derive(Deserialize)]
struct Dependency {
    name: String,
}

/// Lists the bench targets of the workspace whose root (or any folder
/// with a `Cargo.toml`) is `ws`.
pub fn discover(ws: &Path) -> Result<Workspace, DiscoverError> {
    let manifest = ws.join("Cargo.toml");
    if !manifest.is_file() {
        return Err(DiscoverError::NoManifest { path: manifest });
    }
    let out = Command::new(super::cargo_exe())
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--manifest-path",
        ])
        .arg(&manifest)
        .output()
        .map_err(|e| DiscoverError::Spawn {
            message: e.to_string(),
        })?;
    if !out.status.success() {
        return Err(DiscoverError::Failed {
            path: ws.to_path_buf(),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_owned(),
        });
    }
    parse(&out.stdout)
}

/// Reads `cargo metadata --format-version 1` output.
pub fn parse(json: &[u8]) -> Result<Workspace, DiscoverError> {
    let meta: Metadata = serde_json::from_slice(json).map_err(|e| DiscoverError::Parse {
        message: e.to_string(),
    })?;
    let mut targets = Vec::new();
    for p in meta
        .packages
        .iter()
        .filter(|p| meta.workspace_members.contains(&p.id))
    {
        let declared = Declared::read(p)?;
        for t in p
            .targets
            .iter()
            .filter(|t| t.kind.iter().any(|k| k == "bench"))
        {
            let suite = declared
                .suite(&t.name)
                .or_else(|| from_source(&t.src_path))
                .or_else(|| from_dependencies(p))
                .unwrap_or(Suite::Criterion);
            targets.push(Target {
                package: p.name.clone(),
                name: t.name.clone(),
                src: t.src_path.clone(),
                dir: p
                    .manifest_path
                    .parent()
                    .map_or_else(|| meta.workspace_root.clone(), Path::to_path_buf),
                suite,
            });
        }
    }
    targets.sort_by(|a, b| (&a.package, &a.name).cmp(&(&b.package, &b.name)));
    Ok(Workspace {
        root: meta.workspace_root,
        target_dir: meta.target_directory,
        targets,
    })
}

/// `[package.metadata.harness]`: bench target names per suite.
#[derive(Default)]
struct Declared {
    lists: Vec<(Suite, Vec<String>)>,
}

impl Declared {
    fn read(p: &Package) -> Result<Declared, DiscoverError> {
        let Some(table) = p.metadata.as_ref().and_then(|m| m.get("harness")) else {
            return Ok(Declared::default());
        };
        let bad = |field: &str, message: &str| DiscoverError::Declaration {
            manifest: p.manifest_path.clone(),
            field: field.into(),
            message: message.into(),
        };
        let Some(table) = table.as_object() else {
            return Err(bad("", "expected a table"));
        };
        let mut lists = Vec::new();
        for (key, value) in table {
            let suite = match key.as_str() {
                "criterion" => Suite::Criterion,
                "gungraun" => Suite::Gungraun,
                "heap" => Suite::Heap,
                _ => continue,
            };
            let names = value
                .as_array()
                .and_then(|a| a.iter().map(|v| v.as_str().map(str::to_owned)).collect())
                .ok_or_else(|| bad(key, "expected a list of bench target names"))?;
            let names: Vec<String> = names;
            if let Some(missing) = names.iter().find(|n| {
                !p.targets
                    .iter()
                    .any(|t| &t.name == *n && t.kind.iter().any(|k| k == "bench"))
            }) {
                return Err(bad(
                    key,
                    &format!("{missing:?} is not a bench target of package {}", p.name),
                ));
            }
            lists.push((suite, names));
        }
        Ok(Declared { lists })
    }

    fn suite(&self, name: &str) -> Option<Suite> {
        self.lists
            .iter()
            .find(|(_, names)| names.iter().any(|n| n == name))
            .map(|(s, _)| *s)
    }
}

/// The suite a bench's source names, if any. Only the first megabyte is
/// read: markers sit in the imports and the closing macro of a bench file.
fn from_source(src: &Path) -> Option<Suite> {
    use std::io::Read;
    let mut text = String::new();
    let file = std::fs::File::open(src).ok()?;
    file.take(1 << 20).read_to_string(&mut text).ok()?;
    suite_of_text(&text)
}

/// The suite a bench source's text names, if any.
fn suite_of_text(text: &str) -> Option<Suite> {
    let has = |needles: &[&str]| needles.iter().any(|n| text.contains(n));
    if has(&[
        "use gungraun",
        "gungraun::main!",
        "use iai_callgrind",
        "iai_callgrind::main!",
    ]) {
        Some(Suite::Gungraun)
    } else if has(&["criterion_main!", "criterion_group!", "use criterion"]) {
        Some(Suite::Criterion)
    } else if has(&["dhat::"]) {
        Some(Suite::Heap)
    } else {
        None
    }
}

/// The suite a package's dependencies imply when it has only one bench tool.
fn from_dependencies(p: &Package) -> Option<Suite> {
    let dep = |n: &str| p.dependencies.iter().any(|d| d.name == n);
    match (
        dep("criterion") || dep("codspeed-criterion-compat"),
        dep("gungraun") || dep("iai-callgrind"),
    ) {
        (true, false) => Some(Suite::Criterion),
        (false, true) => Some(Suite::Gungraun),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metadata(packages: &str, members: &str) -> Vec<u8> {
        format!(
            r#"{{"packages": [{packages}], "workspace_members": [{members}],
                "workspace_root": "/ws", "target_directory": "/ws/target"}}"#
        )
        .into_bytes()
    }

    fn package(name: &str, targets: &str, extra: &str) -> String {
        format!(
            r#"{{"name": "{name}", "id": "{name}-id", "manifest_path": "/ws/{name}/Cargo.toml",
                "targets": [{targets}]{extra}}}"#
        )
    }

    fn bench(name: &str, src: &str) -> String {
        format!(r#"{{"name": "{name}", "kind": ["bench"], "src_path": "{src}"}}"#)
    }

    #[test]
    fn every_member_bench_is_listed_whatever_its_path_and_name() {
        let a = package(
            "a",
            &[
                bench("speed", "/nowhere/a/benches/other_name.rs"),
                bench("in_tests", "/nowhere/a/tests/bench.rs"),
                r#"{"name": "a", "kind": ["lib"], "src_path": "/nowhere/a/src/lib.rs"}"#.into(),
            ]
            .join(","),
            "",
        );
        let b = package("b", &bench("heap", "/nowhere/b/benches/heap.rs"), "");
        let not_member = package("c", &bench("x", "/nowhere/x.rs"), "");
        let ws = parse(&metadata(
            &[a, b, not_member].join(","),
            r#""a-id", "b-id""#,
        ))
        .unwrap();
        let jobs: Vec<String> = ws.targets.iter().map(Target::job).collect();
        assert_eq!(jobs, ["a/in_tests", "a/speed", "b/heap"]);
        // Unreadable sources and no declaration: run as Criterion, and a
        // file called heap.rs is not a heap probe by its name.
        assert!(ws.targets.iter().all(|t| t.suite == Suite::Criterion));
        assert_eq!(ws.targets[2].dir, Path::new("/ws/b"));
        assert_eq!(ws.target_dir, Path::new("/ws/target"));
    }

    #[test]
    fn a_declaration_decides_and_must_name_a_bench_target() {
        let p = package(
            "a",
            &bench("probe", "/nowhere/p.rs"),
            r#", "metadata": {"harness": {"heap": ["probe"]}}"#,
        );
        let ws = parse(&metadata(&p, r#""a-id""#)).unwrap();
        assert_eq!(ws.targets[0].suite, Suite::Heap);

        let p = package(
            "a",
            &bench("probe", "/nowhere/p.rs"),
            r#", "metadata": {"harness": {"heap": ["nope"]}}"#,
        );
        let err = parse(&metadata(&p, r#""a-id""#)).unwrap_err().to_string();
        assert!(
            err.contains("\"nope\" is not a bench target of package a"),
            "{err}"
        );
        assert!(err.contains("/ws/a/Cargo.toml"), "{err}");
    }

    #[test]
    fn dependencies_decide_when_the_source_does_not() {
        let p = package(
            "a",
            &bench("x", "/nowhere/x.rs"),
            r#", "dependencies": [{"name": "gungraun"}]"#,
        );
        let ws = parse(&metadata(&p, r#""a-id""#)).unwrap();
        assert_eq!(ws.targets[0].suite, Suite::Gungraun);
    }

    #[test]
    fn source_markers_name_the_tool() {
        assert_eq!(
            suite_of_text("use gungraun::{library_benchmark, main};"),
            Some(Suite::Gungraun)
        );
        assert_eq!(
            suite_of_text("use criterion::Criterion;\ncriterion_main!(benches);"),
            Some(Suite::Criterion)
        );
        // A Criterion bench that also measures heap with dhat is Criterion.
        assert_eq!(
            suite_of_text("criterion_group!(b, f);\nstatic A: dhat::Alloc = dhat::Alloc;"),
            Some(Suite::Criterion)
        );
        assert_eq!(
            suite_of_text("static A: dhat::Alloc = dhat::Alloc;"),
            Some(Suite::Heap)
        );
        assert_eq!(suite_of_text("fn main() {}"), None);
    }

    #[test]
    fn bad_metadata_is_an_error_not_a_panic() {
        assert!(matches!(parse(b"{"), Err(DiscoverError::Parse { .. })));
        assert!(matches!(
            parse(b"{\"packages\": 1}"),
            Err(DiscoverError::Parse { .. })
        ));
    }
}
