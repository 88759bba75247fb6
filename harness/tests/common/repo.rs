//! Temporary git repositories for the end-to-end tests: `git` with a fixed
//! identity, and the toy crate (`tests/data/toy`) committed as a repository.

use std::path::{Path, PathBuf};

const TOY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/toy");

/// Runs git in `dir` with a fixed author; panics with the output if it
/// fails. Returns its standard output, trimmed.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// Replaces `from` by `to` in a file, which must contain it.
pub fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} lacks {from:?}", path.display());
    std::fs::write(path, text.replace(from, to)).unwrap();
}

/// The toy crate in `root/toy`, a git repository on `main` with its first
/// commit ("base") made. `beta` does `EXTRA_PERCENT` more work than
/// `alpha`: edit `src/lib.rs` to slow it down.
pub fn toy(root: &Path) -> PathBuf {
    let repo = root.join("toy");
    std::fs::create_dir_all(repo.join("src")).unwrap();
    std::fs::create_dir_all(repo.join("benches")).unwrap();
    for (from, to) in [
        ("Cargo.toml.txt", "Cargo.toml"),
        ("lib.rs.txt", "src/lib.rs"),
        ("speed.rs.txt", "benches/speed.rs"),
    ] {
        std::fs::copy(Path::new(TOY).join(from), repo.join(to)).unwrap();
    }
    std::fs::write(repo.join(".gitignore"), "/target\n/reports\n").unwrap();
    std::fs::write(
        repo.join("Cargo.lock"),
        "version = 4\n\n[[package]]\nname = \"toy\"\nversion = \"0.1.0\"\n",
    )
    .unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-qm", "base"]);
    repo
}
