//! Writing the site: the fixed assets, the page data, and copies of the
//! benches' flamegraphs and Criterion reports, built in a temporary folder
//! beside the target. The target is a symlink to that folder, replaced by
//! rename(2) so that a reader never sees a half-written site or none
//! ([`swap`]).

use std::io;
use std::path::{Path, PathBuf};

use super::model::Page;
use crate::model::BenchId;

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

/// The Criterion folder, resolved once: every artefact is read only when
/// its real path (all symlinks resolved) lies inside it.
struct Source {
    /// The folder as given.
    given: PathBuf,
    /// Its real path.
    root: PathBuf,
    /// Artefacts refused because they resolve outside the folder.
    refused: Vec<String>,
}

impl Source {
    /// The real path of `path` when it exists and lies inside the folder;
    /// a path that exists but leads outside is noted as refused.
    fn inside(&mut self, path: &Path) -> Option<PathBuf> {
        let real = path.canonicalize().ok()?;
        if real.starts_with(&self.root) {
            Some(real)
        } else {
            // Named relative to the folder: the page is published, the
            // machine's own paths are not.
            let shown = path
                .strip_prefix(&self.given)
                .or_else(|_| path.strip_prefix(&self.root))
                .unwrap_or(path);
            self.refused.push(format!(
                "{} leads outside the Criterion folder; not copied",
                shown.display()
            ));
            None
        }
    }

    /// Copies the folder `from` (a real path inside the Criterion folder)
    /// to `to`. Regular files and real folders are copied; a symlink to a
    /// file is copied only when it resolves inside the Criterion folder,
    /// and a symlink to a folder is never followed, so a link cycle cannot
    /// make the copy endless.
    fn copy_dir(&mut self, from: &Path, to: &Path) -> io::Result<()> {
        std::fs::create_dir_all(to)?;
        let mut entries: Vec<_> = std::fs::read_dir(from)?.collect::<Result<_, _>>()?;
        entries.sort_by_key(std::fs::DirEntry::file_name);
        for entry in entries {
            let target = to.join(entry.file_name());
            let kind = entry.file_type()?;
            if kind.is_dir() {
                self.copy_dir(&entry.path(), &target)?;
            } else if kind.is_file() {
                std::fs::copy(entry.path(), target)?;
            } else if kind.is_symlink()
                && let Some(real) = self.inside(&entry.path())
                && real.is_file()
            {
                std::fs::copy(real, target)?;
            }
        }
        Ok(())
    }
}

/// Copies each bench's flamegraph and Criterion report into
/// `site/benches/<stem>/` and records the relative links. They are copied
/// rather than linked because `target/` is not published with the site.
///
/// The bench id decides both names: where its artefacts are looked for
/// ([`BenchId::relative_path`], `None` for an id with a `..` segment) and
/// where they go ([`BenchId::file_stem`]). Nothing whose real path lies
/// outside the Criterion folder is read; such artefacts are named in the
/// page's warnings.
fn copy_artefacts(site: &Path, page: &mut Page, artefacts: &Artefacts) -> Result<(), SiteError> {
    // No Criterion folder: no artefacts to copy.
    let Ok(root) = artefacts.criterion.canonicalize() else {
        return Ok(());
    };
    let mut source = Source {
        given: artefacts.criterion.clone(),
        root,
        refused: Vec::new(),
    };
    for bench in &mut page.benches {
        let Ok(id) = BenchId::parse(&bench.id) else {
            continue;
        };
        let Some(relative) = id.relative_path() else {
            source.refused.push(format!(
                "bench {:?}: its id leaves the Criterion folder; artefacts not copied",
                bench.id
            ));
            continue;
        };
        let folder = artefacts.criterion.join(relative);
        let dir = format!("benches/{}", id.file_stem());
        let flame = folder.join("profile").join("flamegraph.svg");
        if flame.symlink_metadata().is_ok()
            && let Some(real) = source.inside(&flame)
            && real.is_file()
        {
            mkdir(&site.join(&dir))?;
            let to = site.join(&dir).join("flamegraph.svg");
            std::fs::copy(&real, &to).map_err(|source| SiteError::Copy {
                path: flame.clone(),
                source,
            })?;
            bench.flamegraph = Some(format!("{dir}/flamegraph.svg"));
        }
        let report = folder.join("report");
        let index = report.join("index.html");
        if index.symlink_metadata().is_ok()
            && let Some(real_index) = source.inside(&index)
            && real_index.is_file()
            && let Some(real) = source.inside(&report)
        {
            source
                .copy_dir(&real, &site.join(&dir).join("criterion"))
                .map_err(|source| SiteError::Copy {
                    path: report.clone(),
                    source,
                })?;
            bench.criterion = Some(format!("{dir}/criterion/index.html"));
        }
    }
    page.warnings.extend(source.refused);
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
///
/// `out` is a symlink to a version folder beside it, and a new site is
/// swapped in with no moment without a whole site (see [`swap`]).
pub fn write_site(out: &Path, page: Page, artefacts: &Artefacts) -> Result<Page, SiteError> {
    write_site_with(out, page, artefacts, &mut |_| {})
}

/// A step of [`write_site`], for tests that look at the site between steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    /// Stale leftovers of killed runs removed.
    Cleaned,
    /// The new site is complete in its temporary folder.
    Built,
    /// The temporary folder is renamed to its version name.
    Versioned,
    /// A new link to the version is made beside `out`.
    Linked,
    /// The link replaced `out`.
    Swapped,
    /// The previous version is removed.
    Removed,
}

fn write_site_with(
    out: &Path,
    mut page: Page,
    artefacts: &Artefacts,
    after: &mut dyn FnMut(Step),
) -> Result<Page, SiteError> {
    let names = Names::new(out);
    mkdir(&names.parent)?;
    names.clean();
    after(Step::Cleaned);
    let tag = crate::history::unique_tag();
    let tmp = names.sibling("tmp", &tag);
    mkdir(&tmp)?;
    let built = (|| {
        copy_artefacts(&tmp, &mut page, artefacts)?;
        write(&tmp.join("index.html"), INDEX.as_bytes())?;
        write(&tmp.join("app.js"), APP.as_bytes())?;
        write(&tmp.join("style.css"), STYLE.as_bytes())?;
        write(&tmp.join("data.js"), data_script(&page)?.as_bytes())
    })();
    if let Err(e) = built {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    after(Step::Built);
    swap(&names, &tmp, &tag, after)?;
    Ok(page)
}

/// The names of the site at `out` and of its siblings: `.<name>.tmp-<tag>`
/// (a site being built), `.<name>.v-<tag>` (a complete version),
/// `.<name>.link-<tag>` (a link about to replace `out`) and, from earlier
/// builds, `.<name>.old-<tag>`, where `<tag>` starts with the writer's
/// process id.
struct Names {
    out: PathBuf,
    parent: PathBuf,
    name: String,
}

/// The kinds of sibling [`Names`] makes.
const KINDS: [&str; 4] = ["tmp", "v", "link", "old"];

impl Names {
    fn new(out: &Path) -> Names {
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
            _ => PathBuf::from("."),
        };
        let name = out
            .file_name()
            .map_or("site".into(), |n| n.to_string_lossy().into_owned());
        Names {
            out: parent.join(&name),
            parent,
            name,
        }
    }

    fn sibling(&self, kind: &str, tag: &str) -> PathBuf {
        self.parent.join(self.sibling_name(kind, tag))
    }

    fn sibling_name(&self, kind: &str, tag: &str) -> String {
        format!(".{}.{kind}-{tag}", self.name)
    }

    /// The writer's process id of a sibling of ours.
    fn pid_of(&self, file: &str) -> Option<u32> {
        let rest = file.strip_prefix(&format!(".{}.", self.name))?;
        let (kind, tag) = rest.split_once('-')?;
        KINDS
            .contains(&kind)
            .then(|| crate::history::leftover_pid(tag))?
    }

    /// The version folder `out` links to now, when it is a link.
    fn live(&self) -> Option<PathBuf> {
        std::fs::read_link(&self.out).ok()
    }

    /// Removes the stale siblings left by killed or failed runs, never the
    /// version `out` links to.
    fn clean(&self) {
        let live = self.live();
        crate::history::remove_stale(&self.parent, |file| {
            if live.as_deref() == Some(Path::new(file)) {
                return None;
            }
            self.pid_of(file)
        });
    }
}

/// Puts the complete site `tmp` in place of `out`.
///
/// 1. `tmp` is renamed to its version name `.<name>.v-<tag>`.
/// 2. A symlink `.<name>.link-<tag>` → `.<name>.v-<tag>` (relative, so the
///    parent folder can move) is made beside `out`.
/// 3. rename(2) moves the link over `out`. POSIX makes that replacement
///    atomic: every open of `out/…` resolves through the old link or the
///    new one, each pointing at a complete version.
/// 4. The previous version folder is removed.
///
/// A reader that resolved the old link just before step 3 and is still
/// reading files at step 4 may find them gone; it sees no mix of the two
/// sites. When `out` is still a real folder (written before sites were
/// links), it is moved aside and the link put in its place: that one
/// move, once, leaves a moment without a site.
fn swap(
    names: &Names,
    tmp: &Path,
    tag: &str,
    after: &mut dyn FnMut(Step),
) -> Result<(), SiteError> {
    let failed = |path: &Path| {
        let path = path.to_owned();
        move |source| SiteError::Write { path, source }
    };
    let version_name = names.sibling_name("v", tag);
    let version = names.parent.join(&version_name);
    std::fs::rename(tmp, &version).map_err(failed(&version))?;
    after(Step::Versioned);
    let link = names.sibling("link", tag);
    symlink_dir(Path::new(&version_name), &link).map_err(failed(&link))?;
    after(Step::Linked);
    let previous = names.live();
    let is_folder = names
        .out
        .symlink_metadata()
        .is_ok_and(|m| m.file_type().is_dir());
    let old_folder = names.sibling("old", tag);
    if is_folder {
        std::fs::rename(&names.out, &old_folder).map_err(failed(&names.out))?;
    }
    std::fs::rename(&link, &names.out).map_err(failed(&names.out))?;
    after(Step::Swapped);
    // Only a version folder of ours beside `out` is removed, never
    // whatever else an old link might have pointed at.
    let previous = previous
        .filter(|p| p.parent() == Some(Path::new("")) && p.as_os_str() != version_name.as_str())
        .filter(|p| p.to_str().and_then(|f| names.pid_of(f)).is_some())
        .map(|p| names.parent.join(p));
    for old in previous.into_iter().chain(is_folder.then_some(old_folder)) {
        std::fs::remove_dir_all(&old).map_err(failed(&old))?;
    }
    after(Step::Removed);
    Ok(())
}

#[cfg(unix)]
fn symlink_dir(target: &Path, link: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(windows)]
fn symlink_dir(target: &Path, link: &Path) -> io::Result<()> {
    std::os::windows::fs::symlink_dir(target, link)
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
            culprits: Vec::new(),
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
        // Beside the site: the Criterion folder, the link and the one
        // version it points at; nothing of the temporary folders.
        let mut left: Vec<_> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left.len(), 3, "{left:?}");
        assert!(left[0].starts_with(".site.v-"), "{left:?}");
        assert_eq!(left[1..], ["criterion", "site"]);
        assert_eq!(
            std::fs::read_link(&out).unwrap().to_str(),
            Some(left[0].as_str())
        );
    }

    /// A page with a distinct link template, so that two sites differ.
    fn page(url: &str) -> Page {
        let s = Spec {
            runs: 6,
            benches: 1,
            seed: 2,
            step: 0.0,
        };
        let all = runs(&s, &commits(&s));
        let none = |_: &str| None;
        let inputs = Inputs {
            commit_url: Some(url.to_owned()),
            message: &none,
            culprits: Vec::new(),
        };
        let ctx = Context::select(all.clone(), None, Settings::default());
        build(all.len(), ctx.as_ref(), &inputs)
    }

    fn no_artefacts(dir: &Path) -> Artefacts {
        Artefacts {
            criterion: dir.join("none"),
        }
    }

    #[test]
    fn at_every_step_of_the_swap_the_old_or_new_site_is_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("site");
        let artefacts = no_artefacts(tmp.path());
        let (a, b) = (page("https://a/{sha}"), page("https://b/{sha}"));
        let scripts = [data_script(&a).unwrap(), data_script(&b).unwrap()];
        let whole = |out: &Path| -> usize {
            for f in ["index.html", "app.js", "style.css"] {
                assert!(out.join(f).is_file(), "{f} missing");
            }
            let data = std::fs::read_to_string(out.join("data.js")).unwrap();
            scripts
                .iter()
                .position(|s| *s == data)
                .expect("a whole data.js")
        };
        // The first site ever: `out` appears whole, in one step.
        let mut steps = Vec::new();
        write_site_with(&out, a.clone(), &artefacts, &mut |step| {
            if step >= Step::Swapped {
                assert_eq!(whole(&out), 0);
            } else {
                assert!(!out.exists());
            }
            steps.push(step);
        })
        .unwrap();
        assert_eq!(steps.len(), 6);
        // Each later site: at every step the old one or the new one.
        for round in 0..4 {
            let (next, new) = if round % 2 == 0 { (&b, 1) } else { (&a, 0) };
            let old = 1 - new;
            write_site_with(&out, next.clone(), &artefacts, &mut |step| {
                let seen = whole(&out);
                let expected = if step >= Step::Swapped { new } else { old };
                assert_eq!(seen, expected, "{step:?}");
            })
            .unwrap();
        }
    }

    #[test]
    fn a_site_written_as_a_real_folder_is_replaced_by_a_link() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("site");
        std::fs::create_dir_all(out.join("benches/x")).unwrap();
        std::fs::write(out.join("index.html"), "old").unwrap();
        write_site(&out, page("https://a/{sha}"), &no_artefacts(tmp.path())).unwrap();
        assert!(out.symlink_metadata().unwrap().file_type().is_symlink());
        assert!(!out.join("benches/x").exists());
        let names: Vec<_> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }

    /// Makes `path` look a day old.
    fn age(path: &Path) {
        let day_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(86_400);
        std::fs::File::open(path)
            .unwrap()
            .set_modified(day_ago)
            .unwrap();
    }

    #[test]
    fn stale_site_tmp_files_are_cleaned() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        let out = d.join("site");
        let artefacts = no_artefacts(d);
        write_site(&out, page("https://a/{sha}"), &artefacts).unwrap();
        // No process has this id: Linux's largest pid is 4194304.
        let dead = 4_194_999;
        let me = std::process::id();
        let stale = [
            format!(".site.tmp-{dead}-3"),
            format!(".site.old-{dead}"),
            format!(".site.v-{dead}-1"),
            format!(".site.link-{dead}-2"),
            format!(".site.tmp-{me}-99"),
        ];
        // pid 1 runs for as long as the machine does; a new leftover
        // (this run's own) is never old enough; other names are not ours.
        let kept = [
            ".site.tmp-1-5".to_owned(),
            format!(".site.tmp-{dead}-new"),
            ".sitemap.tmp-4194999".to_owned(),
            ".site.tmp-x".to_owned(),
            "site.tmp-4194999".to_owned(),
            ".site.backup-4194999".to_owned(),
        ];
        for name in stale.iter().chain(&kept) {
            std::fs::create_dir_all(d.join(name).join("benches")).unwrap();
            age(&d.join(name));
        }
        // Made after this process started (file times are coarse, so an
        // hour later rather than now).
        let fresh = format!(".site.tmp-{dead}-7");
        std::fs::create_dir_all(d.join(&fresh)).unwrap();
        std::fs::File::open(d.join(&fresh))
            .unwrap()
            .set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(3600))
            .unwrap();
        // The live version is old too, and must survive.
        let live = std::fs::read_link(&out).unwrap();
        age(&d.join(&live));
        // Baseline temporaries follow the same rule.
        std::fs::create_dir_all(d.join("b")).unwrap();
        let tmp_files = [
            format!(".main.json.{dead}.tmp"),
            format!(".main.json.{dead}-4.tmp"),
            format!(".other.json.{dead}.tmp"),
            ".main.json.1.tmp".to_owned(),
        ];
        for name in &tmp_files {
            std::fs::write(d.join("b").join(name), "x").unwrap();
            age(&d.join("b").join(name));
        }
        crate::history::write_atomic(&d.join("b/main.json"), b"{}").unwrap();
        write_site(&out, page("https://b/{sha}"), &artefacts).unwrap();
        for name in &stale {
            assert!(!d.join(name).exists(), "{name} was not cleaned");
        }
        for name in kept.iter().chain([&fresh]) {
            assert!(d.join(name).exists(), "{name} was removed");
        }
        assert!(!d.join(&live).exists(), "the replaced version is removed");
        let mut left: Vec<_> = std::fs::read_dir(d.join("b"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [".main.json.1.tmp", ".other.json.4194999.tmp", "main.json"]
        );
    }
}
