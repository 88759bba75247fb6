//! Writing the site: the fixed assets, the page data, and copies of the
//! benches' flamegraphs and Criterion reports, built in a temporary folder
//! beside the target and swapped in by rename so that a reader never sees
//! a half-written site.

use std::io;
use std::path::{Path, PathBuf};

use super::model::Page;

const INDEX: &str = include_str!("assets/index.html");
const APP: &str = include_str!("assets/app.js");
const STYLE: &str = include_str!("assets/style.css");

/// Why the site could not be written.
#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    /// A file or folder could not be written, renamed or removed.
    #[error("{}: cannot write: {source}", path.display())]
    Write {
        /// The offending path.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// A bench artefact could not be copied.
    #[error("{}: cannot copy: {source}", path.display())]
    Copy {
        /// The artefact being copied.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// The page data could not be serialised.
    #[error("page data: {0}")]
    Json(#[from] serde_json::Error),
}

/// Where the benches' own reports are found.
#[derive(Debug, Clone)]
pub struct Artefacts {
    /// Criterion's output folder (`target/criterion`): per bench id,
    /// `profile/flamegraph.svg` and `report/`.
    pub criterion: PathBuf,
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), SiteError> {
    std::fs::write(path, bytes).map_err(|source| SiteError::Write {
        path: path.to_owned(),
        source,
    })
}

fn mkdir(path: &Path) -> Result<(), SiteError> {
    std::fs::create_dir_all(path).map_err(|source| SiteError::Write {
        path: path.to_owned(),
        source,
    })
}

fn copy_dir(from: &Path, to: &Path) -> io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

/// Copies each bench's flamegraph and Criterion report into
/// `site/benches/<stem>/` and records the relative links. They are copied
/// rather than linked because `target/` is not published with the site.
fn copy_artefacts(site: &Path, page: &mut Page, artefacts: &Artefacts) -> Result<(), SiteError> {
    for bench in &mut page.benches {
        let source = artefacts.criterion.join(&bench.id);
        let flame = source.join("profile").join("flamegraph.svg");
        let report = source.join("report");
        let dir = format!("benches/{}", bench.stem);
        if flame.is_file() {
            mkdir(&site.join(&dir))?;
            let to = site.join(&dir).join("flamegraph.svg");
            std::fs::copy(&flame, &to).map_err(|source| SiteError::Copy {
                path: flame.clone(),
                source,
            })?;
            bench.flamegraph = Some(format!("{dir}/flamegraph.svg"));
        }
        if report.join("index.html").is_file() {
            copy_dir(&report, &site.join(&dir).join("criterion")).map_err(|source| {
                SiteError::Copy {
                    path: report.clone(),
                    source,
                }
            })?;
            bench.criterion = Some(format!("{dir}/criterion/index.html"));
        }
    }
    Ok(())
}

/// The page data as a script: a plain `<script src>` works from `file://`,
/// where the browser refuses to fetch a JSON file.
pub fn data_script(page: &Page) -> Result<String, SiteError> {
    Ok(format!(
        "window.HARNESS_DATA = {};\n",
        serde_json::to_string(page)?
    ))
}

/// Writes the site to `out`, replacing any earlier one. The same page and
/// artefacts give byte-identical files.
pub fn write_site(out: &Path, mut page: Page, artefacts: &Artefacts) -> Result<Page, SiteError> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    mkdir(&parent)?;
    let name = out
        .file_name()
        .map_or("site".into(), |n| n.to_string_lossy().into_owned());
    let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    let remove = |p: &Path| -> Result<(), SiteError> {
        if p.exists() {
            std::fs::remove_dir_all(p).map_err(|source| SiteError::Write {
                path: p.to_owned(),
                source,
            })?;
        }
        Ok(())
    };
    remove(&tmp)?;
    mkdir(&tmp)?;
    copy_artefacts(&tmp, &mut page, artefacts)?;
    write(&tmp.join("index.html"), INDEX.as_bytes())?;
    write(&tmp.join("app.js"), APP.as_bytes())?;
    write(&tmp.join("style.css"), STYLE.as_bytes())?;
    write(&tmp.join("data.js"), data_script(&page)?.as_bytes())?;
    let rename = |from: &Path, to: &Path| {
        std::fs::rename(from, to).map_err(|source| SiteError::Write {
            path: to.to_owned(),
            source,
        })
    };
    // Two renames: the old site stays whole until the new one is complete.
    if out.exists() {
        remove(&old)?;
        rename(out, &old)?;
    }
    rename(&tmp, out)?;
    remove(&old)?;
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dashboard::synthetic::{Spec, bench_id, commits, runs};
    use crate::dashboard::{Inputs, build};
    use crate::judge::{Context, Settings};

    fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                out.extend(files(&p));
            } else {
                out.push((
                    p.strip_prefix(dir).unwrap().to_owned(),
                    std::fs::read(&p).unwrap(),
                ));
            }
        }
        out.sort();
        out
    }

    #[test]
    fn rerunning_gives_byte_identical_sites_and_copies_the_flamegraph() {
        let tmp = tempfile::tempdir().unwrap();
        let crit = tmp.path().join("criterion").join(bench_id(0).as_str());
        std::fs::create_dir_all(crit.join("profile")).unwrap();
        std::fs::write(crit.join("profile/flamegraph.svg"), "<svg/>").unwrap();
        let s = Spec {
            runs: 12,
            benches: 2,
            seed: 1,
            step: 0.1,
        };
        let all = runs(&s, &commits(&s));
        let none = |_: &str| None;
        let inputs = Inputs {
            commit_url: None,
            message: &none,
        };
        let ctx = Context::select(all.clone(), None, Settings::default());
        let artefacts = Artefacts {
            criterion: tmp.path().join("criterion"),
        };
        let out = tmp.path().join("site");
        let page = write_site(&out, build(all.len(), ctx.as_ref(), &inputs), &artefacts).unwrap();
        let first = files(&out);
        write_site(&out, build(all.len(), ctx.as_ref(), &inputs), &artefacts).unwrap();
        assert_eq!(first, files(&out));
        let stem = bench_id(0).file_stem();
        let (with, without): (Vec<_>, Vec<_>) = page
            .benches
            .iter()
            .partition(|b| b.id == bench_id(0).as_str());
        assert_eq!(
            with[0].flamegraph.as_deref(),
            Some(format!("benches/{stem}/flamegraph.svg").as_str())
        );
        assert!(without[0].flamegraph.is_none());
        assert!(out.join(format!("benches/{stem}/flamegraph.svg")).is_file());
        // Nothing of the temporary folders is left beside the site.
        let left: Vec<_> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left.len(), 2, "{left:?}");
    }
}
