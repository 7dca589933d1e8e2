//! Executes one call: the SDK's only attempt loop, used by every operation. Each attempt is built,
//! sent and read by an [`Attempts`] (HTTP's is `attempt.rs`); everything between attempts is
//! here: classify the answer, decide whether to try again by the rule in [`crate::retry`] (which
//! never repeats a send that may have taken effect), wait, and record it all in one tracing span.
//!
//! The loop is a hand-written future ([`Exchange`]) rather than an `async fn`: an awaited request
//! must have a type a user can name (its `IntoFuture`), which an `async fn`'s future only gets
//! boxed, and the box (the whole state of every layer, a few KiB moved into a fresh allocation)
//! was the largest cost a call added over raw reqwest. It is not generic over the answer's type:
//! the body is decoded by a callback, so this code is compiled once for every operation.

use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::{Duration, Instant};

use tracing::Span;

use super::telemetry::{self, GaveUp};
use super::{Attempts, Decode, Success};
use crate::error::Error;
use crate::operations::OperationId;
use crate::retry::{self, Outcome};

/// One call: its attempts, until one succeeds, one fails for good, `max_retries` retries are
/// spent, or the deadline passes.
pub(crate) struct Exchange<A: Attempts> {
    attempts: A,
    deadline: tokio::time::Instant,
    retries: Retries,
    /// Whether an earlier attempt may have taken effect: then so may the call, whatever comes next.
    maybe_applied: bool,
    state: State<A::Attempt>,
}

enum State<F> {
    /// The next attempt starts at the next poll.
    Start,
    Running {
        attempt: F,
        span: Span,
        started: Instant,
        /// The deadline, not the per-attempt timeout, limits this attempt.
        clipped: bool,
    },
    /// Between two attempts (boxed: only a retry needs a timer).
    Waiting(Pin<Box<tokio::time::Sleep>>),
    Done,
}

impl<A: Attempts> Exchange<A> {
    pub(crate) fn new(attempts: A) -> Self {
        let plan = attempts.plan();
        let deadline = deadline_after(plan.deadline);
        let retries = Retries::new(plan.max_retries, plan.operation.call_span());
        Exchange {
            attempts,
            deadline,
            retries,
            maybe_applied: false,
            state: State::Start,
        }
    }

    pub(crate) fn attempts_mut(&mut self) -> &mut A {
        &mut self.attempts
    }

    pub(crate) fn operation(&self) -> OperationId {
        self.attempts.plan().operation
    }

    /// Drives the call; a success's body is handed to `decode` before the attempt is judged a
    /// success. After `Ready`, the call is over (polling again gives an error, not a panic).
    pub(crate) fn poll_call(&mut self, cx: &mut Context<'_>, decode: Decode<'_>) -> Poll<Result<Success, Error>> {
        loop {
            match &mut self.state {
                State::Done => {
                    let operation = self.attempts.plan().operation;
                    return Poll::Ready(Err(Error::invalid_input(format!("{operation}: the call is over"))));
                }
                State::Start => {
                    let timeout = self.attempts.plan().timeout;
                    // The deadline clips the attempt's own timeout (reqwest's, which covers the
                    // whole answer) rather than adding a timer of its own: one timer per attempt.
                    let left = self.deadline.saturating_duration_since(tokio::time::Instant::now());
                    let started = Instant::now();
                    let span = self.attempts.span(&self.retries.span, self.retries.attempt - 1);
                    let attempt = if span.is_disabled() {
                        self.attempts.start(timeout.min(left))
                    } else {
                        span.in_scope(|| self.attempts.start(timeout.min(left)))
                    };
                    self.state = State::Running {
                        attempt,
                        span,
                        started,
                        clipped: left < timeout,
                    };
                }
                State::Waiting(sleep) => {
                    ready!(sleep.as_mut().poll(cx));
                    self.state = State::Start;
                }
                State::Running {
                    attempt,
                    span,
                    started,
                    clipped,
                } => {
                    // No span work when no subscriber listens.
                    let polled = if span.is_disabled() {
                        self.attempts.poll_attempt(attempt, cx, &mut *decode)
                    } else {
                        let _entered = span.enter();
                        self.attempts.poll_attempt(attempt, cx, &mut *decode)
                    };
                    let (result, status) = ready!(polled);
                    let (span, started, clipped) = (span.clone(), *started, *clipped);
                    match self.after_attempt(result, status, &span, started, clipped) {
                        Ok(wait) => self.state = State::Waiting(Box::pin(tokio::time::sleep(wait))),
                        Err(result) => {
                            self.state = State::Done;
                            return Poll::Ready(result);
                        }
                    }
                }
            }
        }
    }

    /// Judges a finished attempt: `Ok(wait)` to try again after `wait`, `Err(result)` when the
    /// call ends with `result`.
    fn after_attempt(
        &mut self,
        mut result: Result<Success, Error>,
        status: Option<u16>,
        span: &Span,
        started: Instant,
        clipped: bool,
    ) -> Result<Duration, Result<Success, Error>> {
        let plan = *self.attempts.plan();
        if clipped && matches!(result, Err(Error::Timeout(_))) {
            result = Err(Error::deadline(plan.operation, plan.deadline));
        }
        if let Err(error) = &mut result {
            if self.maybe_applied {
                error.set_outcome_unknown();
            }
            self.maybe_applied = error.outcome() == Outcome::Unknown;
        }
        let attempt = self.retries.attempt;
        telemetry::attempt_ended(span, attempt, status, started, &result);
        let call = &self.retries.span;
        let Err(error) = &result else {
            telemetry::call_succeeded(call, attempt);
            return Err(result);
        };
        let gave_up = match self.retries.next_delay(error) {
            Ok(wait) if deadline_after(wait) < self.deadline => {
                telemetry::retrying(call, attempt, error, wait.as_millis() as u64);
                self.retries.attempt += 1;
                return Ok(wait);
            }
            Ok(_) => GaveUp::Deadline,
            Err(gave_up) => gave_up,
        };
        telemetry::call_failed(call, attempt, error, gave_up);
        Err(result)
    }
}

/// The instant `duration` from now; a duration past what the clock can count (`Duration::MAX`)
/// means "never", not a panic.
fn deadline_after(duration: Duration) -> tokio::time::Instant {
    /// About thirty years: later than any call, and within what every platform's clock can add.
    const NEVER: Duration = Duration::from_secs(86_400 * 365 * 30);
    let now = tokio::time::Instant::now();
    now.checked_add(duration).unwrap_or_else(|| now + NEVER)
}

/// Counts attempts, and decides whether, and after how long, to try again.
struct Retries {
    max_retries: u32,
    /// The attempt under way, from 1.
    attempt: u32,
    /// The call's span ([`telemetry`]).
    span: Span,
}

impl Retries {
    fn new(max_retries: u32, span: Span) -> Self {
        Retries {
            max_retries,
            attempt: 1,
            span,
        }
    }

    /// After a failed attempt: the wait before the next one, or why there is none.
    fn next_delay(&self, error: &Error) -> Result<Duration, GaveUp> {
        if !error.is_retryable() {
            return Err(GaveUp::NotRetryable);
        }
        if self.attempt > self.max_retries {
            return Err(GaveUp::RetriesSpent);
        }
        retry::delay(self.attempt, error.retry_after()).map_err(|_| GaveUp::RetryAfterTooLong)
    }
}

/// Retry timing on tokio's paused clock: the exact attempts and waits, with no real sleeping.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::response::{CallContext, Secret};
    use crate::call::{Attempt, Plan};
    use crate::types::ErrorEnvelope;

    fn plan(max_retries: u32, deadline: Duration) -> Plan {
        Plan {
            operation: OperationId::GetMessage,
            timeout: Duration::from_secs(30),
            deadline,
            max_retries,
        }
    }

    /// A 503 `errors/service_unavailable` (retryable), with this `Retry-After`, judged as an
    /// attempt of `plan` judges it.
    fn unavailable(plan: &Plan, retry_after: Option<String>) -> Attempt {
        let envelope = ErrorEnvelope {
            type_: "errors/service_unavailable".into(),
            status: 503.0,
            title: "Service Unavailable".into(),
            detail: None,
            instance: None,
        };
        let retry_after = retry_after.and_then(|v| retry::parse_retry_after(&v, std::time::SystemTime::now()));
        let error =
            crate::call::response::api_error(CallContext::new(plan.operation, Secret("")), 503, envelope, retry_after);
        (Err(error), Some(503))
    }

    /// Attempts that answer `answer(plan)` at once, recording when each started.
    struct Script<F> {
        plan: Plan,
        answer: F,
        start: tokio::time::Instant,
        starts: Vec<Duration>,
    }

    impl<F: Fn(&Plan) -> Attempt + Unpin> Attempts for Script<F> {
        type Attempt = Option<Attempt>;
        fn plan(&self) -> &Plan {
            &self.plan
        }
        fn span(&self, _: &Span, _: u32) -> Span {
            Span::none()
        }
        fn start(&mut self, _timeout: Duration) -> Option<Attempt> {
            self.starts.push(self.start.elapsed());
            Some((self.answer)(&self.plan))
        }
        fn poll_attempt(&mut self, attempt: &mut Option<Attempt>, _: &mut Context<'_>, _: Decode<'_>) -> Poll<Attempt> {
            Poll::Ready(attempt.take().expect("an attempt is polled until it is ready, once"))
        }
    }

    /// Runs a call whose every attempt answers `answer()`; returns when each attempt started
    /// (on the paused clock, from the call's start) and the call's error.
    async fn attempts(plan: Plan, answer: impl Fn(&Plan) -> Attempt + Unpin) -> (Vec<Duration>, Error) {
        let mut exchange = Exchange::new(Script {
            plan,
            answer,
            start: tokio::time::Instant::now(),
            starts: Vec::new(),
        });
        let result = std::future::poll_fn(|cx| exchange.poll_call(cx, &mut |_| Ok(()))).await;
        (exchange.attempts.starts, result.expect_err("every attempt fails"))
    }

    fn secs(s: &[u64]) -> Vec<Duration> {
        s.iter().map(|s| Duration::from_secs(*s)).collect()
    }

    #[tokio::test(start_paused = true)]
    async fn retry_after_in_seconds_is_waited_exactly() {
        let real = std::time::Instant::now();
        let (starts, error) = attempts(plan(2, Duration::from_secs(60)), |plan| {
            unavailable(plan, Some("3".into()))
        })
        .await;
        assert_eq!(starts, secs(&[0, 3, 6]));
        assert_eq!(error.retry_after(), Some(Duration::from_secs(3)));
        assert!(real.elapsed() < Duration::from_secs(1), "no real sleeping");
    }

    #[tokio::test(start_paused = true)]
    async fn retry_after_as_an_http_date_is_waited() {
        let at = || httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(5));
        let (starts, _) = attempts(plan(1, Duration::from_secs(60)), |plan| unavailable(plan, Some(at()))).await;
        // An HTTP date has whole seconds: the wait is 5 s less the part of a second already gone.
        assert_eq!(starts.len(), 2);
        assert!(
            starts[1] > Duration::from_secs(4) && starts[1] <= Duration::from_secs(5),
            "{starts:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_retry_after_over_the_cap_is_returned_not_waited() {
        let over = retry::MAX_RETRY_AFTER + Duration::from_secs(1);
        let (starts, error) = attempts(plan(2, Duration::from_secs(600)), |plan| {
            unavailable(plan, Some(over.as_secs().to_string()))
        })
        .await;
        assert_eq!(starts, secs(&[0]));
        assert_eq!(error.retry_after(), Some(over));
        // At the cap it is waited.
        let cap = retry::MAX_RETRY_AFTER.as_secs().to_string();
        let (starts, _) = attempts(plan(1, Duration::from_secs(600)), |plan| {
            unavailable(plan, Some(cap.clone()))
        })
        .await;
        assert_eq!(starts, secs(&[0, 30]));
    }

    #[tokio::test(start_paused = true)]
    async fn backoff_without_retry_after_stays_within_its_bound() {
        for _ in 0..20 {
            let (starts, _) = attempts(plan(6, Duration::from_secs(600)), |plan| unavailable(plan, None)).await;
            assert_eq!(starts.len(), 7);
            for (retry, pair) in starts.windows(2).enumerate() {
                let wait = pair[1] - pair[0];
                let bound = Duration::from_millis(200 * (1 << (retry + 1))).min(retry::MAX_BACKOFF);
                assert!(wait <= bound, "retry {}: waited {wait:?}, bound {bound:?}", retry + 1);
            }
        }
    }

    #[tokio::test(start_paused = true)]
    async fn no_retry_starts_after_the_deadline() {
        let (starts, error) = attempts(plan(5, Duration::from_secs(25)), |plan| {
            unavailable(plan, Some("10".into()))
        })
        .await;
        assert_eq!(
            starts,
            secs(&[0, 10, 20]),
            "the attempt at 30 s would start after the deadline"
        );
        assert_eq!(error.status(), Some(503));
    }
}
