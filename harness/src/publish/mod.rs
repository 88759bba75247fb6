//! Reporting a verdict back to a pull request: the comment text
//! ([`comment`]) fitted to GitHub's size limits ([`layout`]), the
//! annotations ([`annotate`]), the escaping of untrusted text for each
//! ([`escape`]), and the GitHub REST client that creates the comment once
//! and updates it in place afterwards ([`github`]).

pub mod annotate;
pub mod comment;
pub mod escape;
pub mod github;
pub mod layout;

pub use annotate::{annotations, warning};
pub use comment::{
    COMMENT_LIMIT, Entry, Links, MARKER, MIN_LIMIT, STEP_SUMMARY_LIMIT, Summary, render,
    render_within,
};
pub use github::{ACTIONS_BOT, Client, PostError, Posted, Retry};
