//! The commit link template of `report --commit-url`: the page opens it
//! when a point is clicked, so only web links are allowed.

/// Why a commit link template was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommitUrlError {
    /// No `{sha}` to put the commit in.
    #[error("--commit-url {0:?} must contain {{sha}}")]
    NoSha(String),
    /// Not `http://` or `https://` (a `javascript:` or `data:` link would
    /// run code in the reader's browser).
    #[error("--commit-url {0:?}: only http:// and https:// links are allowed")]
    Scheme(String),
    /// Whitespace or control characters, or no host after the scheme.
    #[error("--commit-url {0:?}: not a link (no host, or spaces or control characters)")]
    Malformed(String),
}

/// Checks a commit link template: an `http` or `https` link with a host,
/// no whitespace or control characters, and `{sha}` where the commit goes.
pub fn check_commit_url(template: &str) -> Result<(), CommitUrlError> {
    let owned = || template.to_owned();
    let lower = template.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .ok_or_else(|| CommitUrlError::Scheme(owned()))?;
    if rest.starts_with(['/', '{', '?', '#'])
        || rest.is_empty()
        || template
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(CommitUrlError::Malformed(owned()));
    }
    if !template.contains("{sha}") {
        return Err(CommitUrlError::NoSha(owned()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_url_with_javascript_scheme_is_refused() {
        for bad in [
            "javascript:alert(1)//{sha}",
            "JavaScript:alert(1)//{sha}",
            " javascript:alert(1)//{sha}",
            "data:text/html,{sha}",
            "//evil.example/{sha}",
            "ftp://example.com/{sha}",
        ] {
            assert!(
                matches!(check_commit_url(bad), Err(CommitUrlError::Scheme(_))),
                "{bad}"
            );
        }
        let err = check_commit_url("javascript:alert(1)//{sha}").unwrap_err();
        assert!(err.to_string().contains("javascript:alert(1)"), "{err}");
    }

    #[test]
    fn web_links_with_a_host_and_sha_are_allowed() {
        check_commit_url("https://github.com/o/r/commit/{sha}").unwrap();
        check_commit_url("HTTP://git.example:8080/c?id={sha}").unwrap();
        assert!(matches!(
            check_commit_url("https://github.com/o/r/commit/"),
            Err(CommitUrlError::NoSha(_))
        ));
        for bad in [
            "https://{sha}",
            "https:///{sha}",
            "https://a b/{sha}",
            "https://a/\n{sha}",
        ] {
            assert!(
                matches!(check_commit_url(bad), Err(CommitUrlError::Malformed(_))),
                "{bad}"
            );
        }
    }
}
