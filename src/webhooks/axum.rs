//! An axum extractor for webhook deliveries (feature `webhooks-axum`): `Webhook(event)` in a
//! handler whose state gives a [`Verifier`] (the state itself, or through `FromRef`).
//!
//! ```
//! use axum_core::response::IntoResponse;
//! use postpress::webhooks::{Event, Verifier, axum::Webhook};
//!
//! // With axum: Router::new().route("/hooks", post(receive)).with_state(verifier)
//! async fn receive(Webhook(event): Webhook) -> impl IntoResponse {
//!     if let Event::MessageReceived(message) = &event {
//!         println!("{}: {:?}", message.chat_id, message.message);
//!     }
//!     http::StatusCode::OK
//! }
//! # let _ = receive;
//! ```
//!
//! A delivery without the secret is refused with 401 before its body is read; a body that is not
//! a valid payload with 400, one over [`MAX_BODY`] with 413. It depends on
//! `axum-core` only (the extractor traits), not on axum's router.

use axum_core::extract::{FromRef, FromRequest, Request};
use axum_core::response::{IntoResponse, Response};
use http_body_util::BodyExt;

use super::{Event, MAX_BODY, Verifier, WebhookError};

/// A verified delivery's event.
#[derive(Debug, Clone, PartialEq)]
pub struct Webhook(pub Event);

/// Why a delivery was refused, as the response axum sends back (the status of
/// [`WebhookError::status`], its message as text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookRejection(pub WebhookError);

impl IntoResponse for WebhookRejection {
    fn into_response(self) -> Response {
        let status = http::StatusCode::from_u16(self.0.status()).unwrap_or(http::StatusCode::BAD_REQUEST);
        (status, self.0.to_string()).into_response()
    }
}

impl<S> FromRequest<S> for Webhook
where
    S: Send + Sync,
    Verifier: FromRef<S>,
{
    type Rejection = WebhookRejection;

    async fn from_request(request: Request, state: &S) -> Result<Webhook, WebhookRejection> {
        let verifier = Verifier::from_ref(state);
        let (parts, body) = request.into_parts();
        if !verifier.is_authentic(&parts.headers) {
            return Err(WebhookRejection(WebhookError::Unauthenticated));
        }
        let body = http_body_util::Limited::new(body, MAX_BODY)
            .collect()
            .await
            .map_err(|e| {
                WebhookRejection(if e.is::<http_body_util::LengthLimitError>() {
                    WebhookError::TooLarge { limit: MAX_BODY }
                } else {
                    WebhookError::Malformed {
                        reason: "the body could not be read to its end".into(),
                    }
                })
            })?
            .to_bytes();
        verifier
            .event(&parts.headers, &body)
            .map(Webhook)
            .map_err(WebhookRejection)
    }
}
