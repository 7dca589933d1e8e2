//! What a call records: `tracing` spans and events with the field names of the OpenTelemetry HTTP
//! semantic conventions (stable since semconv 1.23), which `tracing-opentelemetry` maps straight
//! onto exported spans (`otel.name`, `otel.kind` and `otel.status_code` are its own fields).
//!
//! - A call span per call, named after the operation (`get_message`), exported as
//!   `GET /messages/{message_id}`: `otel.kind = "internal"`, `postpress.operation`,
//!   `url.template`, and on failure `error.type` and `otel.status_code = "ERROR"`.
//! - An attempt span per attempt, its child: `otel.kind = "client"`, `http.request.method`,
//!   `server.address`, `server.port`, `url.full`, `http.request.resend_count` on a retry,
//!   `http.response.status_code`, `error.type`, `postpress.instance` (the envelope's); a 4xx, a
//!   5xx or a failure sets `otel.status_code = "ERROR"`.
//! - With the `opentelemetry` feature, each attempt's request carries its span's W3C Trace
//!   Context (`traceparent`, and `tracestate` when there is one).
//! - Quiet by default: an attempt's outcome is `DEBUG`, a retry `INFO` with why it is retried,
//!   a failed call `WARN`, once.
//!
//! Numbers are recorded as `i64`: `tracing-opentelemetry` exports other integer types as text,
//! and the conventions want integers.
//!
//! Nothing recorded holds a body, a server's message or the key (which only travels in a header;
//! the URL holds ids). Without a subscriber, a span is a disabled callsite: no field is computed.

use std::time::Instant;

use tracing::Span;
use tracing::field::Empty;

use crate::error::Error;
use crate::operations::OperationId;
use crate::retry::Outcome;

/// The span of one call of an operation: `call_span!("get_message", "GET", "/messages/{message_id}")`.
/// A span's name is fixed where it is created, so each operation has a creation site of its own
/// (`OperationId::call_span`, generated); its fields are written here, once.
macro_rules! call_span {
    ($id:literal, $method:literal, $path:literal) => {
        ::tracing::info_span!(
            target: "postpress",
            $id,
            otel.name = concat!($method, " ", $path),
            otel.kind = "internal",
            postpress.operation = $id,
            url.template = $path,
            postpress.attempts = ::tracing::field::Empty,
            error.type = ::tracing::field::Empty,
            otel.status_code = ::tracing::field::Empty,
        )
    };
}
pub(crate) use call_span;

/// The span of one attempt, a child of the call's: what the request went to, and (recorded when
/// it ends) what came back.
pub(crate) fn attempt_span(call: &Span, operation: OperationId, url: &reqwest::Url, resend_count: u32) -> Span {
    if call.is_disabled() {
        return Span::none();
    }
    let spec = operation.spec();
    let span = tracing::info_span!(
        target: "postpress",
        parent: call,
        "postpress.attempt",
        otel.name = %format_args!("{} {}", spec.method, spec.path),
        otel.kind = "client",
        http.request.method = spec.method,
        server.address = url.host_str(),
        server.port = url.port_or_known_default().map(i64::from),
        url.full = url.as_str(),
        url.template = spec.path,
        http.request.resend_count = Empty,
        http.response.status_code = Empty,
        error.type = Empty,
        otel.status_code = Empty,
        postpress.instance = Empty,
    );
    if resend_count > 0 {
        span.record("http.request.resend_count", i64::from(resend_count));
    }
    span
}

/// What the conventions call an error's type: the envelope's `type` for an answer of the API,
/// the kind of failure otherwise (`transport`, `timeout`, `invalid_response`, ...).
fn error_type(error: &Error) -> &str {
    match error.code() {
        Some(code) => code.as_str(),
        None => error.kind(),
    }
}

/// Records how an attempt ended on its span, and says so at `DEBUG`.
pub(crate) fn attempt_ended<T>(
    span: &Span,
    attempt: u32,
    status: Option<u16>,
    started: Instant,
    result: &Result<T, Error>,
) {
    if span.is_disabled() {
        return;
    }
    let duration_ms = started.elapsed().as_millis() as u64;
    if let Some(status) = status {
        span.record("http.response.status_code", i64::from(status));
    }
    if status.is_some_and(|status| status >= 400) || result.is_err() {
        span.record("otel.status_code", "ERROR");
    }
    span.in_scope(|| match result {
        Ok(_) => tracing::debug!(attempt, status, duration_ms, "postpress attempt succeeded"),
        Err(error) => {
            span.record("error.type", error_type(error));
            if let Some(instance) = error.instance() {
                span.record("postpress.instance", instance);
            }
            let (kind, retryable) = (error.kind(), error.is_retryable());
            let error_type = error.code().map(|code| code.as_str());
            tracing::debug!(
                attempt,
                status,
                duration_ms,
                kind,
                error_type,
                retryable,
                "postpress attempt failed"
            );
        }
    });
}

/// A failed attempt is retried after `wait_ms`: said at `INFO`, with why.
pub(crate) fn retrying(call: &Span, attempt: u32, error: &Error, wait_ms: u64) {
    call.in_scope(|| {
        tracing::info!(
            attempt,
            retry_in_ms = wait_ms,
            status = error.status(),
            kind = error.kind(),
            error_type = error.code().map(|code| code.as_str()),
            "postpress retrying a transient failure"
        )
    });
}

/// Why a failed call was not tried again.
#[derive(Clone, Copy, Debug)]
pub(crate) enum GaveUp {
    /// The failure is not one the retry rule repeats.
    NotRetryable,
    RetriesSpent,
    /// The server asked for a wait longer than the SDK waits out.
    RetryAfterTooLong,
    /// The next attempt would start after the deadline.
    Deadline,
}

impl GaveUp {
    fn as_str(self) -> &'static str {
        match self {
            GaveUp::NotRetryable => "not retryable",
            GaveUp::RetriesSpent => "retries spent",
            GaveUp::RetryAfterTooLong => "Retry-After exceeds the cap",
            GaveUp::Deadline => "the next attempt would start after the deadline",
        }
    }
}

/// A call that ended with an answer: how many attempts it took, on its span.
pub(crate) fn call_succeeded(call: &Span, attempts: u32) {
    if !call.is_disabled() {
        call.record("postpress.attempts", i64::from(attempts));
    }
}

/// A call that failed, on its span, and said once at `WARN`, with why it was not tried again.
pub(crate) fn call_failed(call: &Span, attempts: u32, error: &Error, gave_up: GaveUp) {
    if call.is_disabled() {
        return;
    }
    call.record("postpress.attempts", i64::from(attempts));
    call.record("error.type", error_type(error));
    call.record("otel.status_code", "ERROR");
    let outcome = match error.outcome() {
        Outcome::NotApplied => "not_applied",
        Outcome::Unknown => "unknown",
    };
    call.in_scope(|| {
        tracing::warn!(
            attempts,
            status = error.status(),
            kind = error.kind(),
            error_type = error.code().map(|code| code.as_str()),
            instance = error.instance(),
            outcome,
            why = gave_up.as_str(),
            "postpress call failed"
        )
    });
}

/// The W3C Trace Context of `span` (the attempt's), for the request's `traceparent` and
/// `tracestate` headers: the API's side of the trace then joins the application's. `None` when
/// the span is not exported through OpenTelemetry. Written here rather than through
/// `TraceContextPropagator`: that lives in `opentelemetry_sdk`, which the library does not
/// otherwise need, and the header is one `format!` of what the span context already holds.
#[cfg(feature = "opentelemetry")]
pub(crate) fn trace_context(
    span: &Span,
) -> Option<(reqwest::header::HeaderValue, Option<reqwest::header::HeaderValue>)> {
    use opentelemetry::trace::TraceContextExt as _;
    use tracing_opentelemetry::OpenTelemetrySpanExt as _;
    if span.is_disabled() {
        return None;
    }
    let context = span.context();
    let span_context = context.span().span_context().clone();
    if !span_context.is_valid() {
        return None;
    }
    let parent = format!(
        "00-{}-{}-{:02x}",
        span_context.trace_id(),
        span_context.span_id(),
        span_context.trace_flags().to_u8()
    );
    let state = span_context.trace_state().header();
    let state = (!state.is_empty())
        .then(|| reqwest::header::HeaderValue::from_str(&state).ok())
        .flatten();
    Some((reqwest::header::HeaderValue::from_str(&parent).ok()?, state))
}
