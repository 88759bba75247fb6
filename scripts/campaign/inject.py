#!/usr/bin/env python3
"""Injects a calibrated slowdown of PCT percent into two hot paths of the
systems under test, for measuring the pull-request gate (`harness compare`)
on a known change. Usage: inject.py REPO PCT

Each function is renamed `<name>_unslowed` and wrapped by one of the old
name that times the real work and then spins for PCT percent of that time,
so the slowdown is PCT percent of the function's own time on this machine
whatever its speed (to within two clock reads, about 50 ns: both paths
take tens of microseconds or more). The two paths:
- `bizra::snr::compute` (benches snr/compute/*),
- `GossipEngine::handle_message` (bench gossip/handle_message/signed_ping).
Instruction counts of those benches change too, by an amount that depends
on timing (the spin runs under valgrind as well), so only the wall-time
rows say how well the gate sees a small slowdown.
"""
import pathlib
import sys

repo, pct = pathlib.Path(sys.argv[1]), float(sys.argv[2])
FRACTION = pct / 100.0


def edit(rel, old, new, tail):
    path = repo / rel
    text = path.read_text()
    if text.count(old) != 1:
        sys.exit(f"{path}: expected one {old!r}")
    path.write_text(text.replace(old, new) + tail)


SPIN = f"""
/// Spins for {pct}% of `spent` (an injected slowdown, see scripts/campaign).
fn injected_spin(spent: std::time::Duration) {{
    let until = std::time::Instant::now() + spent.mul_f64({FRACTION});
    while std::time::Instant::now() < until {{
        std::hint::spin_loop();
    }}
}}
"""

edit(
    "src/snr/mod.rs",
    "pub fn compute<T: AsRef<str> + Sync, E: AsRef<[f64]> + Sync>(",
    "fn compute_unslowed<T: AsRef<str> + Sync, E: AsRef<[f64]> + Sync>(",
    SPIN
    + """
/// `compute` with the injected slowdown.
pub fn compute<T: AsRef<str> + Sync, E: AsRef<[f64]> + Sync>(
    input: &SnrInput<'_, T, E>,
) -> Result<SnrResult, SnrError> {
    let start = std::time::Instant::now();
    let out = compute_unslowed(input);
    injected_spin(start.elapsed());
    out
}
""",
)
edit(
    "src/gossip/engine.rs",
    "    pub fn handle_message(&mut self, bytes: &[u8], now: UnixMicros) -> Result<Handled, Rejected> {",
    "    fn handle_message_unslowed(&mut self, bytes: &[u8], now: UnixMicros) -> Result<Handled, Rejected> {",
    SPIN
    + """
impl GossipEngine {
    /// `handle_message` with the injected slowdown.
    pub fn handle_message(&mut self, bytes: &[u8], now: UnixMicros) -> Result<Handled, Rejected> {
        let start = std::time::Instant::now();
        let out = self.handle_message_unslowed(bytes, now);
        injected_spin(start.elapsed());
        out
    }
}
""",
)
print(f"injected {pct}% into snr::compute and GossipEngine::handle_message")
