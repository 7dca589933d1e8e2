//! Every JSON operation on the wire, over real HTTP on loopback: method, path, headers and body of
//! the request the (private) generated client sends for `Client`, and the decoding of success
//! bodies and error envelopes.

use postpress::{ChatAction, Client, Error, types};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const KEY: &str = "pp_test_generated_client";

async fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .max_retries(0)
        .build()
        .unwrap()
}

async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.expect("recording is on");
    assert_eq!(requests.len(), 1, "exactly one request");
    requests.remove(0)
}

fn assert_common_headers(request: &Request) {
    assert_eq!(request.headers.get("x-api-key").map(|v| v.to_str().unwrap()), Some(KEY));
    assert_eq!(
        request.headers.get("accept").map(|v| v.to_str().unwrap()),
        Some("application/json")
    );
    assert!(
        request.headers.get("api-version").is_none(),
        "the pages document no api-version header"
    );
}

fn body_json(request: &Request) -> Value {
    assert_eq!(
        request.headers.get("content-type").map(|v| v.to_str().unwrap()),
        Some("application/json")
    );
    serde_json::from_slice(&request.body).expect("JSON body")
}

fn message_json() -> Value {
    json!({
        "object": "Message", "id": "msg_1", "provider_id": "p1", "account_id": "acc_1", "chat_id": "chat_1",
        "chat_provider_id": "cp1", "sender_id": "s1", "sender_attendee_id": "att_1",
        "timestamp": "2026-05-17T09:42:11.000Z", "text": null, "is_sender": 1,
        "attachments": [{"id": "a", "type": "file", "unavailable": false, "file_name": "r.pdf"}],
        "reactions": [], "seen": 1, "seen_by": {}, "hidden": 0, "deleted": 0, "edited": 0, "is_event": 0,
        "delivered": 1, "behavior": null, "original": "{}"
    })
}

#[tokio::test]
async fn get_message_sends_get_with_the_key_and_decodes_the_message() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/messages/msg_1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(message_json()))
        .mount(&server)
        .await;
    let message = client(&server).await.get_message("msg_1").await.expect("200");
    assert_eq!(message.id.as_str(), "msg_1");
    assert_eq!(message.text, None);
    assert!(matches!(&message.attachments[0], types::Attachment::File(f) if f.file_name == "r.pdf"));
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_common_headers(&request);
    assert!(request.body.is_empty());
}

#[tokio::test]
async fn forward_message_posts_the_chat_id() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/messages/msg_1/forward"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"object": "MessageForwarded", "message_id": null})),
        )
        .mount(&server)
        .await;
    let forwarded = client(&server)
        .await
        .forward_message("msg_1", "chat_9")
        .await
        .expect("200");
    assert_eq!(forwarded.message_id, None);
    let request = only_request(&server).await;
    assert_common_headers(&request);
    assert_eq!(body_json(&request), json!({"chat_id": "chat_9"}));
}

#[tokio::test]
async fn add_reaction_posts_the_emoji() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/messages/msg_1/reaction"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"object": "MessageReactionAdded", "success": true})),
        )
        .mount(&server)
        .await;
    let added = client(&server).await.add_reaction("msg_1", "👍").await.expect("200");
    assert!(added.success);
    let request = only_request(&server).await;
    assert_common_headers(&request);
    assert_eq!(body_json(&request), json!({"reaction": "👍"}));
}

#[tokio::test]
async fn patch_chat_sends_an_action_with_a_value() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/chats/chat_1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"object": "ChatPatched"})))
        .mount(&server)
        .await;
    let patched = client(&server)
        .await
        .chat_action("chat_1", ChatAction::SetLabel("Customers".into()))
        .await
        .expect("200");
    assert_eq!(patched.invite_link, None);
    let request = only_request(&server).await;
    assert_common_headers(&request);
    assert_eq!(body_json(&request), json!({"action": "setLabel", "value": "Customers"}));
}

#[tokio::test]
async fn patch_chat_get_invite_link_sends_no_value_and_decodes_the_link() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/chats/chat_1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"object": "ChatPatched", "invite_link": "https://chat.whatsapp.com/x"})),
        )
        .mount(&server)
        .await;
    let link = client(&server).await.invite_link("chat_1").await.expect("200");
    assert_eq!(link, "https://chat.whatsapp.com/x");
    assert_eq!(
        body_json(&only_request(&server).await),
        json!({"action": "getInviteLink"})
    );
}

#[tokio::test]
async fn documented_error_statuses_decode_the_envelope() {
    let server = MockServer::start().await;
    let envelope = json!({"type": "errors/resource_not_found", "status": 404, "title": "Not Found",
        "detail": "The requested resource was not found.", "instance": "req_123"});
    Mock::given(method("GET"))
        .and(path("/messages/msg_gone"))
        .respond_with(ResponseTemplate::new(404).set_body_json(envelope))
        .mount(&server)
        .await;
    match client(&server).await.get_message("msg_gone").await {
        Err(Error::Api(error)) => {
            assert_eq!(error.status, 404);
            assert_eq!(error.code, postpress::ErrorCode::ResourceNotFound);
            assert_eq!(error.instance.as_deref(), Some("req_123"));
            assert_eq!(error.operation, postpress::operations::OperationId::GetMessage);
        }
        other => panic!("expected the envelope, got {other:?}"),
    }
}

#[tokio::test]
async fn path_parameters_cannot_change_the_requested_path() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(message_json()))
        .mount(&server)
        .await;
    let client = client(&server).await;
    let cases = [
        ("a/b", "/messages/a%2Fb"),
        ("a?b=c", "/messages/a%3Fb%3Dc"),
        ("a#frag", "/messages/a%23frag"),
        ("100%", "/messages/100%25"),
        (r"x\..\..\admin", "/messages/x%5C..%5C..%5Cadmin"),
        ("../../chats/c", "/messages/..%2F..%2Fchats%2Fc"),
        ("...", "/messages/..."),
        ("👍 x", "/messages/%F0%9F%91%8D%20x"),
    ];
    for (id, _) in &cases {
        client.get_message(id).await.unwrap_or_else(|e| panic!("{id}: {e}"));
    }
    let requests = server.received_requests().await.unwrap();
    let paths: Vec<&str> = requests.iter().map(|r| r.url.path()).collect();
    let expected: Vec<&str> = cases.iter().map(|(_, p)| *p).collect();
    assert_eq!(paths, expected);
}
