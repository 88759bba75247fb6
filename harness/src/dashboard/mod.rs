//! The HTML dashboard written by `harness report`: a static site (an
//! `index.html`, its script and style, the page data as `data.js`, and
//! copies of each bench's flamegraph and Criterion report) that opens from
//! `file://` and from GitHub Pages with no network access.
//!
//! The page data ([`model::Page`]) holds the judge's verdicts for the
//! latest run and, per bench and metric, the series with the limits each
//! run was judged against, the flagged points and the change points
//! ([`series`]). The browser only draws it.

pub mod culprits;
mod git;
mod link;
pub mod model;
pub mod series;
mod site;
pub mod synthetic;

pub use git::commit_messages;
pub use link::{CommitUrlError, check_commit_url};
pub use model::{Inputs, Page, build};
pub use site::{Artefacts, SiteError, write_site};
