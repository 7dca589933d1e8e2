//! Executes one call: the SDK's only attempt loop, used by every operation. Each attempt is built
//! and sent by `request.rs`; everything after that is here: classify the answer, decide whether to try again by
//! the rule in [`crate::retry`] (which never repeats a send that may have taken effect), wait, and
//! record it all in one tracing span.

use std::time::{Duration, Instant};

use tracing::Instrument as _;

use crate::error::Error;
use crate::operations::OperationId;
use crate::request::Success;
use crate::response::{CallContext, Secret};
use crate::retry::{self, Outcome};

/// What one attempt produced, already judged (`crate::response`), and the status of its answer
/// when one arrived.
pub(crate) type Attempt = (Result<Success, Error>, Option<u16>);

/// How one call is run, with the client's settings and the call's own already merged.
#[derive(Clone, Copy)]
pub(crate) struct Plan<'a> {
    pub operation: OperationId,
    /// Time allowed for each attempt (handed to `attempt`, which sets it on its request).
    pub timeout: Duration,
    /// Time allowed for the whole call, attempts and waits included.
    pub deadline: Duration,
    pub max_retries: u32,
    pub secret: Secret<'a>,
}

impl<'a> Plan<'a> {
    /// What judging an answer of this call needs.
    pub(crate) fn context(&self) -> CallContext<'a> {
        CallContext {
            operation: self.operation,
            idempotency: retry::idempotency(self.operation),
            secret: self.secret,
        }
    }
}

/// Runs `attempt` until it succeeds, fails for good, `max_retries` retries are spent, or the
/// deadline passes. `attempt` is called once per attempt (with the per-attempt timeout), so each
/// attempt builds its request anew.
pub(crate) async fn execute<F>(plan: Plan<'_>, mut attempt: impl FnMut(Duration) -> F) -> Result<Success, Error>
where
    F: Future<Output = Attempt>,
{
    let operation = plan.operation;
    let deadline = deadline_after(plan.deadline);
    let mut retries = Retries::new(plan.max_retries, call_span(operation));
    // Whether an earlier attempt may have taken effect: then so may the call, whatever comes next.
    let mut maybe_applied = false;
    loop {
        let started = Instant::now();
        // The deadline clips the attempt's own timeout (reqwest's, which covers the whole answer)
        // rather than adding a timer of its own: one timer per attempt, not two.
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let clipped = left < plan.timeout;
        let one = attempt(plan.timeout.min(left));
        // No span work when no subscriber listens: entering a disabled span on every poll costs
        // without telling anyone anything.
        let (mut result, status) = match retries.span() {
            None => one.await,
            Some(span) => one.instrument(span.clone()).await,
        };
        if clipped && matches!(result, Err(Error::Timeout(_))) {
            result = Err(Error::deadline(operation, plan.deadline));
        }
        if let Err(error) = &mut result {
            if maybe_applied {
                error.set_outcome_unknown();
            }
            maybe_applied = error.outcome() == Outcome::Unknown;
        }
        match retries.after_attempt(started, status, &result) {
            Some(wait) if deadline_after(wait) < deadline => tokio::time::sleep(wait).await,
            Some(_) => {
                retries.log_no_time_left();
                return result;
            }
            None => return result,
        }
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

/// The span of one call: operation, method, and (recorded as the call goes) the request path,
/// attempts, status, duration and the error envelope's `instance`. It never holds a body or the key.
fn call_span(operation: OperationId) -> tracing::Span {
    let spec = operation.spec();
    tracing::info_span!(
        "postpress",
        operation = spec.id,
        method = spec.method,
        path = tracing::field::Empty,
        attempts = tracing::field::Empty,
        status = tracing::field::Empty,
        duration_ms = tracing::field::Empty,
        instance = tracing::field::Empty,
    )
}

/// Counts attempts, logs each in the call's span, and decides whether, and after how long, to try
/// again.
struct Retries {
    max_retries: u32,
    attempt: u32,
    span: tracing::Span,
}

impl Retries {
    fn new(max_retries: u32, span: tracing::Span) -> Self {
        Retries {
            max_retries,
            attempt: 1,
            span,
        }
    }

    /// The call's span, or `None` when no subscriber listens.
    fn span(&self) -> Option<&tracing::Span> {
        (!self.span.is_disabled()).then_some(&self.span)
    }

    /// Logs an attempt; returns the wait before the next one, or `None` when `result` is final.
    fn after_attempt<T>(
        &mut self,
        started: Instant,
        status: Option<u16>,
        result: &Result<T, Error>,
    ) -> Option<Duration> {
        if !self.span.is_disabled() {
            self.span.in_scope(|| self.log_attempt(status, started, result));
        }
        self.next_delay(result.as_ref().err()?)
    }

    /// One event per attempt, with the span's fields brought up to date.
    fn log_attempt<T>(&self, status: Option<u16>, started: Instant, result: &Result<T, Error>) {
        let attempt = self.attempt;
        let duration_ms = started.elapsed().as_millis() as u64;
        self.span.record("attempts", attempt);
        self.span.record("duration_ms", duration_ms);
        if let Some(status) = status {
            self.span.record("status", status);
        }
        match result {
            Ok(_) => tracing::info!(attempt, status, duration_ms, "postpress request succeeded"),
            Err(error) => {
                if let Some(instance) = error.instance() {
                    self.span.record("instance", instance);
                }
                // No body text and no message from the server: its kind, its type and its instance.
                let retryable = error.is_retryable();
                let kind = error.kind();
                let error_type = error.code().map(|code| code.as_str());
                let instance = error.instance();
                tracing::info!(
                    attempt,
                    status,
                    duration_ms,
                    retryable,
                    kind,
                    error_type,
                    instance,
                    "postpress request failed"
                );
            }
        }
    }

    fn log_no_time_left(&self) {
        self.span
            .in_scope(|| tracing::info!("postpress not retrying: the next attempt would start after the deadline"));
    }

    /// After a failed attempt: the wait before the next one, or `None` to return the error.
    fn next_delay(&mut self, error: &Error) -> Option<Duration> {
        if !error.is_retryable() || self.attempt > self.max_retries {
            return None;
        }
        match retry::delay(self.attempt, error.retry_after()) {
            Ok(wait) => {
                self.span
                    .in_scope(|| tracing::info!(retry_in_ms = wait.as_millis() as u64, "postpress retrying"));
                self.attempt += 1;
                Some(wait)
            }
            Err(asked) => {
                self.span.in_scope(|| {
                    tracing::info!(
                        retry_after_s = asked.as_secs(),
                        "postpress not retrying: Retry-After exceeds the cap"
                    )
                });
                None
            }
        }
    }
}

/// Retry timing on tokio's paused clock: the exact attempts and waits, with no real sleeping.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::ErrorEnvelope;

    fn plan(max_retries: u32, deadline: Duration) -> Plan<'static> {
        Plan {
            operation: OperationId::GetMessage,
            timeout: Duration::from_secs(30),
            deadline,
            max_retries,
            secret: Secret(""),
        }
    }

    /// A 503 `errors/service_unavailable` (retryable), with this `Retry-After`, judged as an
    /// attempt of `plan` judges it.
    fn unavailable(plan: &Plan<'static>, retry_after: Option<String>) -> Attempt {
        let envelope = ErrorEnvelope {
            type_: "errors/service_unavailable".into(),
            status: 503.0,
            title: "Service Unavailable".into(),
            detail: None,
            instance: None,
        };
        let retry_after = retry_after.and_then(|v| retry::parse_retry_after(&v, std::time::SystemTime::now()));
        let error = crate::response::api_error(plan.context(), 503, envelope, retry_after);
        (Err(error), Some(503))
    }

    /// Runs a call whose every attempt answers `answer()`; returns when each attempt started
    /// (on the paused clock, from the call's start) and the call's error.
    async fn attempts(plan: Plan<'static>, answer: impl Fn(&Plan<'static>) -> Attempt) -> (Vec<Duration>, Error) {
        let start = tokio::time::Instant::now();
        let mut starts = Vec::new();
        let copy = plan;
        let result = execute(plan, |_| {
            starts.push(start.elapsed());
            std::future::ready(answer(&copy))
        })
        .await;
        (starts, result.expect_err("every attempt fails"))
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
