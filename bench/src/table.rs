//! The bench's table: SDK figure, raw figure, ratio (with its spread over rounds) and target.

/// Rows printed with fixed columns.
#[derive(Default)]
pub(crate) struct Table {
    rows: Vec<String>,
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

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "MISSED" }
}

impl Table {
    /// A row where the SDK should not be above `target` × raw (latency, instructions).
    pub(crate) fn lower_is_better(&mut self, name: &str, values: &[Vec<f64>; 2], target: Option<f64>) {
        let (ratio, text) = ratio_with_spread(&values[0], &values[1]);
        let target = target.map_or("report".to_string(), |t| format!("<= {t:.2} {}", verdict(ratio <= t)));
        self.push(name, median(&values[0]), median(&values[1]), &text, &target);
    }

    /// A row where the SDK should reach `target` × raw (throughput).
    pub(crate) fn higher_is_better(&mut self, name: &str, values: &[Vec<f64>; 2], target: Option<f64>) {
        let (ratio, text) = ratio_with_spread(&values[0], &values[1]);
        let target = target.map_or("report".to_string(), |t| format!(">= {t:.2} {}", verdict(ratio >= t)));
        self.push(name, median(&values[0]), median(&values[1]), &text, &target);
    }

    /// A row with an absolute target for the SDK's figure.
    pub(crate) fn absolute(&mut self, name: &str, sdk: f64, raw: f64, at_most: f64) {
        let target = format!("SDK <= {at_most:.0} {}", verdict(sdk <= at_most));
        self.push(name, sdk, raw, &format!("{:.3}", sdk / raw), &target);
    }

    pub(crate) fn note(&mut self, text: &str) {
        self.rows.push(text.to_string());
    }

    fn push(&mut self, name: &str, sdk: f64, raw: f64, ratio: &str, target: &str) {
        self.rows
            .push(format!("{name:<44} {sdk:>14.1} {raw:>14.1} {ratio:>20} {target:>16}"));
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
