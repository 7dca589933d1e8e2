//! An upload progress bar on stderr (bytes, rate, ETA), drawn only when stderr is a terminal.

use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use postpress::Progress;

/// A shared handle to the bar.
#[derive(Clone)]
pub struct Bar(Arc<Mutex<State>>);

struct State {
    started: Instant,
    last_draw: Option<Instant>,
    last: Option<Progress>,
}

impl Bar {
    /// A bar when stderr is a terminal; `None` when it is not (a log file, a pipe).
    pub fn on_terminal() -> Option<Bar> {
        std::io::stderr().is_terminal().then(|| {
            Bar(Arc::new(Mutex::new(State {
                started: Instant::now(),
                last_draw: None,
                last: None,
            })))
        })
    }

    /// Redraws at most ten times a second.
    pub fn update(&self, progress: Progress) {
        let Ok(mut state) = self.0.lock() else { return };
        state.last = Some(progress);
        let due = state
            .last_draw
            .is_none_or(|t| t.elapsed() >= Duration::from_millis(100));
        if due || Some(progress.sent) == progress.total {
            state.last_draw = Some(Instant::now());
            draw(&state, progress);
        }
    }

    /// Draws the final state and ends the line.
    pub fn finish(&self) {
        let Ok(state) = self.0.lock() else { return };
        if let Some(progress) = state.last {
            draw(&state, progress);
            let _ = writeln!(std::io::stderr());
        }
    }
}

fn draw(state: &State, progress: Progress) {
    let seconds = state.started.elapsed().as_secs_f64().max(1e-3);
    let rate = progress.sent as f64 / seconds;
    let line = match progress.total {
        Some(total) if total > 0 => {
            let width = 30;
            let done = ((progress.sent as f64 / total as f64) * width as f64) as usize;
            let eta = if rate > 0.0 {
                (total.saturating_sub(progress.sent)) as f64 / rate
            } else {
                0.0
            };
            format!(
                "[{}{}] {} / {} {}/s ETA {:.0}s",
                "#".repeat(done.min(width)),
                " ".repeat(width - done.min(width)),
                bytes(progress.sent as f64),
                bytes(total as f64),
                bytes(rate),
                eta
            )
        }
        _ => format!("{} sent {}/s", bytes(progress.sent as f64), bytes(rate)),
    };
    let _ = write!(std::io::stderr(), "\r{line}\x1b[K");
}

fn bytes(n: f64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut value = n;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}
