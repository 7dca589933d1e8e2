//! The one error type of the SDK.

use std::fmt;
use std::time::Duration;

use crate::ErrorCode;
use crate::operations::OperationId;
use crate::retry::Outcome;

/// Everything that can go wrong in a call. Nothing here ever shows the API key.
///
/// Match on the variant for what happened; use [`Error::outcome`] (may the call have taken
/// effect?), [`Error::is_retryable`], [`Error::retry_after`] and [`Error::needs_reconnect`] for
/// what to do about it.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with its error envelope (`type`, `title`, `status`, ...).
    Api(Box<ApiError>),
    /// The API, or something in front of it, answered with a response that is not the documented
    /// JSON: an HTML page from a proxy, an empty or truncated body, a wrong content type, a body
    /// of the wrong shape, or a redirect the SDK refuses to follow.
    InvalidResponse(Box<InvalidResponse>),
    /// The call did not complete within the configured timeout.
    Timeout(TransportError),
    /// The connection could not be made, or broke before an answer was read.
    Transport(TransportError),
    /// The call was refused before anything was sent: an empty id, nothing to send, an unreadable file.
    InvalidInput(InvalidInput),
    /// The client could not be built from this configuration.
    Config(ConfigError),
}

impl Error {
    /// Whether the same call may be repeated: the failure is transient *and* repeating this
    /// operation cannot duplicate its effect. See [`crate::retry`] for the full rule.
    /// The client already retried up to its `max_retries` before returning this error.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => e.retryable,
            Error::InvalidResponse(e) => e.retryable,
            Error::Timeout(e) | Error::Transport(e) => e.retryable,
            Error::InvalidInput(_) | Error::Config(_) => false,
        }
    }

    /// Whether the call may have taken effect, over all its attempts: [`Outcome::NotApplied`] when
    /// the API provably did not act (retry freely), [`Outcome::Unknown`] when it may have (for a
    /// send or forward: the message may exist, look before retrying). See [`crate::retry`].
    pub fn outcome(&self) -> Outcome {
        match self {
            Error::Api(e) => e.outcome,
            Error::InvalidResponse(e) => e.outcome,
            Error::Timeout(e) | Error::Transport(e) => e.outcome,
            Error::InvalidInput(_) | Error::Config(_) => Outcome::NotApplied,
        }
    }

    /// Marks the call's outcome unknown: an earlier attempt may have taken effect.
    pub(crate) fn set_outcome_unknown(&mut self) {
        match self {
            Error::Api(e) => e.outcome = Outcome::Unknown,
            Error::InvalidResponse(e) => e.outcome = Outcome::Unknown,
            Error::Timeout(e) | Error::Transport(e) => e.outcome = Outcome::Unknown,
            // Only a send refuses input on a later attempt (a file gone between attempts), and a
            // send is retried only after attempts that provably did not take effect.
            Error::InvalidInput(_) | Error::Config(_) => {}
        }
    }

    /// How long the server asked to wait before trying again (`Retry-After`), when it said so.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Api(e) => e.retry_after,
            Error::InvalidResponse(e) => e.retry_after,
            _ => None,
        }
    }

    /// Whether the account's credentials or connection need attention before this can succeed:
    /// the 401 family (missing, invalid or expired credentials, a disconnected account, ...).
    pub fn needs_reconnect(&self) -> bool {
        matches!(self, Error::Api(e) if e.status == 401)
    }

    /// The HTTP status of the answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::InvalidResponse(e) => e.status,
            _ => None,
        }
    }

    /// The envelope's `instance` (the request id to give support), for an [`Error::Api`].
    pub fn instance(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.instance.as_deref(),
            _ => None,
        }
    }

    /// The documented error type, for an [`Error::Api`].
    pub fn code(&self) -> Option<&ErrorCode> {
        match self {
            Error::Api(e) => Some(&e.code),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => e.fmt(f),
            Error::InvalidResponse(e) => e.fmt(f),
            Error::Timeout(e) => write!(f, "timed out: {e}"),
            Error::Transport(e) => write!(f, "transport error: {e}"),
            Error::InvalidInput(e) => e.fmt(f),
            Error::Config(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Timeout(e) | Error::Transport(e) => e.source.as_deref().map(|s| s as _),
            _ => None,
        }
    }
}

/// The API's error envelope, with the HTTP status and the documented [`ErrorCode`].
///
/// `Display` is one line: `404 errors/resource_not_found: Not Found: The requested resource was not found.`
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status of the answer.
    pub status: u16,
    /// The envelope's `type`, decoded; `ErrorCode::Unknown` keeps a type the spec does not list.
    pub code: ErrorCode,
    /// The envelope's `title`.
    pub title: String,
    /// The envelope's `detail`, when given.
    pub detail: Option<String>,
    /// The envelope's `instance`: the request identifier to give postpress support.
    pub instance: Option<String>,
    /// The `Retry-After` the server sent, when it sent a valid one.
    pub retry_after: Option<Duration>,
    /// The operation that failed.
    pub operation: OperationId,
    pub(crate) retryable: bool,
    pub(crate) outcome: Outcome,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.status, self.code, self.title)?;
        if let Some(detail) = &self.detail {
            write!(f, ": {detail}")?;
        }
        Ok(())
    }
}

/// An answer that is not the documented JSON. Keeps the status and a short, bounded snippet.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct InvalidResponse {
    /// The HTTP status, when a response arrived.
    pub status: Option<u16>,
    /// The `Content-Type` of the answer, when it had one.
    pub content_type: Option<String>,
    /// What was wrong, e.g. `expected JSON, got text/html`.
    pub reason: String,
    /// The first bytes of the body (at most [`InvalidResponse::SNIPPET_LIMIT`] bytes, lossy UTF-8).
    pub snippet: String,
    /// The `Retry-After` the server sent, when it sent a valid one.
    pub retry_after: Option<Duration>,
    /// The operation that failed.
    pub operation: OperationId,
    pub(crate) retryable: bool,
    pub(crate) outcome: Outcome,
}

impl InvalidResponse {
    /// How many bytes of the body [`InvalidResponse::snippet`] keeps at most.
    pub const SNIPPET_LIMIT: usize = 256;
}

impl fmt::Display for InvalidResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.status {
            Some(status) => write!(f, "invalid response (HTTP {status}): {}", self.reason)?,
            None => write!(f, "invalid response: {}", self.reason)?,
        }
        if !self.snippet.is_empty() {
            write!(f, "; body starts with {:?}", self.snippet)?;
        }
        Ok(())
    }
}

/// A failure to reach the API or to read its answer in time.
#[derive(Debug)]
#[non_exhaustive]
pub struct TransportError {
    /// Whether the connection was never established, so the request cannot have taken effect.
    pub connect: bool,
    /// The operation that failed.
    pub operation: OperationId,
    pub(crate) message: String,
    pub(crate) retryable: bool,
    pub(crate) outcome: Outcome,
    pub(crate) source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if self.connect {
            f.write_str(" (no connection was made)")?;
        }
        Ok(())
    }
}

/// Input refused before anything was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InvalidInput {
    /// What was wrong, naming the parameter.
    pub message: String,
}

impl fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid input: {}", self.message)
    }
}

/// A configuration the client cannot be built from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConfigError {
    /// What was wrong. Never contains the API key.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid configuration: {}", self.message)
    }
}

impl Error {
    pub(crate) fn invalid_input(message: impl Into<String>) -> Self {
        Error::InvalidInput(InvalidInput {
            message: message.into(),
        })
    }

    /// The call's deadline passed (during an attempt, whose connection is then closed).
    pub(crate) fn deadline(operation: OperationId, deadline: Duration) -> Self {
        Error::Timeout(TransportError {
            connect: false,
            operation,
            message: format!("the call's deadline of {deadline:?} passed"),
            retryable: false,
            // The attempt was dropped at an unknown point: its request may have been written.
            outcome: Outcome::Unknown,
            source: None,
        })
    }

    /// The variant's name in snake case (`api`, `invalid_response`, `timeout`, `transport`,
    /// `invalid_input`, `config`): for logs and tools, which carry no message text.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Api(_) => "api",
            Error::InvalidResponse(_) => "invalid_response",
            Error::Timeout(_) => "timeout",
            Error::Transport(_) => "transport",
            Error::InvalidInput(_) => "invalid_input",
            Error::Config(_) => "config",
        }
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        Error::Config(ConfigError {
            message: message.into(),
        })
    }
}

/// The start of `body` as text: at most [`InvalidResponse::SNIPPET_LIMIT`] bytes, cut on a
/// character boundary, control characters replaced, so it is safe to log on one line.
pub(crate) fn snippet(body: &[u8]) -> String {
    let head = &body[..body.len().min(InvalidResponse::SNIPPET_LIMIT)];
    let text = String::from_utf8_lossy(head);
    let mut out: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    if body.len() > InvalidResponse::SNIPPET_LIMIT {
        // A lossy cut may end in a replacement character; say the body went on.
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_is_bounded_single_line_and_cuts_safely() {
        assert_eq!(snippet(b"<html>\n<h1>502</h1>"), "<html> <h1>502</h1>");
        let long = "é".repeat(1000);
        let s = snippet(long.as_bytes());
        assert!(s.len() <= InvalidResponse::SNIPPET_LIMIT + 4, "{}", s.len());
        assert!(s.ends_with('…'));
        assert_eq!(snippet(b""), "");
    }
}
