//! `postpress webhooks listen`: a local receiver of webhook deliveries on 127.0.0.1 that verifies
//! each (the secret header, with `postpress::webhooks::Verifier`) and prints it as one JSON line,
//! `{"event": "<callback name>", "dedupe_key": "...", "payload": {...}}`, answering 200. A delivery
//! that fails verification gets 401 (400 if malformed, 413 if too large), is reported on stderr
//! and printed nowhere on stdout.

use std::convert::Infallible;
use std::net::SocketAddr;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use postpress::webhooks::{Event, MAX_BODY, Verifier, WebhookError};

use crate::output;

/// The header the API's deliveries carry a webhook's secret in, unless told otherwise.
pub const DEFAULT_HEADER: &str = "Unipile-Auth";

/// Serves until Ctrl-C; `Err` when it cannot listen.
pub async fn serve(port: u16, secret: Option<&str>, header: &str) -> Result<(), String> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let verifier = secret.map(|secret| Verifier::new(header, secret));
    if verifier.is_none() {
        output::note("warning: no --secret: deliveries are decoded but not verified");
    }
    output::note(&format!("listening for webhook deliveries on http://{addr}"));
    let verifier = std::sync::Arc::new(verifier);
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(_) => continue,
            },
            _ = tokio::signal::ctrl_c() => return Ok(()),
        };
        let verifier = verifier.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                let verifier = verifier.clone();
                async move { Ok::<_, Infallible>(receive(verifier.as_ref().as_ref(), request).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// One delivery: verified and printed, or refused with its status.
async fn receive(verifier: Option<&Verifier>, request: Request<Incoming>) -> Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    let event = match verifier {
        Some(verifier) if !verifier.is_authentic(&parts.headers) => Err(WebhookError::Unauthenticated),
        _ => match Limited::new(body, MAX_BODY).collect().await {
            Ok(body) => Event::from_delivery(&parts.headers, &body.to_bytes()),
            Err(_) => Err(WebhookError::TooLarge { limit: MAX_BODY }),
        },
    };
    let status = match event {
        Ok(event) => {
            output::print_line_json(&serde_json::json!({
                "event": event.name(),
                "dedupe_key": event.dedupe_key(),
                "payload": event.payload(),
            }));
            200
        }
        Err(refused) => {
            output::error_line(&format!("refused a delivery ({}): {refused}", refused.status()));
            refused.status()
        }
    };
    Response::builder()
        .status(status)
        .body(Full::new(Bytes::new()))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}
