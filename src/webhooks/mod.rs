//! Receiving what the API delivers to a webhook: [`Verifier`] checks a delivery's secret header and
//! decodes its body into an [`Event`], one variant per callback of the spec.
//!
//! ```
//! use postpress::webhooks::{Event, Verifier, WebhookError};
//!
//! // The header and secret given to `create_webhook` in its `headers`.
//! let verifier = Verifier::new("Unipile-Auth", "my-webhook-secret");
//! # let mut headers = http::HeaderMap::new();
//! # headers.insert("unipile-auth", http::HeaderValue::from_static("my-webhook-secret"));
//! # let body = br#"{"AccountStatus": {"account_id": "acc_1", "account_type": "WHATSAPP", "message": "OK"}}"#;
//! match verifier.event(&headers, body) {
//!     Ok(event) => println!("{} ({})", event.name(), event.dedupe_key()),
//!     Err(WebhookError::Unauthenticated) => { /* answer 401: not from the API */ }
//!     Err(other) => eprintln!("answer {}: {other}", other.status()),
//! }
//! ```
//!
//! `Event`'s variants are those of the parts this build enables: the messaging events and account
//! statuses are callbacks of `create_webhook` (feature `webhooks`), `account_connected` of
//! `create_hosted_auth_link` (feature `accounts`). Any other payload is [`Event::Unknown`].
//!
//! The API delivers an event again when the receiver did not answer 200 in time, so a receiver
//! sees some events more than once: [`Event::dedupe_key`] says what identifies a delivery.

#[cfg(feature = "webhooks-axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "webhooks-axum")))]
pub mod axum;
mod form;

use serde_json::Value;
use subtle::ConstantTimeEq;

pub use crate::generated::events::Event;

/// The largest body [`Verifier::event`] reads: a delivery is one event.
pub const MAX_BODY: usize = 1 << 20;

/// What tells one callback's payload apart, written by the generator (`codegen/events.rs`).
#[derive(Debug)]
pub(crate) struct Callback {
    pub(crate) name: &'static str,
    pub(crate) required: &'static [&'static str],
    /// Keys whose value the schema fixes, each value as JSON text.
    pub(crate) fixed: &'static [(&'static str, &'static str)],
    pub(crate) dedupe: &'static [&'static str],
}

impl Callback {
    fn matches(&self, payload: &serde_json::Map<String, Value>) -> bool {
        self.required.iter().all(|key| payload.contains_key(*key))
            && self
                .fixed
                .iter()
                .all(|(key, fixed)| payload.get(*key).is_some_and(|value| same(value, fixed)))
    }
}

/// Whether `value` is the value `fixed` (JSON text) names; a form field is text, so a number or a
/// boolean the schema fixes arrives as its text.
fn same(value: &Value, fixed: &str) -> bool {
    match serde_json::from_str::<Value>(fixed) {
        Ok(fixed_value) if fixed_value == *value => true,
        Ok(fixed_value) => matches!(value, Value::String(text) if !fixed_value.is_string() && text == fixed),
        Err(_) => false,
    }
}

/// The callback a payload is a delivery of: of those whose schema it matches (every required key,
/// every fixed value), the one that asks most of it; `None` when it matches none.
fn callback_of(payload: &Value) -> Option<&'static Callback> {
    let object = payload.as_object()?;
    let mut best: Option<&'static Callback> = None;
    for callback in crate::generated::events::CALLBACKS {
        if !callback.matches(object) {
            continue;
        }
        let asks = |c: &Callback| (c.fixed.len(), c.required.len());
        if best.is_none_or(|b| asks(callback) > asks(b)) {
            best = Some(callback);
        }
    }
    best
}

impl Event {
    /// Decodes a delivery's JSON body (checking nothing else: see [`Verifier`]).
    pub fn from_json(body: &[u8]) -> Result<Event, WebhookError> {
        let payload: Value = serde_json::from_slice(body).map_err(|e| WebhookError::Malformed {
            reason: format!("not JSON: {e}"),
        })?;
        Event::from_payload(payload)
    }

    /// Decodes a delivery's body as its `Content-Type` says (JSON, or a form for a webhook of
    /// `format: form`), checking no secret (see [`Verifier`]); a body over [`MAX_BODY`] is
    /// [`WebhookError::TooLarge`].
    pub fn from_delivery(headers: &http::HeaderMap, body: &[u8]) -> Result<Event, WebhookError> {
        if body.len() > MAX_BODY {
            return Err(WebhookError::TooLarge { limit: MAX_BODY });
        }
        let form = headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded"));
        if form {
            form::event(body)
        } else {
            Event::from_json(body)
        }
    }

    /// Decodes a payload already read as JSON: the callback whose schema it matches, its type
    /// decoded; [`Event::Unknown`] when it matches none.
    pub fn from_payload(payload: Value) -> Result<Event, WebhookError> {
        let Some(callback) = callback_of(&payload) else {
            return Ok(Event::Unknown(payload));
        };
        match Event::decode(callback.name, &payload) {
            Some(Ok(event)) => Ok(event),
            Some(Err(e)) => Err(WebhookError::Malformed {
                reason: format!("a {} payload: at {}: {}", callback.name, place(e.path()), e.inner()),
            }),
            None => Ok(Event::Unknown(payload)),
        }
    }

    /// What identifies this delivery among the API's attempts to deliver it: the callback's name
    /// and the values its `x-dedupe-key` names (`message_received:msg_1`; for a message, its
    /// `message_id`), or, for a callback without one and for [`Event::Unknown`], the whole payload.
    pub fn dedupe_key(&self) -> String {
        let payload = self.payload();
        let pointers = crate::generated::events::CALLBACKS
            .iter()
            .find(|c| c.name == self.name())
            .map_or(&[][..], |c| c.dedupe);
        if pointers.is_empty() {
            return format!("{}:{payload}", self.name());
        }
        let mut key = self.name().to_string();
        for pointer in pointers {
            key.push(':');
            match payload.pointer(pointer) {
                Some(Value::String(text)) => key.push_str(text),
                Some(Value::Null) | None => {}
                Some(other) => key.push_str(&other.to_string()),
            }
        }
        key
    }
}

/// `$.a.b[0]` for serde_path_to_error's path.
fn place(path: &serde_path_to_error::Path) -> String {
    let text = path.to_string();
    if text == "." { "the top".into() } else { text }
}

/// Checks that a delivery comes from the API (the secret header given to `create_webhook`) and
/// decodes it into an [`Event`]. The secret never appears in `Debug`, errors or logs.
#[derive(Clone)]
pub struct Verifier {
    header: String,
    secret: Box<[u8]>,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("header", &self.header)
            .field("secret", &"<redacted>")
            .finish()
    }
}

impl Verifier {
    /// A verifier of deliveries that carry `secret` in the header `header_name` (the `key` and
    /// `value` of one of the webhook's `headers`). A header name that is not a valid one, or an
    /// empty secret, is never matched: every delivery is then [`WebhookError::Unauthenticated`].
    pub fn new(header_name: impl AsRef<str>, secret: impl AsRef<[u8]>) -> Verifier {
        Verifier {
            header: header_name.as_ref().to_ascii_lowercase(),
            secret: secret.as_ref().into(),
        }
    }

    /// The header the secret travels in (lower case).
    pub fn header_name(&self) -> &str {
        &self.header
    }

    /// Whether `headers` carry the secret, compared in constant time (its length aside).
    pub fn is_authentic(&self, headers: &http::HeaderMap) -> bool {
        if self.secret.is_empty() {
            return false;
        }
        match headers.get(self.header.as_str()) {
            Some(value) => bool::from(value.as_bytes().ct_eq(&self.secret)),
            None => false,
        }
    }

    /// The event a delivery carries: [`WebhookError::Unauthenticated`] (and nothing of the body
    /// read) without the secret; [`WebhookError::TooLarge`] for a body over [`MAX_BODY`];
    /// [`WebhookError::Malformed`], naming the place, for a body that is not a valid payload. A
    /// form-encoded body (a webhook of `format: form`, `Content-Type:
    /// application/x-www-form-urlencoded`) decodes too: each field a top-level key, an object or
    /// list as its JSON text.
    pub fn event(&self, headers: &http::HeaderMap, body: &[u8]) -> Result<Event, WebhookError> {
        if !self.is_authentic(headers) {
            return Err(WebhookError::Unauthenticated);
        }
        let event = Event::from_delivery(headers, body);
        // serde's errors quote a value they refuse: a body that echoes the secret back must not show it.
        event.map_err(|error| match error {
            WebhookError::Malformed { reason } => WebhookError::Malformed {
                reason: match std::str::from_utf8(&self.secret) {
                    Ok(secret) => reason.replace(secret, "<redacted>"),
                    Err(_) => reason,
                },
            },
            other => other,
        })
    }
}

/// Why a delivery was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebhookError {
    /// The secret header is missing or wrong: the delivery is not from the API (answer 401).
    Unauthenticated,
    /// The body is not a valid payload of the callback it matches, or not JSON (answer 400).
    Malformed {
        /// What is wrong, and where.
        reason: String,
    },
    /// The body is larger than a delivery can be (answer 413).
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
}

impl WebhookError {
    /// The HTTP status a receiver answers the delivery with.
    pub fn status(&self) -> u16 {
        match self {
            WebhookError::Unauthenticated => 401,
            WebhookError::Malformed { .. } => 400,
            WebhookError::TooLarge { .. } => 413,
        }
    }
}

impl std::fmt::Display for WebhookError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WebhookError::Unauthenticated => f.write_str("the delivery does not carry the webhook's secret header"),
            WebhookError::Malformed { reason } => write!(f, "the delivery is not a valid event: {reason}"),
            WebhookError::TooLarge { limit } => write!(f, "the delivery is larger than {limit} bytes"),
        }
    }
}

impl std::error::Error for WebhookError {}
