//! Reporting a verdict back to a pull request: the comment text and
//! annotations ([`comment`]) and the GitHub REST client that creates the
//! comment once and updates it in place afterwards ([`github`]).

pub mod comment;
pub mod github;

pub use comment::{Entry, Links, MARKER, Summary, annotations, render};
pub use github::{Client, PostError, Posted, Retry};
