//! The GitHub REST calls behind `harness publish`: find the comment that
//! carries [`super::MARKER`] on the pull request, update it if found,
//! create it otherwise.
//!
//! Only a comment written by the token's own account is updated: anyone
//! can post a comment holding the marker, and editing theirs would put the
//! verdict under their name (or let them make the harness edit text it
//! never wrote). The account is `GET /user`'s `login`; the Actions token
//! cannot read `/user` (403), and its comments are by [`ACTIONS_BOT`].
//! [`Client::comment_author`] names the account outright (a GitHub App's
//! `<slug>[bot]`).
//!
//! Retries: a 5xx, a 429 or a transport failure (refused connection,
//! timeout) is retried with exponential back-off; any other 4xx is final,
//! since repeating a 403 from a fork's read-only token cannot help.

use std::time::Duration;

use reqwest::blocking::{Client as Http, Response};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::MARKER;

/// GitHub's versioned media type and API version.
const ACCEPT: &str = "application/vnd.github+json";
const API_VERSION: &str = "2022-11-28";
/// Comment pages read when looking for the marker (100 per page).
const MAX_PAGES: u32 = 10;

/// The account behind the Actions token (`GITHUB_TOKEN` in a workflow).
pub const ACTIONS_BOT: &str = "github-actions[bot]";

/// How often and how patiently to retry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Retry {
    /// Attempts per request, at least 1.
    pub attempts: u32,
    /// Wait before the second attempt; doubled before each later one.
    pub base_delay: Duration,
    /// Timeout of one attempt.
    pub timeout: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        // Three tries over about three seconds ride out a brief outage
        // without holding a CI job for long.
        Retry {
            attempts: 3,
            base_delay: Duration::from_secs(1),
            timeout: Duration::from_secs(20),
        }
    }
}

/// Why the comment was not posted.
#[derive(Debug, thiserror::Error)]
pub enum PostError {
    /// `GITHUB_TOKEN` is not set.
    #[error("no GITHUB_TOKEN in the environment")]
    NoToken,
    /// The HTTP client could not be built.
    #[error("cannot set up HTTPS: {0}")]
    Setup(String),
    /// A 4xx answer, e.g. 403 from a fork's read-only token.
    #[error("{method} {url}: {status} {message}")]
    Refused {
        /// Method.
        method: String,
        /// URL.
        url: String,
        /// Status code.
        status: u16,
        /// GitHub's message.
        message: String,
    },
    /// Still failing after every retry.
    #[error("{method} {url}: gave up after {attempts} attempts: {last}")]
    GaveUp {
        /// Method.
        method: String,
        /// URL.
        url: String,
        /// Attempts made.
        attempts: u32,
        /// The last failure (a status or a transport error).
        last: String,
    },
    /// A 2xx answer that is not the expected JSON.
    #[error("{url}: unexpected answer: {message}")]
    BadAnswer {
        /// URL.
        url: String,
        /// What was wrong.
        message: String,
    },
}

/// What happened to the comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Posted {
    /// A new comment with this id.
    Created(u64),
    /// The existing comment with this id was updated.
    Updated(u64),
}

/// A GitHub REST client for one token.
#[derive(Debug)]
pub struct Client {
    api: String,
    token: String,
    http: Http,
    retry: Retry,
    author: Option<String>,
}

impl Client {
    /// A client for the API at `api` (e.g. `https://api.github.com`).
    pub fn new(api: &str, token: &str, retry: Retry) -> Result<Client, PostError> {
        if token.is_empty() {
            return Err(PostError::NoToken);
        }
        // rustls with the ring provider; ignoring the error keeps a
        // provider another part of the process installed first.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = Http::builder()
            .timeout(retry.timeout)
            .user_agent(concat!("bizra-harness/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| PostError::Setup(e.to_string()))?;
        Ok(Client {
            api: api.trim_end_matches('/').to_owned(),
            token: token.to_owned(),
            http,
            retry,
            author: None,
        })
    }

    /// Updates only comments by `login` instead of asking `GET /user`
    /// which account the token is.
    pub fn comment_author(mut self, login: &str) -> Client {
        self.author = Some(login.to_owned());
        self
    }

    /// The login whose comments may be updated: the one given, else
    /// `GET /user`'s, else [`ACTIONS_BOT`] when the token may not read
    /// `/user` (403, as for the Actions token).
    fn author(&self) -> Result<String, PostError> {
        if let Some(a) = &self.author {
            return Ok(a.clone());
        }
        let url = format!("{}/user", self.api);
        match self.send(Method::GET, &url, None) {
            Ok(user) => user["login"]
                .as_str()
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .ok_or(PostError::BadAnswer {
                    url,
                    message: "no login".into(),
                }),
            Err(PostError::Refused { status: 403, .. }) => Ok(ACTIONS_BOT.to_owned()),
            Err(e) => Err(e),
        }
    }

    /// Creates the marked comment on pull request `pr` of `repo`
    /// (`owner/name`), or updates it when one exists.
    pub fn upsert_comment(&self, repo: &str, pr: u64, body: &str) -> Result<Posted, PostError> {
        let payload = json!({ "body": body });
        if let Some(id) = self.find_marked(repo, pr)? {
            let url = format!("{}/repos/{repo}/issues/comments/{id}", self.api);
            self.send(Method::PATCH, &url, Some(&payload))?;
            return Ok(Posted::Updated(id));
        }
        let url = format!("{}/repos/{repo}/issues/{pr}/comments", self.api);
        let answer = self.send(Method::POST, &url, Some(&payload))?;
        let id = answer["id"].as_u64().ok_or_else(|| PostError::BadAnswer {
            url,
            message: "no comment id".into(),
        })?;
        Ok(Posted::Created(id))
    }

    /// The id of the first comment whose body holds the marker and whose
    /// author is the token's account. The account is looked up only once
    /// a marked comment is seen.
    fn find_marked(&self, repo: &str, pr: u64) -> Result<Option<u64>, PostError> {
        let mut me: Option<String> = None;
        for page in 1..=MAX_PAGES {
            let url = format!(
                "{}/repos/{repo}/issues/{pr}/comments?per_page=100&page={page}",
                self.api
            );
            let answer = self.send(Method::GET, &url, None)?;
            let list = answer.as_array().ok_or_else(|| PostError::BadAnswer {
                url: url.clone(),
                message: "not a list of comments".into(),
            })?;
            for c in list {
                if !c["body"].as_str().is_some_and(|b| b.contains(MARKER)) {
                    continue;
                }
                if me.is_none() {
                    me = Some(self.author()?);
                }
                let by = c["user"]["login"].as_str().unwrap_or_default();
                // Logins are case-insensitive on GitHub.
                let mine = me.as_deref().is_some_and(|m| m.eq_ignore_ascii_case(by));
                if let (true, Some(id)) = (mine, c["id"].as_u64()) {
                    return Ok(Some(id));
                }
            }
            if list.len() < 100 {
                break;
            }
        }
        Ok(None)
    }

    /// One request with retries; the answer's JSON.
    fn send(&self, method: Method, url: &str, body: Option<&Value>) -> Result<Value, PostError> {
        let mut last = String::new();
        for attempt in 0..self.retry.attempts.max(1) {
            if attempt > 0 {
                std::thread::sleep(self.retry.base_delay * 2u32.pow(attempt - 1));
            }
            let mut req = self
                .http
                .request(method.clone(), url)
                .bearer_auth(&self.token)
                .header("Accept", ACCEPT)
                .header("X-GitHub-Api-Version", API_VERSION);
            if let Some(b) = body {
                req = req
                    .header("Content-Type", "application/json")
                    .body(b.to_string());
            }
            match req.send() {
                Ok(resp) if resp.status().is_success() => return parse(url, resp),
                Ok(resp) if retryable(resp.status()) => last = resp.status().to_string(),
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    let text = resp.text().unwrap_or_default();
                    let message = serde_json::from_str::<Value>(&text)
                        .ok()
                        .and_then(|v| v["message"].as_str().map(str::to_owned))
                        .unwrap_or(text);
                    return Err(PostError::Refused {
                        method: method.to_string(),
                        url: url.to_owned(),
                        status,
                        message,
                    });
                }
                Err(e) => {
                    last = if e.is_timeout() {
                        "timed out".into()
                    } else {
                        e.to_string()
                    }
                }
            }
        }
        Err(PostError::GaveUp {
            method: method.to_string(),
            url: url.to_owned(),
            attempts: self.retry.attempts.max(1),
            last,
        })
    }
}

fn retryable(s: StatusCode) -> bool {
    s.is_server_error() || s == StatusCode::TOO_MANY_REQUESTS
}

fn parse(url: &str, resp: Response) -> Result<Value, PostError> {
    let text = resp.text().map_err(|e| PostError::BadAnswer {
        url: url.to_owned(),
        message: e.to_string(),
    })?;
    if text.trim().is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_str(&text).map_err(|e| PostError::BadAnswer {
        url: url.to_owned(),
        message: e.to_string(),
    })
}
