//! Judges the answer to an attempt: the SDK's `Result`, without losing the status, the
//! `Retry-After` or the start of a body that could not be decoded.

use std::time::{Duration, SystemTime};

use super::head::ResponseHead;
use super::{Decode, Success};
use crate::ErrorCode;
use crate::error::{ApiError, Error, InvalidResponse, TransportError, snippet};
use crate::operations::OperationId;
use crate::retry::{self, Failure, Idempotency};
use crate::types::ErrorEnvelope;

/// The largest body read from an answer the spec does not document, to look for an envelope.
const UNDOCUMENTED_BODY_LIMIT: usize = 64 * 1024;

/// The operation an answer belongs to, and the secret no error may carry.
#[derive(Clone, Copy)]
pub(crate) struct CallContext<'a> {
    pub operation: OperationId,
    pub idempotency: Idempotency,
    pub secret: Secret<'a>,
}

impl<'a> CallContext<'a> {
    /// The context of a call of `operation` made with the key `secret`.
    pub(crate) fn new(operation: OperationId, secret: Secret<'a>) -> CallContext<'a> {
        CallContext {
            operation,
            idempotency: retry::idempotency(operation),
            secret,
        }
    }

    fn judge(&self, failure: Failure<'_>) -> retry::Judgement {
        retry::judge(self.idempotency, failure)
    }
}

/// The API key, to scrub from everything a server sends back before it is stored in an error
/// (debug proxies and gateways echo request headers; an API may quote the key it refused).
#[derive(Clone, Copy)]
pub(crate) struct Secret<'a>(pub &'a str);

impl Secret<'_> {
    /// What stands in for the key.
    pub(crate) const REDACTED: &'static str = "<redacted>";

    /// `text` with every occurrence of the key replaced.
    pub(crate) fn scrub(self, text: String) -> String {
        if self.0.is_empty() || !text.contains(self.0) {
            text
        } else {
            text.replace(self.0, Self::REDACTED)
        }
    }

    fn scrub_opt(self, text: Option<String>) -> Option<String> {
        text.map(|t| self.scrub(t))
    }
}

/// Whether a `Content-Type` is JSON (`application/json` or `application/*+json`); an absent one is
/// given the benefit of the doubt and the body is tried.
pub(crate) fn is_json(content_type: Option<&str>) -> bool {
    let Some(content_type) = content_type else { return true };
    if content_type == "application/json" {
        // What the API sends: no parsing needed.
        return true;
    }
    let essence = content_type.split(';').next().unwrap_or("").trim();
    let (kind, subtype) = essence.split_once('/').unwrap_or((essence, ""));
    kind.eq_ignore_ascii_case("application")
        && (subtype.eq_ignore_ascii_case("json")
            || (subtype.len() > 5 && subtype[subtype.len() - 5..].eq_ignore_ascii_case("+json")))
}

fn retry_after(head: Option<&ResponseHead>) -> Option<Duration> {
    let value = head?.retry_after.as_ref()?.to_str().ok()?;
    retry::parse_retry_after(value, SystemTime::now())
}

fn content_type(head: Option<&ResponseHead>) -> Option<&str> {
    head.and_then(ResponseHead::content_type)
}

/// The answer to one attempt, with a documented status and its body read whole: a success is
/// decoded by `decode`, a documented error status gives its envelope.
pub(crate) fn documented(
    ctx: CallContext<'_>,
    head: &ResponseHead,
    headers: reqwest::header::HeaderMap,
    body: &[u8],
    decode: Decode<'_>,
) -> Result<Success, Error> {
    let status = head.status;
    if ctx.operation.spec().successes.contains(&status) {
        decode(body).map_err(|e| payload_error(ctx, head, body, e))?;
        match head.content_type() {
            Some(other) if !is_json(Some(other)) => {
                Err(invalid(ctx, Some(head), format!("expected JSON, got {other}"), &[]))
            }
            _ => Ok(Success {
                status,
                headers,
                download: None,
            }),
        }
    } else {
        let envelope = serde_json::from_slice::<ErrorEnvelope>(body).map_err(|e| payload_error(ctx, head, body, e))?;
        Err(match head.content_type() {
            Some(other) if !is_json(Some(other)) => invalid(
                ctx,
                Some(head),
                format!("expected a JSON error envelope, got {other}"),
                &[],
            ),
            _ => api_error(ctx, status, envelope, retry_after(Some(head))),
        })
    }
}

/// A request that could not be sent, or whose answer never came.
pub(crate) fn send_error(ctx: CallContext<'_>, e: reqwest::Error) -> Error {
    let connect = e.is_connect();
    transport(ctx, e, connect, false)
}

/// An answer whose body broke off (or stalled past the timeout) while it was read: the connection
/// broke after the request was sent, whatever the status said (retried for an idempotent call).
pub(crate) fn broken_body(ctx: CallContext<'_>, e: reqwest::Error) -> Error {
    transport(ctx, e, false, false)
}

/// A documented answer whose body is not the documented JSON.
fn payload_error(ctx: CallContext<'_>, head: &ResponseHead, body: &[u8], e: serde_json::Error) -> Error {
    let head = Some(head);
    let reason = if body.is_empty() {
        "empty body".to_string()
    } else if !is_json(content_type(head)) {
        format!("expected JSON, got {}", content_type(head).unwrap_or(""))
    } else if e.is_eof() {
        format!("truncated JSON: {e}")
    } else {
        format!("the body is not the documented JSON: {e}")
    };
    invalid(ctx, head, reason, body)
}

pub(crate) fn api_error(
    ctx: CallContext<'_>,
    status: u16,
    envelope: ErrorEnvelope,
    retry_after: Option<Duration>,
) -> Error {
    let scrub = |text| ctx.secret.scrub(text);
    let code = ErrorCode::from(scrub(envelope.type_).as_str());
    let judgement = ctx.judge(Failure::Status {
        status,
        code: Some(&code),
    });
    Error::Api(Box::new(ApiError {
        status,
        code,
        title: scrub(envelope.title),
        detail: ctx.secret.scrub_opt(envelope.detail),
        instance: ctx.secret.scrub_opt(envelope.instance),
        retry_after,
        operation: ctx.operation,
        retryable: judgement.retryable,
        outcome: judgement.outcome,
    }))
}

pub(crate) fn invalid(ctx: CallContext<'_>, head: Option<&ResponseHead>, reason: String, body: &[u8]) -> Error {
    let status = head.map(|h| h.status);
    let judgement = match status {
        Some(status) => ctx.judge(Failure::Status { status, code: None }),
        // No status: the body of an answer could not be read, or a redirect was refused.
        None => retry::Judgement {
            outcome: retry::Outcome::Unknown,
            retryable: false,
        },
    };
    Error::InvalidResponse(Box::new(InvalidResponse {
        status,
        content_type: ctx.secret.scrub_opt(content_type(head).map(str::to_string)),
        reason: ctx.secret.scrub(reason),
        // Scrubbed whole, before it is cut: a key across the cut must not survive in part.
        snippet: snippet(ctx.secret.scrub(String::from_utf8_lossy(body).into_owned()).as_bytes()),
        retry_after: retry_after(head),
        operation: ctx.operation,
        retryable: judgement.retryable,
        outcome: judgement.outcome,
    }))
}

/// A success answer that was read whole but cannot give what the call promises (a link that is
/// missing, a cursor that repeats): never retried, with the outcome the caller knows.
pub(crate) fn unusable_success(operation: OperationId, status: u16, reason: &str, outcome: retry::Outcome) -> Error {
    Error::InvalidResponse(Box::new(InvalidResponse {
        status: Some(status),
        content_type: None,
        reason: reason.into(),
        snippet: String::new(),
        retry_after: None,
        operation,
        retryable: false,
        outcome,
    }))
}

fn transport(ctx: CallContext<'_>, e: reqwest::Error, connect: bool, timeout: bool) -> Error {
    let timeout = timeout || e.is_timeout();
    let failure = if connect { Failure::Connect } else { Failure::AfterSend };
    let judgement = ctx.judge(failure);
    let error = TransportError {
        connect,
        operation: ctx.operation,
        message: ctx.secret.scrub(describe(&e)),
        retryable: judgement.retryable,
        outcome: judgement.outcome,
        source: Some(Box::new(e)),
    };
    if timeout {
        Error::Timeout(error)
    } else {
        Error::Transport(error)
    }
}

/// reqwest's message and its causes on one line (the causes are what explain the failure; the
/// URL reqwest names carries ids, never the key, which only travels in a header).
fn describe(e: &reqwest::Error) -> String {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

/// An answer with a status the spec does not list for this operation: read a bounded part of the
/// body and decode an envelope when there is one; otherwise an `InvalidResponse`.
pub(crate) async fn undocumented(
    ctx: CallContext<'_>,
    head: Option<&ResponseHead>,
    mut response: reqwest::Response,
) -> Error {
    let status = response.status().as_u16();
    if let Some(origin) = head.and_then(|h| h.location_origin.as_deref()) {
        let reason = format!("redirect to {origin} not followed: the API key is only sent to the configured base URL");
        return invalid(ctx, head, reason, &[]);
    }
    let mut body = Vec::new();
    let mut complete = true;
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = UNDOCUMENTED_BODY_LIMIT.saturating_sub(body.len());
                body.extend_from_slice(&chunk[..chunk.len().min(room)]);
                if chunk.len() > room {
                    complete = false;
                    break;
                }
            }
            Ok(None) => break,
            Err(e) if e.is_timeout() => return transport(ctx, e, false, true),
            Err(_) => {
                complete = false;
                break;
            }
        }
    }
    let content_type = content_type(head);
    if complete
        && status >= 400
        && is_json(content_type)
        && let Ok(envelope) = serde_json::from_slice::<ErrorEnvelope>(&body)
    {
        return api_error(ctx, status, envelope, retry_after(head));
    }
    let reason = if (200..300).contains(&status) {
        format!(
            "status {status} is not the documented success status of {}",
            ctx.operation
        )
    } else if body.is_empty() {
        "empty body".to_string()
    } else if !is_json(content_type) {
        format!("expected a JSON error envelope, got {}", content_type.unwrap_or(""))
    } else {
        "the body is not the documented error envelope".to_string()
    };
    invalid(ctx, head, reason, &body)
}
