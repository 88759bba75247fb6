//! Reads the environment a run is measured in: git state (git2) and the
//! machine fingerprint (CPU, cores, OS, rustc).

use std::path::Path;
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::model::{GitInfo, Machine};

/// Why the git state could not be read.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// No repository at or above the directory.
    #[error("{path}: not inside a git repository")]
    NotARepo {
        /// The directory searched from.
        path: String,
    },
    /// The repository exists but HEAD could not be read.
    #[error("{path}: cannot read HEAD: {message}")]
    Head {
        /// The repository path.
        path: String,
        /// git2's message.
        message: String,
    },
}

/// The git state of the repository containing `dir`.
pub fn git_info(dir: &Path) -> Result<GitInfo, GitError> {
    let repo = git2::Repository::discover(dir).map_err(|_| GitError::NotARepo {
        path: dir.display().to_string(),
    })?;
    let head_err = |e: git2::Error| GitError::Head {
        path: repo.path().display().to_string(),
        message: e.message().to_owned(),
    };
    let head = repo.head().map_err(head_err)?;
    let commit = head.peel_to_commit().map_err(head_err)?;
    let branch = if head.is_branch() {
        head.shorthand().ok().map(|s| s.to_string())
    } else {
        None
    };
    let mut opts = git2::StatusOptions::new();
    opts.include_untracked(false).include_ignored(false);
    let dirty = repo
        .statuses(Some(&mut opts))
        .map(|s| !s.is_empty())
        .unwrap_or(false);
    Ok(GitInfo {
        commit: commit.id().to_string(),
        branch,
        dirty,
        commit_time: commit.time().seconds(),
        shallow: repo.is_shallow(),
    })
}

/// The machine this process runs on.
pub fn machine() -> Machine {
    let cpu_model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get() as u32);
    let rustc = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|| "unknown".to_owned());
    Machine {
        cpu_model,
        cores,
        os: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
        rustc,
    }
}

/// Seconds since the Unix epoch now.
pub fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Formats Unix seconds as RFC 3339 UTC (`2025-11-22T03:33:20Z`).
pub fn rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
/// `civil_from_days`, public domain).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_763_782_400), "2025-11-22T03:33:20Z");
    }

    #[test]
    fn outside_a_repository_is_an_error_naming_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let err = git_info(dir.path()).unwrap_err();
        assert!(err.to_string().contains("not inside a git repository"));
    }

    #[test]
    fn machine_has_cores() {
        assert!(machine().cores >= 1);
    }
}
