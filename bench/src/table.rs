//! The bench's table: SDK figure, raw figure, ratio (with its spread over rounds) and target.

/// Rows printed with fixed columns, and the rows whose target was missed or not measured.
#[derive(Default)]
pub(crate) struct Table {
    rows: Vec<String>,
    failed: Vec<String>,
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[sorted.len() / 2]
}

/// "1.02 (0.98–1.05)": the ratio of medians, and the min–max of the per-round ratios.
fn ratio_with_spread(sdk: &[f64], raw: &[f64]) -> (f64, String) {
    let ratio = median(sdk) / median(raw);
    let per_round: Vec<f64> = sdk.iter().zip(raw).map(|(s, r)| s / r).collect();
    let (lo, hi) = per_round
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), r| (lo.min(*r), hi.max(*r)));
    let text = if per_round.len() > 1 {
        format!("{ratio:.3} ({lo:.2}–{hi:.2})")
    } else {
        format!("{ratio:.3}")
    };
    (ratio, text)
}

impl Table {
    /// A row where the SDK should not be above `target` × raw (latency, instructions).
    pub(crate) fn lower_is_better(&mut self, name: &str, values: &[Vec<f64>; 2], target: Option<f64>) {
        let (ratio, text) = ratio_with_spread(&values[0], &values[1]);
        let target = target.map_or("report".to_string(), |t| {
            format!("<= {t:.2} {}", self.verdict(name, ratio <= t))
        });
        self.push(name, median(&values[0]), median(&values[1]), &text, &target);
    }

    /// A row where the SDK should reach `target` × raw (throughput).
    pub(crate) fn higher_is_better(&mut self, name: &str, values: &[Vec<f64>; 2], target: Option<f64>) {
        let (ratio, text) = ratio_with_spread(&values[0], &values[1]);
        let target = target.map_or("report".to_string(), |t| {
            format!(">= {t:.2} {}", self.verdict(name, ratio >= t))
        });
        self.push(name, median(&values[0]), median(&values[1]), &text, &target);
    }

    /// A row with an absolute target for the SDK's figure.
    pub(crate) fn absolute(&mut self, name: &str, sdk: f64, raw: f64, at_most: f64) {
        let target = format!("SDK <= {at_most:.0} {}", self.verdict(name, sdk <= at_most));
        self.push(name, sdk, raw, &format!("{:.3}", sdk / raw), &target);
    }

    fn verdict(&mut self, name: &str, met: bool) -> &'static str {
        if met {
            "met"
        } else {
            self.failed.push(format!("{name}: target missed"));
            "MISSED"
        }
    }

    /// A row with a target that could not be measured here: said in the table, and a failure of
    /// a full run (a target nobody checked is not met).
    pub(crate) fn unmeasured(&mut self, name: &str, why: &str) {
        self.rows.push(format!(
            "{name:<44} {:>14} {:>14} {:>20} {:>16}",
            "-", "-", why, "NOT MEASURED"
        ));
        self.failed.push(format!("{name}: not measured ({why})"));
    }

    pub(crate) fn note(&mut self, text: &str) {
        self.rows.push(text.to_string());
    }

    fn push(&mut self, name: &str, sdk: f64, raw: f64, ratio: &str, target: &str) {
        self.rows
            .push(format!("{name:<44} {sdk:>14.1} {raw:>14.1} {ratio:>20} {target:>16}"));
    }

    /// Prints the table; `Err` naming each row whose target was missed or not measured.
    pub(crate) fn finish(&self) -> Result<(), String> {
        self.print();
        if self.failed.is_empty() {
            Ok(())
        } else {
            Err(format!("benchmark targets not met:\n  {}", self.failed.join("\n  ")))
        }
    }

    pub(crate) fn print(&self) {
        println!(
            "{:<44} {:>14} {:>14} {:>20} {:>16}",
            "row", "SDK", "raw reqwest", "ratio (spread)", "target"
        );
        for row in &self.rows {
            println!("{row}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missed_or_unmeasured_target_fails_the_run() {
        let mut met = Table::default();
        met.lower_is_better("instructions", &[vec![100.0], vec![100.0]], Some(1.05));
        met.higher_is_better("throughput", &[vec![100.0], vec![100.0]], Some(0.9));
        assert!(met.finish().is_ok());

        let mut missed = Table::default();
        missed.higher_is_better("decode", &[vec![90.0], vec![100.0]], Some(1.0));
        let error = missed.finish().unwrap_err();
        assert!(error.contains("decode: target missed"), "{error}");

        let mut unmeasured = Table::default();
        unmeasured.unmeasured("instructions", "valgrind is not installed");
        let error = unmeasured.finish().unwrap_err();
        assert!(error.contains("not measured (valgrind is not installed)"), "{error}");
    }
}
