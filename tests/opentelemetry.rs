//! The spans as an application that exports its traces sees them: through `tracing-opentelemetry`
//! into the OpenTelemetry SDK's in-memory exporter. Names, kinds, parent links and attributes of
//! a retrieve, a send retried once after a 503, and a 404; the `traceparent` a server receives;
//! and nothing secret or from a body in any attribute, event or header, nor in the `TRACE` log.
//! In a test binary of its own: tracing caches a callsite's interest process-wide.

mod common;

use opentelemetry::trace::{SpanKind, Status, TracerProvider as _};
use opentelemetry::{Key, Value};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};
use postpress::Client;
use serde_json::json;
use tracing_subscriber::layer::SubscriberExt as _;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "pp_live_OTEL_SECRET_4242";
/// Text only the answers' bodies hold.
const BODY_TEXT: &str = "hello from the body";

/// Runs `call` with spans exported to memory (and the fmt log at `TRACE` captured beside them);
/// returns the finished spans and the log.
async fn exported<F: Future<Output = ()>>(call: F) -> (Vec<SpanData>, String) {
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .build();
    let log = common::LogBuffer::default();
    let subscriber = tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("test")))
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(log.clone())
                .with_ansi(false),
        )
        .with(tracing_subscriber::filter::LevelFilter::TRACE);
    let guard = tracing::subscriber::set_default(subscriber);
    call.await;
    drop(guard);
    provider.force_flush().unwrap();
    (exporter.get_finished_spans().unwrap(), log.text())
}

fn attribute<'a>(span: &'a SpanData, key: &str) -> Option<&'a Value> {
    span.attributes
        .iter()
        .find(|kv| kv.key == Key::new(key.to_string()))
        .map(|kv| &kv.value)
}

fn text(span: &SpanData, key: &str) -> String {
    attribute(span, key)
        .map(|v| v.as_str().into_owned())
        .unwrap_or_default()
}

fn integer(span: &SpanData, key: &str) -> Option<i64> {
    match attribute(span, key)? {
        Value::I64(v) => Some(*v),
        other => panic!("{key} is {other:?}, not an integer"),
    }
}

/// The call span (kind internal) and its attempt spans (kind client), in order.
fn call_and_attempts(spans: &[SpanData]) -> (&SpanData, Vec<&SpanData>) {
    let calls: Vec<&SpanData> = spans.iter().filter(|s| s.span_kind == SpanKind::Internal).collect();
    assert_eq!(calls.len(), 1, "one call span: {spans:#?}");
    let call = calls[0];
    let mut attempts: Vec<&SpanData> = spans.iter().filter(|s| s.span_kind == SpanKind::Client).collect();
    attempts.sort_by_key(|s| s.start_time);
    for attempt in &attempts {
        assert_eq!(
            attempt.parent_span_id,
            call.span_context.span_id(),
            "attempts are the call's children"
        );
        assert_eq!(attempt.span_context.trace_id(), call.span_context.trace_id());
    }
    (call, attempts)
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .max_retries(2)
        .build()
        .unwrap()
}

/// Nothing exported holds the key or a body's text.
fn assert_nothing_secret(spans: &[SpanData], log: &str) {
    for span in spans {
        let mut texts = vec![span.name.to_string()];
        texts.extend(span.attributes.iter().map(|kv| format!("{}={}", kv.key, kv.value)));
        for event in span.events.iter() {
            texts.push(event.name.to_string());
            texts.extend(event.attributes.iter().map(|kv| format!("{}={}", kv.key, kv.value)));
        }
        if let Status::Error { description } = &span.status {
            texts.push(description.to_string());
        }
        for text in texts {
            assert!(
                !text.contains(KEY) && !text.contains("OTEL_SECRET"),
                "the key in {text}"
            );
            assert!(!text.contains(BODY_TEXT), "a body in {text}");
        }
    }
    assert!(!log.contains("OTEL_SECRET"), "the key in the TRACE log: {log}");
    assert!(!log.contains(BODY_TEXT), "a body in the TRACE log: {log}");
}

#[tokio::test(flavor = "current_thread")]
async fn a_retrieve_is_a_call_span_with_one_client_span() {
    let server = MockServer::start().await;
    let mut message = common::message_json();
    message["text"] = json!(BODY_TEXT);
    Mock::given(method("GET"))
        .and(path("/messages/msg_1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(message))
        .mount(&server)
        .await;
    let client = client(&server);
    let (spans, log) = exported(async {
        client.get_message("msg_1").await.unwrap();
    })
    .await;
    let (call, attempts) = call_and_attempts(&spans);
    assert_eq!(call.name, "GET /messages/{message_id}");
    assert_eq!(text(call, "postpress.operation"), "get_message");
    assert_eq!(text(call, "url.template"), "/messages/{message_id}");
    assert_eq!(call.status, Status::Unset);
    let [attempt] = attempts.as_slice() else {
        panic!("one attempt: {attempts:#?}")
    };
    assert_eq!(attempt.name, "GET /messages/{message_id}");
    assert_eq!(text(attempt, "http.request.method"), "GET");
    assert_eq!(text(attempt, "server.address"), "127.0.0.1");
    assert_eq!(
        integer(attempt, "server.port"),
        Some(i64::from(server.address().port()))
    );
    assert_eq!(text(attempt, "url.full"), format!("{}/messages/msg_1", server.uri()));
    assert_eq!(integer(attempt, "http.response.status_code"), Some(200));
    assert_eq!(integer(attempt, "http.request.resend_count"), None, "not a resend");
    assert_eq!(attempt.status, Status::Unset);

    // The request carried the attempt's trace context, and no other header held the key.
    let received = server.received_requests().await.unwrap();
    let traceparent = received[0].headers.get("traceparent").expect("a traceparent header");
    let expected = format!(
        "00-{}-{}-01",
        attempt.span_context.trace_id(),
        attempt.span_context.span_id()
    );
    assert_eq!(traceparent.to_str().unwrap(), expected);
    for (name, value) in received[0].headers.iter() {
        if name != "x-api-key" {
            assert!(
                !value.to_str().unwrap_or("").contains("OTEL_SECRET"),
                "the key in {name}"
            );
        }
    }
    assert_nothing_secret(&spans, &log);
}

#[tokio::test(flavor = "current_thread")]
async fn a_send_retried_after_a_503_has_two_attempt_spans() {
    let server = MockServer::start().await;
    let sent = ResponseTemplate::new(201).set_body_json(json!({"object": "MessageSent", "message_id": "msg_9"}));
    common::busy_once_then(&server, "/chats/chat_1/messages", sent).await;
    let client = client(&server);
    let (spans, log) = exported(async {
        client.send_message("chat_1").text(BODY_TEXT).await.unwrap();
    })
    .await;
    let (call, attempts) = call_and_attempts(&spans);
    assert_eq!(call.name, "POST /chats/{chat_id}/messages");
    assert_eq!(call.status, Status::Unset, "the call succeeded");
    let [first, second] = attempts.as_slice() else {
        panic!("two attempts: {attempts:#?}")
    };
    assert_eq!(integer(first, "http.response.status_code"), Some(503));
    assert_eq!(text(first, "error.type"), "errors/no_client_session");
    assert!(
        matches!(first.status, Status::Error { .. }),
        "a 503 is an error: {:?}",
        first.status
    );
    assert_eq!(integer(first, "http.request.resend_count"), None);
    assert_eq!(integer(second, "http.response.status_code"), Some(201));
    assert_eq!(integer(second, "http.request.resend_count"), Some(1));
    assert_eq!(second.status, Status::Unset);
    // Each attempt sent its own span's context.
    let received = server.received_requests().await.unwrap();
    for (request, attempt) in received.iter().zip([first, second]) {
        let header = request
            .headers
            .get("traceparent")
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        assert!(header.contains(&attempt.span_context.span_id().to_string()), "{header}");
    }
    assert!(
        log.contains(" INFO ") && log.contains("retrying a transient failure"),
        "{log}"
    );
    assert!(!log.contains("WARN"), "the call succeeded: {log}");
    assert_nothing_secret(&spans, &log);
}

#[tokio::test(flavor = "current_thread")]
async fn a_404_marks_both_spans_as_errors() {
    let server = MockServer::start().await;
    let missing = json!({
        "type": "errors/resource_not_found", "status": 404, "title": "Not Found",
        "detail": BODY_TEXT, "instance": "req_404"
    });
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_json(missing))
        .mount(&server)
        .await;
    let client = client(&server);
    let (spans, log) = exported(async {
        client.get_message("msg_gone").await.unwrap_err();
    })
    .await;
    let (call, attempts) = call_and_attempts(&spans);
    assert_eq!(text(call, "error.type"), "errors/resource_not_found");
    assert!(matches!(call.status, Status::Error { .. }), "{:?}", call.status);
    let [attempt] = attempts.as_slice() else {
        panic!("not retried: {attempts:#?}")
    };
    assert_eq!(integer(attempt, "http.response.status_code"), Some(404));
    assert_eq!(text(attempt, "error.type"), "errors/resource_not_found");
    assert_eq!(text(attempt, "postpress.instance"), "req_404");
    assert!(matches!(attempt.status, Status::Error { .. }));
    // Said once, at WARN; the attempt itself only at DEBUG.
    assert_eq!(log.matches("WARN").count(), 1, "{log}");
    assert_eq!(log.matches("postpress call failed").count(), 1, "{log}");
    assert!(
        log.contains("DEBUG") && log.contains("postpress attempt failed"),
        "{log}"
    );
    assert_nothing_secret(&spans, &log);
}
