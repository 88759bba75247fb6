//! Western Electric zone rules (Western Electric Co., *Statistical Quality
//! Control Handbook*, 1956, §1.B; Montgomery §5.3.6) over standardised
//! values z = (x − center)/σ:
//!
//! 1. one point beyond 3σ;
//! 2. two of three consecutive points beyond 2σ on the same side;
//! 3. four of five consecutive points beyond 1σ on the same side;
//! 4. eight consecutive points on the same side of the center.

/// One firing of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signal {
    /// Rule number, 1 to 4.
    pub rule: u8,
    /// First point of the window that fired.
    pub start: usize,
    /// Point at which the rule fired.
    pub end: usize,
}

/// (rule, window length, points needed, zone in σ).
const RULES: [(u8, usize, usize, f64); 4] = [
    (1, 1, 1, 3.0),
    (2, 3, 2, 2.0),
    (3, 5, 4, 1.0),
    (4, 8, 8, 0.0),
];

/// The first firing of each rule, ordered by where it fired. Non-finite
/// values yield no signals.
pub fn western_electric(zs: &[f64]) -> Vec<Signal> {
    if zs.iter().any(|z| !z.is_finite()) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for &(rule, window, needed, zone) in &RULES {
        let fired = (0..zs.len()).find_map(|end| {
            let start = (end + 1).checked_sub(window)?;
            let w = &zs[start..=end];
            // The point that completes the window must itself be in the zone.
            let hits = |sign: f64| {
                let count = w.iter().filter(|&&z| z * sign > zone).count();
                count >= needed && zs[end] * sign > zone
            };
            (hits(1.0) || hits(-1.0)).then_some(Signal { rule, start, end })
        });
        out.extend(fired);
    }
    out.sort_by_key(|s| (s.end, s.rule));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(zs: &[f64]) -> Vec<u8> {
        western_electric(zs).iter().map(|s| s.rule).collect()
    }

    #[test]
    fn each_rule_fires_on_its_pattern() {
        assert_eq!(rules(&[0.1, -0.2, 3.5]), [1]);
        assert_eq!(rules(&[0.1, 2.5, -0.3, 2.2]), [2]);
        assert_eq!(rules(&[1.5, 1.2, 0.3, 1.1, 1.4]), [3]);
        let eight = [0.3, 0.5, 0.2, 0.8, 0.4, 0.6, 0.1, 0.7];
        assert_eq!(
            western_electric(&eight),
            [Signal {
                rule: 4,
                start: 0,
                end: 7
            }]
        );
    }

    #[test]
    fn quiet_or_alternating_series_fire_nothing() {
        let zs: Vec<f64> = (0..50)
            .map(|i| if i % 2 == 0 { 0.5 } else { -0.5 })
            .collect();
        assert!(western_electric(&zs).is_empty());
        assert!(western_electric(&[2.5, -2.5, 0.0]).is_empty());
        assert_eq!(rules(&[2.5, -2.5, 2.5]), [2]);
    }
}
