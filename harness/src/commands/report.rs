//! `harness report`: renders the history into the static dashboard site.

use super::ReportConfig;
use super::check;
use super::common::{Outcome, history_runs};
use crate::dashboard::{self, Artefacts, Inputs};

/// Writes the site. A history with no readable run is an error, as in
/// every other command, rather than a site that silently shows nothing.
/// The latest run is judged exactly as `harness check` judges it.
pub fn report(c: &ReportConfig) -> anyhow::Result<Outcome> {
    if let Some(u) = &c.commit_url {
        dashboard::check_commit_url(u)?;
    }
    let runs = history_runs(&c.check.history, c.check.load)?;
    let total = runs.len();
    let ctx = check::context(&c.check, runs, None)?;
    let message = dashboard::commit_messages(&c.repo);
    let page = dashboard::build(
        total,
        ctx.as_ref(),
        &Inputs {
            commit_url: c.commit_url.clone(),
            message: &message,
            culprits: dashboard::culprits::load(&c.bisects)?,
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
