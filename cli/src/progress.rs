//! The upload progress bar on stderr, drawn by `indicatif` (rate, ETA, terminal width, redraw
//! throttling, and nothing at all when stderr is not a terminal).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use postpress::Progress;

/// A shared handle to the bar (a clone draws on the same bar).
#[derive(Clone)]
pub struct Bar(ProgressBar);

impl Bar {
    /// The bar on stderr; indicatif draws it only when stderr is a terminal (not a log file or a pipe).
    pub fn on_stderr() -> Bar {
        Bar::with_target(ProgressDrawTarget::stderr())
    }

    /// The bar on another target (tests draw on an in-memory terminal).
    pub fn with_target(target: ProgressDrawTarget) -> Bar {
        let bar = ProgressBar::with_draw_target(None, target);
        bar.set_style(Self::style(false));
        Bar(bar)
    }

    fn style(known_total: bool) -> ProgressStyle {
        let template = if known_total {
            "[{bar:30}] {binary_bytes} / {binary_total_bytes} {binary_bytes_per_sec} ETA {eta}"
        } else {
            "{binary_bytes} sent {binary_bytes_per_sec}"
        };
        // The templates are constants; a bad one would be a bug caught by the tests.
        ProgressStyle::with_template(template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("#>-")
    }

    /// Moves the bar to `progress` (a retry starts again from 0).
    pub fn update(&self, progress: Progress) {
        if let Some(total) = progress.total
            && self.0.length() != Some(total)
        {
            self.0.set_length(total);
            self.0.set_style(Self::style(true));
        }
        self.0.set_position(progress.sent);
    }

    /// Leaves the last state on screen (where the upload got to, also when it failed).
    pub fn finish(&self) {
        self.0.abandon();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use indicatif::{InMemoryTerm, TermLike as _};

    #[test]
    fn draws_bytes_and_total_on_a_terminal() {
        let term = InMemoryTerm::new(4, 100);
        let bar = Bar::with_target(ProgressDrawTarget::term_like(Box::new(term.clone())));
        bar.update(Progress::new(512 * 1024, Some(1024 * 1024)));
        bar.finish();
        let screen = term.contents();
        assert!(screen.contains("512.00 KiB / 1.00 MiB"), "{screen:?}");
        assert!(screen.contains("[###############"), "{screen:?}");
        assert_eq!(term.width(), 100);
    }

    #[test]
    fn without_a_total_it_shows_what_was_sent() {
        let term = InMemoryTerm::new(4, 100);
        let bar = Bar::with_target(ProgressDrawTarget::term_like(Box::new(term.clone())));
        bar.update(Progress::new(2048, None));
        bar.finish();
        assert!(term.contents().contains("2.00 KiB sent"), "{:?}", term.contents());
    }
}
