//! The key never appears in traces, at any level, nor in `Debug` or error messages.
//! Alone in its test binary: tracing caches per-callsite interest process-wide, so a capturing
//! subscriber must not race other tests that run without one.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use postpress::Client;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "pp_live_SECRET_KEY_do_not_leak_4242";

async fn mount(server: &MockServer, at: &str, response: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path(at))
        .respond_with(response)
        .mount(server)
        .await;
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

/// Collects everything tracing writes, at every level.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn the_key_never_appears_in_debug_errors_or_traces() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    let body =
        json!({"type": "errors/invalid_credentials", "status": 401, "title": "Unauthorized", "instance": "req_abc"});
    mount(
        &server,
        "/messages/msg_1",
        ResponseTemplate::new(401).set_body_json(body),
    )
    .await;
    mount(
        &server,
        "/messages/msg_2",
        ResponseTemplate::new(200).set_body_json(common::message_json()),
    )
    .await;
    let client = client(&server);
    let error = client.get_message("msg_1").await.unwrap_err();
    assert!(error.needs_reconnect());
    client.get_message("msg_2").await.unwrap();

    let traces = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(
        traces.contains("get_message") && traces.contains("req_abc") && traces.contains("attempt"),
        "{traces}"
    );
    assert!(
        traces.contains("status=401") && traces.contains("status=200"),
        "{traces}"
    );
    for text in [traces, format!("{client:?}"), format!("{error}"), format!("{error:?}")] {
        assert!(!text.contains(KEY), "key leaked in: {text}");
        assert!(!text.contains("SECRET_KEY"), "key leaked in: {text}");
    }
}
