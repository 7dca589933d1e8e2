//! Hearing a message arrive: a webhook receiver built with `postpress::webhooks::Verifier`, a
//! webhook created through the SDK, and the in-process fake delivering an inbound message to it.
//!
//! ```sh
//! cargo run --example webhooks
//! ```
//!
//! The receiver is a few lines of hyper here; with axum, the `webhooks-axum` feature's
//! `Webhook(event)` extractor does its job in a handler's arguments.

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::rt::TokioIo;
use postpress::fake::{FakeServer, Provider};
use postpress::types::WebhookHeader;
use postpress::webhooks::{Event, MAX_BODY, Verifier};
use tokio::sync::mpsc;

const SECRET: &str = "my-webhook-secret";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The receiver: verifies each delivery, answers 200 (or the refusal's status), hands the
    // event on.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/postpress/events", listener.local_addr()?);
    let (heard, mut events) = mpsc::channel::<Event>(16);
    tokio::spawn(async move {
        let verifier = Verifier::new("Unipile-Auth", SECRET);
        while let Ok((stream, _)) = listener.accept().await {
            let (verifier, heard) = (verifier.clone(), heard.clone());
            let service = hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                let (verifier, heard) = (verifier.clone(), heard.clone());
                async move {
                    let (parts, body) = request.into_parts();
                    let body = Limited::new(body, MAX_BODY).collect().await.map(|b| b.to_bytes());
                    let status = match body.map(|body| verifier.event(&parts.headers, &body)) {
                        Ok(Ok(event)) => {
                            let _ = heard.send(event).await;
                            200
                        }
                        Ok(Err(refused)) => refused.status(),
                        Err(_) => 413,
                    };
                    let mut answer = hyper::Response::new(Full::new(Bytes::new()));
                    *answer.status_mut() = hyper::StatusCode::from_u16(status).unwrap_or_default();
                    Ok::<_, Infallible>(answer)
                }
            });
            tokio::spawn(hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service));
        }
    });

    // The API (the fake here): a webhook of the messaging events, carrying the secret.
    let fake = FakeServer::start().await;
    let client = fake.client();
    let secret: WebhookHeader = WebhookHeader::builder().key("Unipile-Auth").value(SECRET).try_into()?;
    let webhook = client
        .create_webhook()
        .request_url(url.as_str())
        .source("messaging")
        .headers(secret)
        .await?;
    println!("webhook {} delivers to {url}", webhook.webhook_id.as_str());

    // Someone writes on WhatsApp.
    let chat = fake.add_chat(Provider::WhatsApp);
    fake.inbound(&chat, "Is my order on its way?");

    match tokio::time::timeout(Duration::from_secs(10), events.recv()).await {
        Ok(Some(Event::MessageReceived(message))) => {
            println!(
                "heard message_received in {}: {:?} (dedupe by {})",
                message.chat_id,
                message.message.as_deref().unwrap_or(""),
                message.message_id
            );
            println!("done");
            Ok(())
        }
        other => Err(format!("no message heard: {other:?}").into()),
    }
}
