//! `harness report`: renders the history into the static dashboard site.

use super::ReportConfig;
use super::check;
use super::common::{Outcome, load_history};
use crate::dashboard::{self, Artefacts, Inputs};

/// Writes the site. A missing history gives the page's empty state, not an
/// error: the first publish of a new repository has nothing to show yet.
/// The latest run is judged exactly as `harness check` judges it.
pub fn report(c: &ReportConfig) -> anyhow::Result<Outcome> {
    let runs = if c.check.history.exists() {
        load_history(&c.check.history)?
    } else {
        Vec::new()
    };
    let total = runs.len();
    let ctx = check::context(&c.check, runs, None)?;
    let message = dashboard::commit_messages(&c.repo);
    let page = dashboard::build(
        total,
        ctx.as_ref(),
        &Inputs {
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
