//! Per-call options (timeout, deadline, retries), the call's total deadline, and the answer's
//! metadata, over real HTTP on loopback.

mod common;

use std::time::{Duration, Instant};

use postpress::{Client, Error};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_key("pp_test_call_options")
        .base_url(server.uri())
        .max_retries(2)
        .build()
        .unwrap()
}

fn unavailable(retry_after: &str) -> ResponseTemplate {
    let body = json!({"type": "errors/service_unavailable", "status": 503, "title": "Service Unavailable"});
    ResponseTemplate::new(503)
        .set_body_json(body)
        .append_header("Retry-After", retry_after)
}

async fn attempts(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

#[tokio::test]
async fn max_retries_can_be_set_per_call() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(unavailable("0"))
        .mount(&server)
        .await;
    let client = client(&server);
    client.get_message("msg_1").await.unwrap_err();
    assert_eq!(attempts(&server).await, 3, "the client's 2 retries");
    server.reset().await;
    Mock::given(method("GET"))
        .respond_with(unavailable("0"))
        .mount(&server)
        .await;
    client.get_message("msg_1").max_retries(0).await.unwrap_err();
    assert_eq!(attempts(&server).await, 1, "no retry for this call");
    server.reset().await;
    Mock::given(method("POST"))
        .respond_with(unavailable("0"))
        .mount(&server)
        .await;
    client
        .send_message("chat_1")
        .text("hi")
        .max_retries(1)
        .send()
        .await
        .unwrap_err();
    assert_eq!(attempts(&server).await, 2, "send takes the option too");
}

#[tokio::test]
async fn the_deadline_bounds_retries_and_their_waits() {
    let server = MockServer::start().await;
    // Each answer asks for a 1 s wait: 3 attempts would take over 2 s.
    Mock::given(method("POST"))
        .respond_with(unavailable("1"))
        .mount(&server)
        .await;
    let started = Instant::now();
    let error = client(&server)
        .add_reaction("msg_1", "👍")
        .deadline(Duration::from_millis(1500))
        .await
        .unwrap_err();
    let took = started.elapsed();
    assert_eq!(error.status(), Some(503), "{error}");
    assert_eq!(
        attempts(&server).await,
        2,
        "the third attempt would start after the deadline"
    );
    assert!(took < Duration::from_millis(1500), "{took:?}");
}

#[tokio::test]
async fn the_deadline_ends_an_attempt_that_is_still_running() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(10)))
        .mount(&server)
        .await;
    let started = Instant::now();
    let error = client(&server)
        .get_message("msg_1")
        .timeout(Duration::from_secs(8))
        .deadline(Duration::from_millis(400))
        .await
        .unwrap_err();
    let took = started.elapsed();
    assert!(matches!(&error, Error::Timeout(_)), "{error:?}");
    assert!(error.to_string().contains("deadline"), "{error}");
    assert!(took < Duration::from_secs(2), "{took:?}");
    assert_eq!(attempts(&server).await, 1);
}

#[tokio::test]
async fn the_per_call_timeout_overrides_the_clients() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(10)))
        .mount(&server)
        .await;
    let started = Instant::now();
    let error = client(&server)
        .get_message("msg_1")
        .timeout(Duration::from_millis(300))
        .max_retries(0)
        .await
        .unwrap_err();
    assert!(matches!(&error, Error::Timeout(_)), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn a_success_comes_with_its_status_and_headers_when_asked() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/messages/msg_1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(common::message_json())
                .append_header("x-request-id", "req_42")
                .append_header("x-ratelimit-remaining", "17"),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/chats/chat_1/messages"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"object": "MessageSent", "message_id": "msg_9"}))
                .append_header("x-request-id", "req_43"),
        )
        .mount(&server)
        .await;
    let client = client(&server);
    let response = client.get_message("msg_1").with_metadata().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-request-id"], "req_42");
    assert_eq!(response.headers()["x-ratelimit-remaining"], "17");
    assert_eq!(response.into_body().id.as_str(), common::message_json()["id"]);
    let sent = client
        .send_message("chat_1")
        .text("hi")
        .send_with_metadata()
        .await
        .unwrap();
    assert_eq!(
        (sent.status(), &sent.headers()["x-request-id"]),
        (201, &"req_43".parse().unwrap())
    );
    assert_eq!(sent.body().message_id, "msg_9");
}

/// No option value panics: a deadline or a timeout past what the clock can count means "never"
/// (`Instant + Duration::MAX` overflowed in the attempt loop).
#[tokio::test]
async fn durations_past_the_clocks_range_do_not_panic() {
    let fake = postpress::fake::FakeServer::start().await;
    let chat = fake.add_chat(postpress::fake::Provider::WhatsApp);
    let message = fake.add_message(&chat, "hi").unwrap();
    let client = fake.client();
    client.get_message(&message).deadline(Duration::MAX).await.unwrap();
    // Under the default deadline, which is never shorter than the timeout.
    client.get_message(&message).timeout(Duration::MAX).await.unwrap();
    let built = fake
        .client_builder()
        .deadline(Duration::MAX)
        .timeout(Duration::MAX)
        .build()
        .unwrap();
    built.get_message(&message).await.unwrap();
}
