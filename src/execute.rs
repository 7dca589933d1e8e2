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
use crate::response::{self, CallContext};
use crate::retry;
use crate::types::ErrorEnvelope;

/// What one attempt produced: the generated code's result and the head of the answer, when one
/// arrived. `Err` when the attempt was refused before anything was sent (an unreadable file).
pub(crate) type Attempt<T> = Result<(Result<ResponseValue<T>, GenError<ErrorEnvelope>>, Option<ResponseHead>), Error>;

/// Runs `attempt` until it succeeds, fails for good, or `max_retries` retries are spent.
/// `attempt` is called once per attempt, so each attempt builds its request anew.
///
/// (`FnMut` returning a future rather than `AsyncFnMut`: with an async closure, rustc 1.95 cannot
/// prove the call's future `Send`, which `tokio::spawn` needs.)
pub(crate) async fn execute<T, F>(
    operation: OperationId,
    max_retries: u32,
    mut attempt: impl FnMut() -> F,
) -> Result<T, Error>
where
    F: Future<Output = Attempt<T>>,
{
    let ctx = CallContext {
        operation,
        idempotency: retry::idempotency(operation),
    };
    let mut retries = Retries::new(max_retries, call_span(operation));
    loop {
        let started = Instant::now();
        // No span work when no subscriber listens: entering a disabled span on every poll costs
        // without telling anyone anything.
        let answer = match retries.span() {
            None => attempt().await,
            Some(span) => attempt().instrument(span.clone()).await,
        };
        let (result, status) = match answer {
            Ok((result, head)) => {
                let converted = match response::convert(result, head.as_ref(), ctx) {
                    Ok(converted) => converted,
                    Err(undocumented) => Err(response::undocumented(ctx, head.as_ref(), undocumented).await),
                };
                (converted, head.map(|h| h.status))
            }
            Err(refused) => (Err(refused), None),
        };
        match retries.after_attempt(started, status, &result) {
            Some(wait) => tokio::time::sleep(wait).await,
            None => return result,
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
                let retryable = error.is_retryable();
                tracing::info!(attempt, status, duration_ms, retryable, error = %error, "postpress request failed");
            }
        }
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
