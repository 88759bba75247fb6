use std::path::Path;

use super::find_files;

#[cfg(unix)]
#[test]
fn a_symlink_cycle_is_walked_once() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("a/b")).unwrap();
    std::fs::write(root.join("a/b/summary.json"), "{}").unwrap();
    // b/up -> a (a cycle), and a second name for b.
    symlink(root.join("a"), root.join("a/b/up")).unwrap();
    symlink(root.join("a/b"), root.join("z")).unwrap();
    // Two links that point at each other, and one to itself.
    symlink(root.join("p"), root.join("q")).unwrap();
    symlink(root.join("q"), root.join("p")).unwrap();
    symlink(root.join("self"), root.join("self")).unwrap();
    let found = find_files(root, "summary.json", &[]).unwrap();
    assert_eq!(found, [root.join("a/b/summary.json")]);
}

#[test]
fn files_are_found_in_name_order_below_skipped_folders() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for sub in ["b", "a", "skip", "a/c"] {
        std::fs::create_dir_all(root.join(sub)).unwrap();
        std::fs::write(root.join(sub).join("x.json"), "{}").unwrap();
    }
    let found = find_files(root, "x.json", &["skip"]).unwrap();
    let rel: Vec<_> = found
        .iter()
        .map(|p| p.strip_prefix(root).unwrap().to_owned())
        .collect();
    assert_eq!(
        rel,
        [
            Path::new("a/c/x.json"),
            Path::new("a/x.json"),
            Path::new("b/x.json")
        ]
    );
}
