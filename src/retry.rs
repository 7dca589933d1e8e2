//! Which failures are retried, what each says about whether the call took effect, and how long
//! to wait between attempts.
//!
//! A retry must never send a message twice. Each failed attempt is judged once: its
//! [`Outcome`] (did the API provably not act, or may it have acted?) and whether the failure is
//! transient. Reading a message, setting a reaction (a new one replaces the old) and the chat
//! actions are *idempotent*: a transient failure is retried. Sending and forwarding are not: a
//! transient failure is retried only when its outcome is [`Outcome::NotApplied`]. The table is
//! what that gives:
//!
//! | failure of the attempt                                   | outcome | reads, reaction, chat actions | send, forward, start a chat |
//! |----------------------------------------------------------|---------|-----------------------------|---------------|
//! | connection never established (refused, DNS, connect timeout) | not applied | retry               | retry         |
//! | refused before sending (bad input, unreadable file)      | not applied | no                      | no            |
//! | connection broke or timed out after the request was sent, or the answer's body broke off while it was read | unknown | retry | **no** |
//! | 429 `errors/too_many_requests`                           | not applied | retry                   | retry         |
//! | 503 `no_client_session`, `no_channel`, `no_handler`, `network_down`, `service_unavailable` | not applied | retry | retry |
//! | 429 or 503 with another type, or a body that is not an envelope | unknown | retry                | **no**        |
//! | any other 4xx, and 501 (documented rejections)           | not applied | no                      | no            |
//! | 500, 502, 504                                            | unknown | retry                       | **no**        |
//! | other statuses, a complete answer that does not decode   | unknown | no                          | no            |
//!
//! 500 is transient like 502, 503 and 504 (aws-sdk-rust's transient classifier retries all
//! four): an idempotent call is tried again. A complete body that is not the documented JSON is
//! not: the same request would get the same answer.
//!
//! The outcome of a failed *call* accounts for all its attempts: if any attempt may have taken
//! effect, the call's outcome is [`Outcome::Unknown`], even when a later attempt was refused.
//!
//! Between attempts the client waits `Retry-After` when the server sent one (seconds or an HTTP
//! date). A `Retry-After` longer than [`MAX_RETRY_AFTER`] is not waited out: the error is returned
//! at once, and [`crate::Error::retry_after`] tells the caller what the server asked. A negative
//! or unparsable `Retry-After` is ignored. Without one, the wait is exponential backoff with full
//! jitter: a random time up to `200 ms × 2^attempt`, at most [`MAX_BACKOFF`]. At most
//! `max_retries` retries are made (default 2, so 3 attempts).

use std::time::{Duration, SystemTime};

use crate::ErrorCode;
use crate::operations::OperationId;

/// The longest `Retry-After` the client waits out by itself.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);
/// The longest backoff between two attempts when the server gave no `Retry-After`.
pub const MAX_BACKOFF: Duration = Duration::from_secs(8);
const BASE_BACKOFF: Duration = Duration::from_millis(200);

/// Whether repeating an operation can duplicate its effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Idempotency {
    /// Repeating it has the same effect as doing it once.
    Idempotent,
    /// Repeating it may do it twice (a second message).
    NotIdempotent,
}

/// Whether `operation` can be repeated without doing it twice: the spec's word, see
/// [`Operation::idempotent`](crate::operations::Operation::idempotent) (GET, HEAD, PUT, DELETE and OPTIONS,
/// and the operations marked `x-idempotent: true`: setting a reaction, which replaces the previous
/// one, and the chat actions; not sending or forwarding).
pub fn is_idempotent(operation: OperationId) -> bool {
    operation.spec().idempotent
}

/// Whether repeating `operation` can duplicate its effect, from the operation table.
pub(crate) fn idempotency(operation: OperationId) -> Idempotency {
    if is_idempotent(operation) {
        Idempotency::Idempotent
    } else {
        Idempotency::NotIdempotent
    }
}

/// What the client knows about a failed attempt, to decide whether to try again.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Failure<'a> {
    /// No connection was made: the request cannot have reached the server.
    Connect,
    /// The connection broke, or the call timed out, after the request may have been sent.
    AfterSend,
    /// An answer with this status; `code` when its body was a readable envelope.
    Status { status: u16, code: Option<&'a ErrorCode> },
}

/// Whether a failed call may have taken effect: what a caller needs to know before trying again.
///
/// Every [`Error`](crate::Error) has one ([`Error::outcome`](crate::Error::outcome)); a call that
/// returned `Ok` took effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Outcome {
    /// The API provably did not act: no connection was made, the request was refused before it
    /// was sent, or the API answered with a documented rejection (a 4xx, `429
    /// errors/too_many_requests`, one of the five 503 types the retry rule names). Retrying
    /// cannot duplicate anything: retry freely (after [`Error::retry_after`](crate::Error::retry_after)).
    NotApplied,
    /// The API may have acted: the connection broke or timed out after the request was written,
    /// the answer was a 500, 502 or 504, or it could not be read. For a send or a forward, the
    /// message may exist: look before retrying (retrieve the chat's latest messages), or accept a
    /// possible duplicate.
    Unknown,
}

/// What a failed attempt says: its outcome, and whether the same request may succeed later.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Judgement {
    pub outcome: Outcome,
    pub retryable: bool,
}

/// The one decision for a failed attempt: its outcome, and whether to retry it (a transient
/// failure, and for an operation that is not idempotent, one that provably did not take effect).
pub(crate) fn judge(idempotency: Idempotency, failure: Failure<'_>) -> Judgement {
    use Outcome::{NotApplied, Unknown};
    let (outcome, transient) = match failure {
        Failure::Connect => (NotApplied, true),
        Failure::AfterSend => (Unknown, true),
        Failure::Status { status: 429, code } => match code {
            Some(ErrorCode::TooManyRequests) => (NotApplied, true),
            _ => (Unknown, true),
        },
        Failure::Status { status: 503, code } => match code {
            Some(
                ErrorCode::NoClientSession
                | ErrorCode::NoChannel
                | ErrorCode::NoHandler
                | ErrorCode::NetworkDown
                | ErrorCode::ServiceUnavailable,
            ) => (NotApplied, true),
            _ => (Unknown, true),
        },
        Failure::Status {
            status: 500 | 502 | 504,
            ..
        } => (Unknown, true),
        Failure::Status {
            status: 400..=499 | 501,
            ..
        } => (NotApplied, false),
        Failure::Status { .. } => (Unknown, false),
    };
    let retryable = transient && (idempotency == Idempotency::Idempotent || outcome == NotApplied);
    Judgement { outcome, retryable }
}

/// Whether a failure of this kind may be retried for an operation of this idempotency.
#[cfg(test)]
fn is_retryable(idempotency: Idempotency, failure: Failure<'_>) -> bool {
    judge(idempotency, failure).retryable
}

/// Parses `Retry-After`: delay-seconds or an HTTP date. `None` when absent, negative or garbage.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    // A date in the past means "now".
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The wait before retry number `retry` (1 for the first retry).
///
/// `Err(after)` when the server asked for longer than [`MAX_RETRY_AFTER`]: do not retry.
pub(crate) fn delay(retry: u32, retry_after: Option<Duration>) -> Result<Duration, Duration> {
    match retry_after {
        Some(after) if after > MAX_RETRY_AFTER => Err(after),
        Some(after) => Ok(after),
        None => {
            let ceiling = BASE_BACKOFF.saturating_mul(1u32 << retry.min(16)).min(MAX_BACKOFF);
            Ok(ceiling.mul_f64(jitter()))
        }
    }
}

/// A uniform number in [0, 1).
fn jitter() -> f64 {
    (crate::random::random_u64() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use Idempotency::*;

    #[test]
    fn the_rule_of_the_table() {
        let status = |status, code| Failure::Status { status, code };
        let too_many = ErrorCode::TooManyRequests;
        let no_session = ErrorCode::NoClientSession;
        let unexpected = ErrorCode::UnexpectedError;
        let unknown = ErrorCode::Unknown("errors/new".into());
        for failure in [
            Failure::Connect,
            status(429, None),
            status(502, None),
            status(503, None),
            status(504, None),
        ] {
            assert!(is_retryable(Idempotent, failure), "{failure:?}");
        }
        assert!(is_retryable(Idempotent, Failure::AfterSend));
        assert!(is_retryable(Idempotent, status(500, Some(&unexpected))));
        assert!(is_retryable(Idempotent, status(500, None)));
        assert!(!is_retryable(Idempotent, status(404, None)));
        assert!(
            !is_retryable(Idempotent, status(200, None)),
            "a complete answer that does not decode"
        );
        assert!(!is_retryable(Idempotent, status(418, None)));

        assert!(is_retryable(NotIdempotent, Failure::Connect));
        assert!(!is_retryable(NotIdempotent, Failure::AfterSend));
        assert!(is_retryable(NotIdempotent, status(429, Some(&too_many))));
        assert!(!is_retryable(NotIdempotent, status(429, None)));
        assert!(!is_retryable(NotIdempotent, status(429, Some(&unknown))));
        assert!(is_retryable(NotIdempotent, status(503, Some(&no_session))));
        assert!(!is_retryable(NotIdempotent, status(503, None)));
        assert!(!is_retryable(NotIdempotent, status(503, Some(&unknown))));
        assert!(!is_retryable(NotIdempotent, status(502, None)));
        assert!(!is_retryable(NotIdempotent, status(504, None)));
        assert!(!is_retryable(NotIdempotent, status(500, Some(&unexpected))));
    }

    #[test]
    fn retry_after_in_seconds_dates_and_garbage() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("-5", now), None);
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("1.5", now), None);
        assert_eq!(parse_retry_after("99999999999999999999999", now), None);
        let in_ten = httpdate::fmt_http_date(now + Duration::from_secs(10));
        assert_eq!(parse_retry_after(&in_ten, now), Some(Duration::from_secs(10)));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(10));
        assert_eq!(parse_retry_after(&past, now), Some(Duration::ZERO));
    }

    #[test]
    fn delays_honour_retry_after_up_to_the_cap_and_backoff_is_bounded() {
        assert_eq!(delay(1, Some(Duration::from_secs(2))), Ok(Duration::from_secs(2)));
        assert_eq!(
            delay(1, Some(Duration::from_secs(3600))),
            Err(Duration::from_secs(3600))
        );
        for retry in 1..40 {
            let wait = delay(retry, None).unwrap();
            assert!(wait <= MAX_BACKOFF, "retry {retry}: {wait:?}");
        }
        let first: Vec<Duration> = (0..50).map(|_| delay(1, None).unwrap()).collect();
        assert!(first.iter().all(|d| *d < Duration::from_millis(400)));
        assert!(first.windows(2).any(|w| w[0] != w[1]), "jitter varies");
    }
}
