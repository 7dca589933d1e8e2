//! The key never appears in traces, at any level, nor in `Debug` or error messages.
//! Alone in its test binary: tracing caches per-callsite interest process-wide, so a capturing
//! subscriber must not race other tests that run without one.

mod common;

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

#[tokio::test]
async fn the_key_never_appears_in_debug_errors_or_traces() {
    let capture = common::capture_traces();

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

    let traces = capture.text();
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

/// Answers like a debug proxy or a gateway that echoes what it received: an HTML 502 listing the
/// request headers, and a JSON 401 whose `detail` and `title` quote the key.
struct Echo;

impl wiremock::Respond for Echo {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let key = request
            .headers
            .get("x-api-key")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        if request.url.path().ends_with("/html") {
            let mut page = String::from("<html><body><h1>502 Bad Gateway</h1><pre>");
            for (name, value) in request.headers.iter() {
                page.push_str(&format!("{name}: {}\n", value.to_str().unwrap_or("")));
            }
            page.push_str("</pre></body></html>");
            ResponseTemplate::new(502).set_body_raw(page, "text/html")
        } else {
            let body = json!({"type": format!("errors/{key}"), "status": 401, "title": format!("Bad key {key}"),
                "detail": format!("The API key '{key}' is not valid."), "instance": format!("req_{key}")});
            ResponseTemplate::new(401).set_body_json(body)
        }
    }
}

#[tokio::test]
async fn the_key_is_scrubbed_from_what_a_server_echoes_and_logs_carry_no_body_text() {
    let capture = common::capture_traces();

    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(Echo)
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .max_retries(0)
        .build()
        .unwrap();
    let html = client.get_message("html").await.unwrap_err();
    let json = client.get_message("json").await.unwrap_err();
    let sent = client.send_message("html").text("hi").send().await.unwrap_err();

    let postpress::Error::InvalidResponse(invalid) = &html else {
        panic!("{html:?}")
    };
    assert!(invalid.snippet.contains("x-api-key: <redacted>"), "{}", invalid.snippet);
    let postpress::Error::Api(api) = &json else {
        panic!("{json:?}")
    };
    assert_eq!(api.detail.as_deref(), Some("The API key '<redacted>' is not valid."));
    assert_eq!(api.title, "Bad key <redacted>");
    assert_eq!(api.instance.as_deref(), Some("req_<redacted>"));
    assert_eq!(api.code.as_str(), "errors/<redacted>");

    let traces = capture.text();
    assert!(
        traces.contains("status=502") && traces.contains("status=401"),
        "{traces}"
    );
    for text in [
        traces.clone(),
        format!("{html} {html:?}"),
        format!("{json} {json:?}"),
        format!("{sent} {sent:?}"),
    ] {
        assert!(
            !text.contains(KEY) && !text.contains("SECRET_KEY"),
            "key leaked in: {text}"
        );
    }
    // Logs name the failure, never its text: no page, no envelope detail or title.
    for body_text in ["Bad Gateway", "is not valid", "Bad key"] {
        assert!(!traces.contains(body_text), "body text {body_text:?} logged: {traces}");
    }
}
