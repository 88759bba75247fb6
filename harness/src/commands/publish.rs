//! `harness publish`: the verdict of a comparison (or a check of a run)
//! as one PR comment, the job summary and annotations.
//!
//! Posting is best effort: without a token, with a fork's read-only token
//! (403), after 5xx answers on every retry, or on a timeout, it prints a
//! `::warning` and goes on. The exit code is the verdict's, so a comment
//! that could not be posted never hides a regression nor invents one.
//!
//! The comment is fitted to GitHub's comment limit and the job summary to
//! the step-summary limit, each keeping every regression it can.

use std::io::Write;

use anyhow::Context;

use super::check::report;
use super::common::Outcome;
use super::{PublishConfig, PublishSource};
use crate::judge::Comparison;
use crate::publish::{
    Client, MIN_LIMIT, PostError, Posted, STEP_SUMMARY_LIMIT, Summary, annotations, render,
    render_within, warning,
};

/// Publishes and returns the verdict's exit code.
pub fn publish(c: &PublishConfig) -> anyhow::Result<Outcome> {
    let summary = match &c.source {
        PublishSource::Compare(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("{}: cannot read", path.display()))?;
            let cmp: Comparison = serde_json::from_str(&text).with_context(|| {
                format!(
                    "{}: not a comparison from `harness compare --out`",
                    path.display()
                )
            })?;
            Summary::from(&cmp)
        }
        PublishSource::Check(check) => Summary::from(&report(check)?),
    };
    let body = render(&summary, &c.links);
    let mut out = String::new();
    for a in annotations(&summary) {
        out.push_str(&a);
        out.push('\n');
    }
    if let Some(path) = &c.step_summary
        && let Err(e) = step_summary(path, &summary, &c.links)
    {
        out.push_str(&warning("job summary not written", &e));
        out.push('\n');
    }
    match post(c, &body) {
        Ok((Posted::Created(id), target)) => {
            out.push_str(&format!("created comment {id} on {target}\n"))
        }
        Ok((Posted::Updated(id), target)) => {
            out.push_str(&format!("updated comment {id} on {target}\n"))
        }
        Err(why) => {
            out.push_str(&warning("PR comment not posted", &why));
            out.push('\n');
        }
    }
    if c.print_body {
        out.push_str(&body);
    }
    Ok(Outcome {
        stdout: out,
        code: u8::from(summary.failed()),
    })
}

/// Appends the summary to the job summary file, within what is left of
/// the step's limit (the file may already hold lines written earlier in
/// the step); the
/// error is the warning's text.
fn step_summary(
    path: &std::path::Path,
    summary: &Summary,
    links: &crate::publish::Links,
) -> Result<(), String> {
    let used = match std::fs::metadata(path) {
        Ok(m) => usize::try_from(m.len()).unwrap_or(usize::MAX),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => 0,
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    let room = STEP_SUMMARY_LIMIT.saturating_sub(used);
    if room < MIN_LIMIT {
        return Err(format!(
            "{}: already {used} bytes, no room left under the {STEP_SUMMARY_LIMIT}-byte limit",
            path.display()
        ));
    }
    // One write of the whole text: the runner reads the file after the
    // step, so there is no reader to see half of it.
    let text = format!("{}\n", render_within(summary, links, room - 1));
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Posts the comment; the error is the warning's text.
fn post(c: &PublishConfig, body: &str) -> Result<(Posted, String), String> {
    let repo = c
        .repo
        .as_deref()
        .ok_or("no --repo and no GITHUB_REPOSITORY")?;
    let pr = c.pr.ok_or("no --pr and GITHUB_REF is not a pull request")?;
    let token = c.token.as_deref().ok_or(PostError::NoToken.to_string())?;
    let mut client = Client::new(&c.api, token, c.retry).map_err(|e| e.to_string())?;
    if let Some(login) = &c.comment_author {
        client = client.comment_author(login);
    }
    client
        .upsert_comment(repo, pr, body)
        .map(|p| (p, format!("{repo}#{pr}")))
        .map_err(|e| e.to_string())
}
