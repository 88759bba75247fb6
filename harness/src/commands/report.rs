//! `harness report`: renders the history into the static dashboard site.

use std::path::Path;

use super::ReportConfig;
use super::common::{Outcome, load_history};
use crate::dashboard::{self, Artefacts, Inputs};
use crate::judge::CompareSettings;
use crate::targets::Targets;

/// Default gates file, read only when present (as `harness check` does).
const DEFAULT_TARGETS: &str = "targets.toml";

/// Writes the site. A missing history gives the page's empty state, not an
/// error: the first publish of a new repository has nothing to show yet.
pub fn report(c: &ReportConfig) -> anyhow::Result<Outcome> {
    let runs = if c.history.exists() {
        load_history(&c.history)?
    } else {
        Vec::new()
    };
    let targets = match &c.targets {
        Some(p) => Some(Targets::load(p)?),
        None if Path::new(DEFAULT_TARGETS).exists() => {
            Some(Targets::load(Path::new(DEFAULT_TARGETS))?)
        }
        None => None,
    };
    let message = dashboard::commit_messages(&c.repo);
    let settings = CompareSettings::default();
    let page = dashboard::build(
        &runs,
        &Inputs {
            targets: targets.as_ref(),
            settings: &settings,
            commit_url: c.commit_url.clone(),
            message: &message,
        },
    );
    let artefacts = Artefacts {
        criterion: c.criterion.clone(),
    };
    let page = dashboard::write_site(&c.out, page, &artefacts)?;
    let charts: usize = page.benches.iter().map(|b| b.charts.len()).sum();
    Ok(Outcome::ok(format!(
        "wrote {}/index.html: {} runs, {} benches, {} charts\n",
        c.out.display(),
        page.runs.len(),
        page.benches.len(),
        charts
    )))
}
