//! The one judging core. Every view (`check`, `analyze`, the dashboard,
//! the pull-request comment) builds a [`Context`] (the comparable runs,
//! the saved baseline, the accepted changes, the gates and the settings)
//! and asks it for [`tracks`] (every run of every series judged) and a
//! [`Report`] (the judged run's rows): the same run gets the same verdict
//! everywhere. `compare` judges its paired rounds with [`decide`], the
//! same decision as a series' test.
//!
//! How a series is judged is in [`series`]; the whole-run error budget in
//! [`Settings::per_series_alpha`]; machine-outlier runs in [`outliers`].

mod budget;
pub mod calibration;
mod changes;
mod compare;
mod context;
mod decide;
mod gates;
mod outliers;
mod paired;
pub mod prior;
mod report;
pub mod series;
mod verdict;

pub use budget::Settings;
pub use changes::{Step, steps};
pub use compare::{Comparison, Design, Next, Side, after_round, judge_comparison};
pub use context::{Context, Track, tracks};
pub use decide::{Decision, Evidence, Shortfall, decide};
pub use gates::{apply_gates, judge_complexity, statistic};
pub use outliers::machine_outliers;
pub(crate) use paired::VARYING_VALUES;
pub use paired::{PairedRow, Pairs, judge_pairs, pair_rounds};
pub use report::{Report, judge, judge_tracks};
pub use verdict::{Change, ComplexityRow, Row, Verdict, pct, show};

use crate::model::Measurement;

/// The value a run is charted and judged by: the median of its samples
/// (robust to a noisy sample), else its estimate. A run read from the
/// store's index has the samples' median in its summary instead.
pub fn chart_value(m: &Measurement) -> f64 {
    match (&m.samples, &m.summary) {
        (Some(s), _) => crate::stats::describe::median(s.values()),
        (None, Some(s)) => Some(s.median),
        (None, None) => None,
    }
    .unwrap_or(m.estimate)
}

/// The name of the statistic [`chart_value`] takes for `m`.
pub fn chart_statistic(m: &Measurement) -> &'static str {
    if m.samples.is_some() || m.summary.is_some() {
        "median"
    } else {
        "value"
    }
}
