//! The in-repo copies of the reference vectors must equal the shared
//! originals whenever those are present, and every expected file must exist.

mod common;

const FILES: [&str; 6] = [
    "ntu.json",
    "fate.json",
    "snr.json",
    "session_dag.json",
    "gossip.json",
    "consensus.json",
];

#[test]
fn every_vector_file_is_in_the_repo() {
    for name in FILES {
        let path = common::vectors_dir().join(name);
        assert!(
            path.is_file(),
            "missing reference vector file {}",
            path.display()
        );
    }
}

#[test]
fn copies_equal_the_shared_vectors_when_present() {
    let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/vectors");
    if !shared.is_dir() {
        eprintln!("{} not present; nothing to compare", shared.display());
        return;
    }
    for name in FILES {
        let ours = std::fs::read(common::vectors_dir().join(name))
            .unwrap_or_else(|e| panic!("reading tests/vectors/{name}: {e}"));
        let theirs = std::fs::read(shared.join(name))
            .unwrap_or_else(|e| panic!("reading {}: {e}", shared.join(name).display()));
        assert!(
            ours == theirs,
            "tests/vectors/{name} differs from {}; copy it again",
            shared.join(name).display()
        );
    }
}
