//! The PR-comment client against a fake GitHub API on 127.0.0.1: the
//! requests it makes (method, path, headers, body) and how it meets each
//! failure (403, 5xx then success, 5xx forever, a server that hangs).

mod common;

use std::time::Duration;

use common::fake_github::{FakeGithub, Request};
use harness::publish::{Client, MARKER, PostError, Posted, Retry};

fn quick(attempts: u32) -> Retry {
    Retry {
        attempts,
        base_delay: Duration::from_millis(10),
        timeout: Duration::from_secs(5),
    }
}

fn check_headers(r: &Request) {
    assert_eq!(r.headers["authorization"], "Bearer sekrit");
    assert_eq!(r.headers["accept"], "application/vnd.github+json");
    assert!(
        r.headers["user-agent"].starts_with("bizra-harness/"),
        "{r:?}"
    );
    assert_eq!(r.headers["x-github-api-version"], "2022-11-28");
}

const LIST: &str = "/repos/acme/widget/issues/42/comments?per_page=100&page=1";

#[test]
fn first_publish_creates_the_comment() {
    let gh = FakeGithub::start(|r, _| match r.method.as_str() {
        "GET" => Some((200, r#"[{"id": 1, "body": "looks good"}]"#.into())),
        _ => Some((201, r#"{"id": 77}"#.into())),
    });
    let client = Client::new(&gh.url, "sekrit", quick(3)).unwrap();
    let body = format!("{MARKER}\nhello");
    assert_eq!(
        client.upsert_comment("acme/widget", 42, &body).unwrap(),
        Posted::Created(77)
    );
    let seen = gh.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(
        (seen[0].method.as_str(), seen[0].path.as_str()),
        ("GET", LIST)
    );
    assert_eq!(seen[1].method, "POST");
    assert_eq!(seen[1].path, "/repos/acme/widget/issues/42/comments");
    assert_eq!(seen[1].headers["content-type"], "application/json");
    let sent: serde_json::Value = serde_json::from_str(&seen[1].body).unwrap();
    assert_eq!(sent["body"], body);
    seen.iter().for_each(check_headers);
}

#[test]
fn later_publishes_update_the_marked_comment_in_place() {
    let gh = FakeGithub::start(|r, _| match r.method.as_str() {
        "GET" => Some((
            200,
            format!(r#"[{{"id": 1, "body": "hi"}}, {{"id": 9, "body": "{MARKER}\nold"}}]"#),
        )),
        _ => Some((200, r#"{"id": 9}"#.into())),
    });
    let client = Client::new(&gh.url, "sekrit", quick(3)).unwrap();
    let posted = client.upsert_comment("acme/widget", 42, "new").unwrap();
    assert_eq!(posted, Posted::Updated(9));
    let seen = gh.seen();
    assert_eq!(seen[1].method, "PATCH");
    assert_eq!(seen[1].path, "/repos/acme/widget/issues/comments/9");
    assert_eq!(seen[1].body, r#"{"body":"new"}"#);
    check_headers(&seen[1]);
}

#[test]
fn a_forks_read_only_token_gets_403_once_without_retries() {
    let gh = FakeGithub::start(|_, _| {
        Some((
            403,
            r#"{"message": "Resource not accessible by integration"}"#.into(),
        ))
    });
    let client = Client::new(&gh.url, "sekrit", quick(3)).unwrap();
    let err = client.upsert_comment("acme/widget", 42, "x").unwrap_err();
    assert!(
        matches!(err, PostError::Refused { status: 403, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("Resource not accessible"));
    assert_eq!(gh.seen().len(), 1);
}

#[test]
fn a_server_error_is_retried_then_succeeds() {
    let gh = FakeGithub::start(|r, n| match (n, r.method.as_str()) {
        (0, _) => Some((502, "{}".into())),
        (_, "GET") => Some((200, "[]".into())),
        _ => Some((201, r#"{"id": 5}"#.into())),
    });
    let client = Client::new(&gh.url, "sekrit", quick(3)).unwrap();
    assert_eq!(
        client.upsert_comment("acme/widget", 42, "x").unwrap(),
        Posted::Created(5)
    );
    let methods: Vec<String> = gh.seen().into_iter().map(|r| r.method).collect();
    assert_eq!(methods, ["GET", "GET", "POST"]);
}

#[test]
fn a_server_error_on_every_attempt_gives_up() {
    let gh = FakeGithub::start(|_, _| Some((500, "{}".into())));
    let client = Client::new(&gh.url, "sekrit", quick(3)).unwrap();
    let err = client.upsert_comment("acme/widget", 42, "x").unwrap_err();
    assert!(
        matches!(err, PostError::GaveUp { attempts: 3, .. }),
        "{err}"
    );
    assert_eq!(gh.seen().len(), 3);
}

#[test]
fn a_hanging_server_times_out() {
    let gh = FakeGithub::start(|_, _| None);
    let retry = Retry {
        attempts: 2,
        base_delay: Duration::from_millis(10),
        timeout: Duration::from_millis(300),
    };
    let client = Client::new(&gh.url, "sekrit", retry).unwrap();
    let err = client.upsert_comment("acme/widget", 42, "x").unwrap_err();
    assert!(err.to_string().contains("timed out"), "{err}");
    assert_eq!(gh.seen().len(), 2);
}

#[test]
fn no_token_is_refused_before_any_request() {
    assert!(matches!(
        Client::new("http://127.0.0.1:9", "", quick(1)),
        Err(PostError::NoToken)
    ));
}
