//! The PR-comment client against a fake GitHub API on 127.0.0.1: the
//! requests it makes (method, path, headers, body), whose marked comment
//! it updates (only the token account's), and how it meets each failure
//! (403, 5xx then success, 5xx forever, a server that hangs).

mod common;

use std::time::Duration;

use common::fake_github::{FakeGithub, Request};
use harness::publish::{ACTIONS_BOT, Client, MARKER, PostError, Posted, Retry};

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

/// A comment as the API lists it.
fn comment(id: u64, login: &str, body: &str) -> serde_json::Value {
    serde_json::json!({"id": id, "user": {"login": login, "type": "User"}, "body": body})
}

/// A fake API whose token is `user` (`None`: `/user` answers 403, as for
/// the Actions token) and whose pull request has `comments`.
fn pull_request(user: Option<&'static str>, comments: Vec<serde_json::Value>) -> FakeGithub {
    let list = serde_json::Value::Array(comments).to_string();
    FakeGithub::start(move |r, _| match (r.method.as_str(), r.path.as_str()) {
        ("GET", "/user") => Some(match user {
            Some(login) => (200, format!(r#"{{"login": "{login}", "id": 1}}"#)),
            None => (
                403,
                r#"{"message": "Resource not accessible by integration"}"#.into(),
            ),
        }),
        ("GET", _) => Some((200, list.clone())),
        ("PATCH", p) => Some((200, format!(r#"{{"id": {}}}"#, p.rsplit('/').next()?))),
        _ => Some((201, r#"{"id": 77}"#.into())),
    })
}

fn calls(gh: &FakeGithub) -> Vec<(String, String)> {
    gh.seen().into_iter().map(|r| (r.method, r.path)).collect()
}

fn s(a: &str, b: &str) -> (String, String) {
    (a.to_owned(), b.to_owned())
}

#[test]
fn later_publishes_update_the_marked_comment_in_place() {
    let marked = format!("{MARKER}\nold");
    let gh = pull_request(
        Some("bot"),
        vec![comment(1, "alice", "hi"), comment(9, "bot", &marked)],
    );
    let client = Client::new(&gh.url, "sekrit", quick(3)).unwrap();
    let posted = client.upsert_comment("acme/widget", 42, "new").unwrap();
    assert_eq!(posted, Posted::Updated(9));
    let seen = gh.seen();
    assert_eq!(
        calls(&gh),
        [
            s("GET", LIST),
            s("GET", "/user"),
            s("PATCH", "/repos/acme/widget/issues/comments/9")
        ]
    );
    assert_eq!(seen[2].body, r#"{"body":"new"}"#);
    seen.iter().for_each(check_headers);
}

#[test]
fn marker_comment_by_another_account_is_not_edited() {
    let marked = format!("{MARKER}\n## Benchmarks: no regression");
    let gh = pull_request(Some("bot"), vec![comment(5, "mallory", &marked)]);
    let client = Client::new(&gh.url, "sekrit", quick(3)).unwrap();
    let body = format!("{MARKER}\nREGRESSION");
    assert_eq!(
        client.upsert_comment("acme/widget", 42, &body).unwrap(),
        Posted::Created(77)
    );
    let seen = calls(&gh);
    assert_eq!(
        seen,
        [
            s("GET", LIST),
            s("GET", "/user"),
            s("POST", "/repos/acme/widget/issues/42/comments")
        ]
    );
    assert!(seen.iter().all(|(m, _)| m != "PATCH"));
}

#[test]
fn the_token_accounts_comment_is_updated_and_mallorys_left_alone() {
    let marked = format!("{MARKER}\nold");
    let gh = pull_request(
        Some("Bot"),
        vec![comment(5, "mallory", &marked), comment(8, "bot", &marked)],
    );
    let client = Client::new(&gh.url, "sekrit", quick(3)).unwrap();
    assert_eq!(
        client.upsert_comment("acme/widget", 42, "x").unwrap(),
        Posted::Updated(8),
        "logins compare without case, as on GitHub"
    );
    assert_eq!(
        calls(&gh).last().unwrap(),
        &s("PATCH", "/repos/acme/widget/issues/comments/8")
    );
}

#[test]
fn the_actions_token_updates_only_github_actions_bot_comments() {
    let marked = format!("{MARKER}\nold");
    let gh = pull_request(
        None,
        vec![
            comment(5, "mallory", &marked),
            comment(6, ACTIONS_BOT, &marked),
        ],
    );
    let client = Client::new(&gh.url, "sekrit", quick(3)).unwrap();
    assert_eq!(
        client.upsert_comment("acme/widget", 42, "x").unwrap(),
        Posted::Updated(6)
    );
    let gh = pull_request(None, vec![comment(5, "mallory", &marked)]);
    let client = Client::new(&gh.url, "sekrit", quick(3)).unwrap();
    assert_eq!(
        client.upsert_comment("acme/widget", 42, "x").unwrap(),
        Posted::Created(77)
    );
    assert!(calls(&gh).iter().all(|(m, _)| m != "PATCH"));
}

#[test]
fn a_named_comment_author_is_trusted_without_asking_the_api() {
    let marked = format!("{MARKER}\nold");
    let gh = pull_request(
        Some("bot"),
        vec![
            comment(5, "bot", &marked),
            comment(7, "my-app[bot]", &marked),
        ],
    );
    let client = Client::new(&gh.url, "sekrit", quick(3))
        .unwrap()
        .comment_author("my-app[bot]");
    assert_eq!(
        client.upsert_comment("acme/widget", 42, "x").unwrap(),
        Posted::Updated(7)
    );
    assert!(calls(&gh).iter().all(|(_, p)| p != "/user"));
}

#[test]
fn without_a_marked_comment_the_account_is_not_looked_up() {
    let gh = pull_request(Some("bot"), vec![comment(1, "alice", "hi")]);
    let client = Client::new(&gh.url, "sekrit", quick(3)).unwrap();
    assert_eq!(
        client.upsert_comment("acme/widget", 42, "x").unwrap(),
        Posted::Created(77)
    );
    assert_eq!(calls(&gh).len(), 2);
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
