//! Running cargo for one bench target: progress on stderr, the bench's
//! own output passed through with `--verbose`, and the tail of its stderr
//! kept so that a failure can say what happened (the panic message).

use std::collections::VecDeque;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

/// Lines of stderr kept for the failure message.
const TAIL: usize = 40;

/// The cargo executable: `$CARGO` when cargo runs us, else `cargo`.
pub fn cargo_exe() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// One cargo invocation.
pub(crate) struct Call<'a> {
    /// Working folder (the workspace).
    pub dir: &'a Path,
    /// Arguments after `cargo`.
    pub args: Vec<String>,
    /// Extra environment.
    pub env: Vec<(&'static str, String)>,
    /// Progress prefix.
    pub label: String,
    /// Pass the bench's stdout through.
    pub verbose: bool,
}

/// Runs the call; `Err` holds the failure message (status and the panic
/// or last error line). Progress lines name each finished Criterion bench.
pub(crate) fn run(c: &Call, clock: Instant) -> Result<(), String> {
    crate::say!(
        "[{}] cargo {} ({:.1}s)",
        c.label,
        c.args.join(" "),
        clock.elapsed().as_secs_f64()
    );
    let mut cmd = Command::new(cargo_exe());
    cmd.args(&c.args)
        .current_dir(c.dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in &c.env {
        cmd.env(k, v);
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot start cargo: {e}"))?;
    let stderr = child.stderr.take();
    // Stderr passes through as it comes (cargo's build lines, Criterion's
    // live status), and its tail is kept for the failure message.
    let tail = std::thread::spawn(move || {
        let mut tail: VecDeque<String> = VecDeque::new();
        if let Some(err) = stderr {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                crate::say!("{line}");
                if tail.len() == TAIL {
                    tail.pop_front();
                }
                tail.push_back(line);
            }
        }
        tail
    });
    if let Some(out) = child.stdout.take() {
        progress(out, c, clock);
    }
    let status = child
        .wait()
        .map_err(|e| format!("cargo did not finish: {e}"))?;
    let tail = tail.join().unwrap_or_default();
    if status.success() {
        return Ok(());
    }
    Err(failure_message(&status.to_string(), &tail))
}

/// Reads the bench's stdout: with `verbose` everything is shown, else one
/// line per finished Criterion bench (`<id>  time: [...]`; a long id
/// stands on its own line with `time:` on the next).
fn progress(out: impl std::io::Read, c: &Call, clock: Instant) {
    let mut last_id = String::new();
    for line in BufReader::new(out).lines().map_while(Result::ok) {
        if c.verbose {
            crate::say!("{line}");
            continue;
        }
        let head = line.split("time:").next().unwrap_or("").trim();
        if !line.starts_with(char::is_whitespace) && !head.is_empty() {
            last_id = head.to_owned();
        }
        // With an earlier run to compare with, Criterion prints a second,
        // indented `time:` line (the change); report each bench once.
        if line.contains("time:") && !last_id.is_empty() {
            crate::say!(
                "[{}] {last_id} done ({:.1}s)",
                c.label,
                clock.elapsed().as_secs_f64()
            );
            last_id.clear();
        }
    }
}

/// `exit status: 101: thread 'main' panicked at src/x.rs:3:5: boom`.
fn failure_message(status: &str, tail: &VecDeque<String>) -> String {
    let lines: Vec<&String> = tail.iter().collect();
    let why = lines
        .iter()
        .position(|l| l.contains("panicked at"))
        .map(|i| {
            // The panic's message is on the next line since Rust 1.73.
            let mut s = lines[i].trim().to_owned();
            if let Some(next) = lines.get(i + 1).filter(|n| !n.starts_with("note:")) {
                s.push(' ');
                s.push_str(next.trim());
            }
            s
        })
        .or_else(|| {
            lines
                .iter()
                .rev()
                .find(|l| l.starts_with("error"))
                .map(|l| l.trim().to_owned())
        })
        .or_else(|| lines.last().map(|l| l.trim().to_owned()))
        .unwrap_or_default();
    if why.is_empty() {
        status.to_owned()
    } else {
        format!("{status}: {why}")
    }
}

/// Runs cargo and returns its stdout (for `--list`); `Err` as [`run`].
pub(crate) fn output(c: &Call) -> Result<String, String> {
    let mut cmd = Command::new(cargo_exe());
    cmd.args(&c.args).current_dir(c.dir).stdin(Stdio::null());
    for (k, v) in &c.env {
        cmd.env(k, v);
    }
    let out = cmd
        .output()
        .map_err(|e| format!("cannot start cargo: {e}"))?;
    if !out.status.success() {
        let text = String::from_utf8_lossy(&out.stderr);
        let tail: VecDeque<String> = text
            .lines()
            .rev()
            .take(TAIL)
            .map(str::to_owned)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        return Err(failure_message(&out.status.to_string(), &tail));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_panic_and_its_message_make_the_failure() {
        let tail: VecDeque<String> = [
            "   Compiling x",
            "thread 'main' panicked at benches/boom.rs:4:5:",
            "the disk is on fire",
            "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace",
            "error: bench failed, to rerun pass `--bench boom`",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        let m = failure_message("exit status: 101", &tail);
        assert_eq!(
            m,
            "exit status: 101: thread 'main' panicked at benches/boom.rs:4:5: the disk is on fire"
        );
    }

    #[test]
    fn without_a_panic_the_last_error_line_is_given() {
        let tail: VecDeque<String> = ["error[E0425]: cannot find value `x`", "warning: unused"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        assert_eq!(
            failure_message("exit status: 101", &tail),
            "exit status: 101: error[E0425]: cannot find value `x`"
        );
        assert_eq!(
            failure_message("exit status: 1", &VecDeque::new()),
            "exit status: 1"
        );
    }
}
