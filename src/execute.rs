//! Executes one call: the SDK's only attempt loop, used by all five operations. Each attempt is
//! prepared and sent by the operation (`client.rs` through the generated client, `send.rs` as
//! multipart); everything after that is here: classify the answer, decide whether to try again by
//! the rule in [`crate::retry`] (which never repeats a send that may have taken effect), wait, and
//! record it all in one tracing span.

use std::time::{Duration, Instant};

use progenitor_client::{Error as GenError, ResponseValue};
use tracing::Instrument as _;

use crate::error::Error;
use crate::hooks::ResponseHead;
use crate::operations::OperationId;
use crate::response::{self, CallContext, Secret};
use crate::retry::{self, Outcome};
use crate::types::ErrorEnvelope;

/// What one attempt produced: the generated code's result and the head of the answer, when one
/// arrived. `Err` when the attempt was refused before anything was sent (an unreadable file).
pub(crate) type Attempt<T> = Result<(Result<ResponseValue<T>, GenError<ErrorEnvelope>>, Option<ResponseHead>), Error>;

/// How one call is run, with the client's settings and the call's own already merged.
pub(crate) struct Plan<'a> {
    pub operation: OperationId,
    /// Time allowed for each attempt (handed to `attempt`, which sets it on its request).
    pub timeout: Duration,
    /// Time allowed for the whole call, attempts and waits included.
    pub deadline: Duration,
    pub max_retries: u32,
    pub secret: Secret<'a>,
}

/// Runs `attempt` until it succeeds, fails for good, `max_retries` retries are spent, or the
/// deadline passes. `attempt` is called once per attempt (with the per-attempt timeout), so each
/// attempt builds its request anew; `keep` takes what the caller wants of a success.
pub(crate) async fn execute<T, F, R>(
    plan: Plan<'_>,
    mut attempt: impl FnMut(Duration) -> F,
    keep: impl FnOnce(ResponseValue<T>) -> R,
) -> Result<R, Error>
where
    F: Future<Output = Attempt<T>>,
{
    let ctx = CallContext {
        operation: plan.operation,
        idempotency: retry::idempotency(plan.operation),
        secret: plan.secret,
    };
    let deadline = tokio::time::Instant::now() + plan.deadline;
    let mut retries = Retries::new(plan.max_retries, call_span(plan.operation));
    // Whether an earlier attempt may have taken effect: then so may the call, whatever comes next.
    let mut maybe_applied = false;
    loop {
        let started = Instant::now();
        // The deadline clips the attempt's own timeout (reqwest's, which covers the whole answer)
        // rather than adding a timer of its own: one timer per attempt, not two.
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let clipped = left < plan.timeout;
        let one = async {
            match attempt(plan.timeout.min(left)).await {
                Ok((result, head)) => {
                    let converted = match response::convert(result, head.as_ref(), ctx) {
                        Ok(converted) => converted,
                        Err(undocumented) => Err(response::undocumented(ctx, head.as_ref(), undocumented).await),
                    };
                    (converted, head.map(|h| h.status))
                }
                Err(refused) => (Err(refused), None),
            }
        };
        // No span work when no subscriber listens: entering a disabled span on every poll costs
        // without telling anyone anything.
        let (mut result, status) = match retries.span() {
            None => one.await,
            Some(span) => one.instrument(span.clone()).await,
        };
        if clipped && matches!(result, Err(Error::Timeout(_))) {
            result = Err(Error::deadline(ctx.operation, plan.deadline));
        }
        if let Err(error) = &mut result {
            if maybe_applied {
                error.set_outcome_unknown();
            }
            maybe_applied = error.outcome() == Outcome::Unknown;
        }
        match retries.after_attempt(started, status, &result) {
            Some(wait) if tokio::time::Instant::now() + wait < deadline => tokio::time::sleep(wait).await,
            Some(_) => {
                retries.log_no_time_left();
                return result.map(keep);
            }
            None => return result.map(keep),
        }
    }
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
